import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../helpers/browser.js';
import { bundleHarness } from '../../bench/ui-timing.js';

type Steps = { latency: number[]; frames: number[] };
interface Harness {
  mount(view: 'processes' | 'files', procs: number, files: number): { buildMs: number; mountMs: number };
  processSteps: Record<'pan' | 'zoom' | 'search' | 'collapse', () => Promise<Steps>> & { rendered(): number };
  fileSteps: Record<'scroll' | 'jump' | 'filter' | 'flagged', () => Promise<Steps>> & { rendered(): number };
}

/**
 * The processes-files benchmark's page, at a small size: both real components mount on its fixture evidence and the
 * file steps the benchmark times run, so the benchmark does not break unnoticed when the evidence model grows a field.
 */
describe('the processes and files benchmark page', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const code = await bundleHarness('processes-files-harness.tsx');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.setContent('<!doctype html><html data-theme="dark"><body><div id="root"></div></body></html>');
    await page.addStyleTag({ content: code.css });
    await page.addScriptTag({ content: code.js });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('mounts the filesystem diff and runs its scroll, jump, filter and flagged steps', async () => {
    await page.evaluate(() => (window as unknown as { VA: Harness }).VA.mount('files', 0, 2_000));
    for (const k of ['scroll', 'jump', 'filter', 'flagged'] as const) {
      const steps = await page.evaluate((k) => (window as unknown as { VA: Harness }).VA.fileSteps[k](), k);
      expect(steps.latency.length, k).toBeGreaterThan(0);
    }
    expect(await page.evaluate(() => (window as unknown as { VA: Harness }).VA.fileSteps.rendered())).toBeGreaterThan(
      0,
    );
  });

  it('mounts the process tree', async () => {
    // Its steps are not run here: at a small size most of them leave the view as it was and wait out their bound.
    await page.evaluate(() => (window as unknown as { VA: Harness }).VA.mount('processes', 200, 0));
    expect(
      await page.evaluate(() => (window as unknown as { VA: Harness }).VA.processSteps.rendered()),
    ).toBeGreaterThan(0);
  });
});
