import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'e2e-timeline';
const HOSTILE_ARG = '<b onmouseover="window.__pwned=1">x</b>';

describe('timeline in web mode', () => {
  const app = useWebApp({ name: 'timeline', viewport: { width: 1440, height: 900 } });
  let page: Page;
  const name = `sw-tl-${process.pid}`;

  beforeAll(async () => {
    await removeSuite(SUITE);
    const c = await runContainer({ suite: SUITE, name });
    // An exec the timeline must show, with a hostile argument that must stay text.
    const exec = await c.exec({ Cmd: ['echo', HOSTILE_ARG], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    await new Promise<void>((r) => {
      stream.on('end', () => r());
      stream.on('close', () => r());
      stream.resume();
    });
    page = await app.start(undefined, { goto: false });
  });
  afterAll(async () => {
    await app.close();
    await removeSuite(SUITE);
  });

  const rows = () => page.getByTestId('timeline-row');

  it('shows the create, start and exec events of the selected container', async () => {
    await page.goto(app.url);
    await page.getByTestId('engine-status').filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
    // The rail lists rows in view only: on a busy engine the container is found through the filter.
    await page.getByTestId('engine-rail').locator('input[type="search"]').fill(name);
    const item = page.getByTestId('container-item').filter({ hasText: name }).first();
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    await page.getByTestId('tab-timeline').click();
    await page.getByTestId('timeline').waitFor();
    await expect.poll(() => rows().filter({ hasText: 'container create' }).count(), { timeout: 20_000 }).toBe(1);
    expect(await rows().filter({ hasText: 'container start' }).count()).toBe(1);
    expect(await rows().filter({ hasText: 'exec_create' }).count()).toBe(1);
    expect(await rows().filter({ hasText: 'exec_start' }).count()).toBe(1);
    // Scoped to the container: no other container's events.
    const actors = await page.locator('[data-testid="timeline-row"] .tl-actor').allTextContents();
    expect(new Set(actors.filter(Boolean))).toEqual(new Set([name]));
    // SVG marks exist for the lanes.
    expect(await page.locator('.tl-mark.lane-exec').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.tl-mark.lane-lifecycle').count()).toBeGreaterThanOrEqual(2);
  });

  it('keeps hostile event attributes inert and shows details on selection', async () => {
    await rows().filter({ hasText: 'exec_create' }).first().click();
    const detail = page.getByTestId('timeline-detail');
    await expect.poll(() => detail.textContent()).toContain('exec_create');
    expect(await page.locator('b[onmouseover]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await rows().filter({ hasText: HOSTILE_ARG }).count()).toBeGreaterThan(0);
  });

  it('zooms with the wheel and brushes a range that filters the list', async () => {
    const svg = page.locator('.tl-svg');
    const box = (await svg.boundingBox())!;
    const ticksBefore = await page.locator('.tl-axis .tick').allTextContents();
    await page.mouse.move(box.x + box.width - 40, box.y + 40);
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -400);
    await expect.poll(() => page.locator('.tl-axis .tick').allTextContents()).not.toEqual(ticksBefore);
    await page.keyboard.press('0');
    // Brush the left part of the context strip: an hour ago, before the container existed.
    const ctx = (await page.locator('.tl-context-bg').boundingBox())!;
    await page.mouse.move(ctx.x + 5, ctx.y + ctx.height / 2);
    await page.mouse.down();
    await page.mouse.move(ctx.x + ctx.width / 3, ctx.y + ctx.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('timeline-summary').textContent()).toContain('range');
    await expect.poll(() => rows().count()).toBe(0);
    await page.screenshot({ path: artifactPath('timeline-brushed.png') });
    await page.getByTestId('timeline-clear-range').click();
    await expect.poll(() => rows().count()).toBeGreaterThanOrEqual(4);
    // Zoom to the last minutes so the marks spread out, then screenshot.
    const last = await rows().first().textContent();
    expect(last).toBeTruthy();
    await rows().first().click();
    await page.keyboard.press('z');
    await page.waitForTimeout(500);
    await page.screenshot({ path: artifactPath('timeline.png') });
  });
});
