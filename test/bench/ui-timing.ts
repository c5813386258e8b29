// Shared plumbing of the UI benchmarks: bundle a harness page of real renderer components, and summarize the
// input-to-frame latencies and frame intervals it records.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';
import type { Steps } from './frame-probe.js';

export type { Steps };

/** One frame at 60 Hz: the budget an interaction should stay within. */
export const FRAME_MS = 1000 / 60;

export interface Summary {
  latP50: number;
  latP95: number;
  frameMean: number;
  frameP95: number;
  longFrames: number;
}

/** Bundles a harness (.tsx under test/bench) for the browser, with the app's stylesheet and the harness's CSS. */
export async function bundleHarness(entry: string): Promise<{ js: string; css: string }> {
  const out = await build({
    entryPoints: [path.join(ROOT, 'test/bench', entry)],
    bundle: true,
    write: false,
    outdir: path.join('/tmp', path.basename(entry, '.tsx')),
    format: 'iife',
    platform: 'browser',
    jsx: 'automatic',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.css': 'css' },
    logLevel: 'error',
  });
  const js = out.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
  const css = out.outputFiles
    .filter((f) => f.path.endsWith('.css'))
    .map((f) => f.text)
    .join('\n');
  return { js, css: readFileSync(path.join(ROOT, 'renderer/src/styles.css'), 'utf8') + '\n' + css };
}

export const quantile = (a: number[], p: number) =>
  [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))] ?? NaN;
export const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / Math.max(1, a.length);
export const f1 = (n: number) => n.toFixed(1);

export const summarize = (s: Steps): Summary => ({
  latP50: quantile(s.latency, 0.5),
  latP95: quantile(s.latency, 0.95),
  // The first interval includes setup before the loop started; skip it.
  frameMean: mean(s.frames.slice(1)),
  frameP95: quantile(s.frames.slice(1), 0.95),
  longFrames: s.frames.slice(1).filter((x) => x > 50).length,
});

export const summaryLine = (label: string, s: Summary, width = 22) =>
  `  ${label.padEnd(width)} input-to-frame p50 ${f1(s.latP50)} ms, p95 ${f1(s.latP95)} ms · frame interval mean ${f1(s.frameMean)} ms, p95 ${f1(s.frameP95)} ms · frames over 50 ms: ${s.longFrames}\n`;
