// Process tree at 5,000 processes and filesystem diff at 100,000 entries, drawn by the real React components in
// headless chromium on fixture evidence. Measured in one run: mount time, input-to-frame
// latency and frame intervals while panning, zooming, searching and folding the tree and while scrolling and
// filtering the diff, how many rows are in the DOM, and the same at a tenth of the size (scaling ratios).
// Run: node --import tsx test/bench/views-a.bench.ts   (or: npm run bench -- views-a)
import { build } from 'esbuild';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { ROOT } from '../helpers/cli.js';

const FRAME_MS = 1000 / 60;

interface Steps {
  latency: number[];
  frames: number[];
}

async function bundle(): Promise<{ js: string; css: string }> {
  const out = await build({
    entryPoints: [path.join(ROOT, 'test/bench/views-a-harness.tsx')],
    bundle: true,
    write: false,
    outdir: '/tmp/views-a-bench',
    format: 'iife',
    platform: 'browser',
    jsx: 'automatic',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.css': 'css' },
    logLevel: 'error',
  });
  const js = out.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
  const css = out.outputFiles.filter((f) => f.path.endsWith('.css')).map((f) => f.text).join('\n');
  const { readFileSync } = await import('node:fs');
  return { js, css: readFileSync(path.join(ROOT, 'renderer/src/styles.css'), 'utf8') + '\n' + css };
}

const q = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))] ?? NaN;
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / Math.max(1, a.length);
const f1 = (n: number) => n.toFixed(1);

interface Summary {
  latP50: number;
  latP95: number;
  frameMean: number;
  frameP95: number;
  longFrames: number;
}
const summarize = (s: Steps): Summary => ({
  latP50: q(s.latency, 0.5),
  latP95: q(s.latency, 0.95),
  // The first interval includes setup before the loop started; skip it.
  frameMean: mean(s.frames.slice(1)),
  frameP95: q(s.frames.slice(1), 0.95),
  longFrames: s.frames.slice(1).filter((x) => x > 50).length,
});
const line = (label: string, s: Summary) =>
  `  ${label.padEnd(22)} input-to-frame p50 ${f1(s.latP50)} ms, p95 ${f1(s.latP95)} ms · frame interval mean ${f1(s.frameMean)} ms, p95 ${f1(s.frameP95)} ms · frames over 50 ms: ${s.longFrames}\n`;

async function page(code: { js: string; css: string }): Promise<{ page: Page; close: () => Promise<void> }> {
  const browser = await launchBrowser();
  const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await p.setContent('<!doctype html><html data-theme="dark"><body><div id="root"></div></body></html>');
  await p.addStyleTag({ content: code.css });
  await p.addScriptTag({ content: code.js });
  return { page: p, close: () => browser.close() };
}

type Mount = { buildMs: number; mountMs: number };

async function processes(code: { js: string; css: string }, n: number) {
  const { page: p, close } = await page(code);
  try {
    const m = await p.evaluate((n) => (window as any).VA.mount('processes', n, 0) as Mount, n);
    const out: Record<string, Summary> = {};
    for (const k of ['pan', 'zoom', 'search', 'collapse'] as const) out[k] = summarize(await p.evaluate((k) => (window as any).VA.processSteps[k]() as Promise<Steps>, k));
    const rendered = await p.evaluate(() => (window as any).VA.processSteps.rendered() as number);
    if (n >= 5000) await p.screenshot({ path: path.join(ROOT, 'test-artifacts', 'views-a-bench-processes.png') });
    return { m, out, rendered };
  } finally {
    await close();
  }
}

async function files(code: { js: string; css: string }, n: number) {
  const { page: p, close } = await page(code);
  try {
    const m = await p.evaluate((n) => (window as any).VA.mount('files', 0, n) as Mount, n);
    const out: Record<string, Summary> = {};
    for (const k of ['scroll', 'jump', 'filter', 'flagged'] as const) out[k] = summarize(await p.evaluate((k) => (window as any).VA.fileSteps[k]() as Promise<Steps>, k));
    const rendered = await p.evaluate(() => (window as any).VA.fileSteps.rendered() as number);
    if (n >= 100_000) await p.screenshot({ path: path.join(ROOT, 'test-artifacts', 'views-a-bench-files.png') });
    return { m, out, rendered };
  } finally {
    await close();
  }
}

process.stdout.write(`load average at start: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores (times scale with it; the ratios less so)\n`);
const code = await bundle();
const pBig = await processes(code, 5000);
const pSmall = await processes(code, 500);
const fBig = await files(code, 100_000);
const fSmall = await files(code, 10_000);

for (const [label, r] of [
  ['process tree, 5,000 processes', pBig],
  ['process tree, 500 processes', pSmall],
  ['filesystem diff, 100,000 entries', fBig],
  ['filesystem diff, 10,000 entries', fSmall],
] as const) {
  process.stdout.write(`${label}: mount ${f1(r.m.mountMs)} ms · rows in the DOM ${r.rendered}\n`);
  for (const [k, s] of Object.entries(r.out)) process.stdout.write(line(k, s));
}
const worst = (r: { out: Record<string, Summary> }) => Math.max(...Object.values(r.out).map((s) => s.latP95));
process.stdout.write(
  `ratios (one run): process tree worst p95 input-to-frame / frame budget = ${(worst(pBig) / FRAME_MS).toFixed(2)} · ` +
    `filesystem diff worst p95 / frame budget = ${(worst(fBig) / FRAME_MS).toFixed(2)} · ` +
    `pan p95 5,000 vs 500 = ${(pBig.out.pan!.latP95 / pSmall.out.pan!.latP95).toFixed(2)}x · ` +
    `scroll p95 100k vs 10k = ${(fBig.out.scroll!.latP95 / fSmall.out.scroll!.latP95).toFixed(2)}x · ` +
    `mount 100k vs 10k = ${(fBig.m.mountMs / fSmall.m.mountMs).toFixed(2)}x · DOM rows 100k vs 10k = ${(fBig.rendered / fSmall.rendered).toFixed(2)}x\n`,
);
