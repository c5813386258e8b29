// Process tree at 5,000 processes and filesystem diff at 100,000 entries, drawn by the real React components in
// headless chromium on fixture evidence. Measured in one run: mount time, input-to-frame
// latency and frame intervals while panning, zooming, searching and folding the tree and while scrolling and
// filtering the diff, how many rows are in the DOM, and the same at a tenth of the size (scaling ratios).
// Run: node --import tsx test/bench/processes-files.bench.ts   (or: npm run bench -- processes-files)
import os from 'node:os';
import type { Page } from 'playwright-core';
import { artifactPath, launchBrowser } from '../helpers/browser.js';
import { bundleHarness, FRAME_MS, f1, summarize, summaryLine as line, type Steps, type Summary } from './ui-timing.js';

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
    for (const k of ['pan', 'zoom', 'search', 'collapse'] as const)
      out[k] = summarize(await p.evaluate((k) => (window as any).VA.processSteps[k]() as Promise<Steps>, k));
    const rendered = await p.evaluate(() => (window as any).VA.processSteps.rendered() as number);
    if (n >= 5000) await p.screenshot({ path: artifactPath('processes-files-bench-processes.png') });
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
    for (const k of ['scroll', 'jump', 'filter', 'flagged'] as const)
      out[k] = summarize(await p.evaluate((k) => (window as any).VA.fileSteps[k]() as Promise<Steps>, k));
    const rendered = await p.evaluate(() => (window as any).VA.fileSteps.rendered() as number);
    if (n >= 100_000) await p.screenshot({ path: artifactPath('processes-files-bench-files.png') });
    return { m, out, rendered };
  } finally {
    await close();
  }
}

process.stdout.write(
  `load average at start: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores (times scale with it; the ratios less so)\n`,
);
const code = await bundleHarness('processes-files-harness.tsx');
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
