// Container rail at 2,000 containers against 200, drawn by the real EngineRail in headless chromium: mount time,
// input-to-frame latency and frame intervals while walking the list with j, scrolling and filtering, how many rows
// are in the DOM, and whether the selection stays in view. Ratios are measured in one run.
// Run: node --import tsx test/bench/engine-rail.bench.ts   (or: npm run bench -- engine-rail)
import os from 'node:os';
import { artifactPath, launchBrowser } from '../helpers/browser.js';
import { bundleHarness, FRAME_MS, f1, summarize, summaryLine, type Steps } from './ui-timing.js';

type Summary = ReturnType<typeof summarize>;

async function run(code: { js: string; css: string }, n: number) {
  const browser = await launchBrowser();
  try {
    const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await p.setContent('<!doctype html><html data-theme="dark"><body><div id="root"></div></body></html>');
    await p.addStyleTag({ content: code.css });
    await p.addScriptTag({ content: code.js });
    const m = await p.evaluate((n) => (window as any).VR.mount(n) as { mountMs: number }, n);
    const out: Record<string, Summary> = {};
    for (const k of ['keys', 'scroll', 'filter'] as const) {
      out[k] = summarize(await p.evaluate((k) => (window as any).VR.railSteps[k]() as Promise<Steps>, k));
      if (k === 'keys')
        out.visible = {
          latP50: 0,
          latP95: 0,
          frameMean: 0,
          frameP95: 0,
          longFrames: (await p.evaluate(() => (window as any).VR.railSteps.selectedVisible() as boolean)) ? 1 : 0,
        };
    }
    const rendered = await p.evaluate(() => (window as any).VR.railSteps.rendered() as number);
    if (n >= 2000) await p.screenshot({ path: artifactPath('engine-rail-bench.png') });
    return { m, out, rendered };
  } finally {
    await browser.close();
  }
}

process.stdout.write(
  `load average at start: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores\n`,
);
const code = await bundleHarness('engine-rail-harness.tsx');
const big = await run(code, 2000);
const small = await run(code, 200);
for (const [label, r] of [
  ['rail, 2,000 containers', big],
  ['rail, 200 containers', small],
] as const) {
  process.stdout.write(
    `${label}: mount ${f1(r.m.mountMs)} ms · rows in the DOM ${r.rendered} · selection in view after 120 × j: ${r.out.visible!.longFrames === 1 ? 'yes' : 'NO'}\n`,
  );
  for (const k of ['keys', 'scroll', 'filter']) {
    const s = r.out[k]!;
    process.stdout.write(summaryLine(k, s, 8));
  }
}
process.stdout.write(
  `ratios (one run): j p95 2,000 vs 200 = ${(big.out.keys!.latP95 / small.out.keys!.latP95).toFixed(2)}x · scroll p95 2,000 vs 200 = ${(big.out.scroll!.latP95 / small.out.scroll!.latP95).toFixed(2)}x · ` +
    `mount 2,000 vs 200 = ${(big.m.mountMs / small.m.mountMs).toFixed(2)}x · DOM rows 2,000 vs 200 = ${(big.rendered / small.rendered).toFixed(2)}x · worst p95 / frame budget (2,000) = ${(Math.max(big.out.keys!.latP95, big.out.scroll!.latP95, big.out.filter!.latP95) / FRAME_MS).toFixed(2)}\n`,
);
if (big.out.visible!.longFrames !== 1) process.exitCode = 1;
