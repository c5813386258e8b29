import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { labelledEngine, type LabelledEngine } from './fixtures/labelled-engine.js';

const SUITE = 'e2e-palette-triage';

/** Ctrl-K jumps, triage from the keyboard, and Stowaway's own exec kept out of the timeline unless asked for. */
describe('command palette, triage keys and the footprint toggle', { timeout: 400_000 }, () => {
  const app = useWebApp({ name: 'palette-triage', viewport: { width: 1280, height: 800 } });
  let engine: LabelledEngine;
  let page: Page;

  beforeAll(async () => {
    engine = await labelledEngine(SUITE, 16, 'pl');
    page = await app.start({ DOCKER_HOST: engine.host });
    await page.getByTestId('engine-status').filter({ hasText: 'connected' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('engine-overview').waitFor({ timeout: 30_000 });
  }, 300_000);
  afterAll(async () => {
    await app.close();
    await engine?.destroy();
  });

  async function palette(query: string) {
    await page.locator('body').click({ position: { x: 640, y: 20 } });
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette').waitFor();
    await page.getByTestId('palette-input').fill(query);
  }

  it('jumps to a container, a view and back to the engine overview', async () => {
    await palette('pl-ssh');
    expect(await page.getByTestId('palette-item').first().getAttribute('data-item-id')).toMatch(/^container:/);
    await page.screenshot({ path: artifactPath('palette-dark-1280.png') });
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('container-overview').textContent(), { timeout: 20_000 })
      .toContain('pl-ssh-keys');
    expect(await page.getByTestId('palette').count()).toBe(0);
    await palette('timel');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('tab-timeline').getAttribute('aria-selected')).toBe('true');
    await palette('engine overview');
    await page.keyboard.press('Enter');
    await page.getByTestId('engine-overview').waitFor();
    await palette('zzzz-nothing');
    expect(await page.getByTestId('palette-item').count()).toBe(0);
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('palette').count()).toBe(0);
  });

  it('runs a scan and jumps to a finding', async () => {
    await palette('scan the');
    await page.keyboard.press('Enter');
    await page.getByTestId('findings').waitFor();
    await expect
      .poll(async () => Number(await page.getByTestId('findings').getAttribute('data-count')), {
        timeout: 240_000,
        interval: 1000,
      })
      .toBeGreaterThan(5);
    await palette('authorized');
    const first = page.getByTestId('palette-item').first();
    expect(await first.getAttribute('data-item-id')).toMatch(/^finding:/);
    const id = (await first.getAttribute('data-item-id'))!.slice('finding:'.length);
    await page.keyboard.press('Enter');
    await expect
      .poll(() =>
        page.getByTestId('finding-row').and(page.locator('[aria-selected="true"]')).getAttribute('data-finding-id'),
      )
      .toBe(id);
    expect(await page.getByTestId('finding-detail').textContent()).toContain('pl-ssh-keys');
  });

  it('triages from the keyboard: confirm, false positive, each moving to the next', async () => {
    await page.getByTestId('findings-search').fill('');
    await page.locator('body').click({ position: { x: 640, y: 20 } });
    const selected = () =>
      page.getByTestId('finding-row').and(page.locator('[aria-selected="true"]')).getAttribute('data-finding-id');
    const row = (fid: string) => page.locator(`[data-testid="finding-row"][data-finding-id="${fid}"]`);
    const a = (await selected())!;
    await page.keyboard.press('c');
    await expect.poll(selected).not.toBe(a);
    await expect.poll(() => row(a).locator('.statepill').textContent()).toBe('confirmed');
    const b = (await selected())!;
    await page.keyboard.press('x');
    await expect.poll(selected).not.toBe(b);
    const c = (await selected())!;
    // Only false positives shown: the one just judged is the one there.
    const only = async (want: string[]) => {
      for (const s of ['new', 'confirmed', 'false-positive', 'suppressed']) {
        const chip = page.getByTestId(`state-filter-${s}`);
        if ((await chip.getAttribute('aria-pressed')) !== String(want.includes(s))) await chip.click();
      }
    };
    await only(['false-positive']);
    await expect
      .poll(() =>
        page.getByTestId('finding-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-finding-id'))),
      )
      .toEqual([b]);
    await only(['new', 'confirmed']);
    await page
      .getByTestId('finding-row')
      .and(page.locator(`[data-finding-id="${c}"]`))
      .click();
    await page.locator('body').click({ position: { x: 640, y: 20 } });
    await page.keyboard.press('n');
    await expect.poll(selected).not.toBe(c);
  });

  it("keeps Stowaway's own exec out of the timeline until asked, and labels it", async () => {
    await palette('pl-svc-00');
    await page.keyboard.press('Enter');
    await page.getByTestId('tab-terminal').click();
    await page.getByTestId('terminal-exec').click();
    await page.getByTestId('exec-run').click();
    await expect.poll(() => page.getByTestId('terminal').getAttribute('data-status'), { timeout: 20_000 }).toBe('open');
    await page.getByTestId('terminal-close').click();
    await page.getByTestId('tab-timeline').click();
    await page.getByTestId('timeline').waitFor();
    const toggle = page.getByTestId('timeline-own-toggle');
    await expect
      .poll(async () => Number(/\((\d+)\)/.exec((await toggle.locator('xpath=..').textContent()) ?? '')?.[1] ?? 0), {
        timeout: 30_000,
        interval: 1000,
      })
      .toBeGreaterThanOrEqual(2);
    const execRows = () => page.getByTestId('timeline-row').filter({ hasText: 'exec_' });
    expect(await execRows().count()).toBe(0);
    await toggle.check();
    await expect.poll(() => execRows().count()).toBeGreaterThanOrEqual(2);
    expect(await execRows().first().getByTestId('by-stowaway').count()).toBe(1);
    await page.screenshot({ path: artifactPath('timeline-footprint-dark-1280.png') });
  });
});
