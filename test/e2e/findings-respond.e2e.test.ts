import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { runCli } from '../helpers/cli.js';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { labelledEngine, type LabelledEngine } from './fixtures/labelled-engine.js';

const SUITE = 'e2e-findings-respond';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TARGET = 'rs-etc-mount';

/**
 * The Findings view on a real engine: informational findings grouped by cause, and the Respond menu offering what
 * each detector's catalogue names, confirmed in a dialog, recorded in the case's custody log, refused when a setting
 * disables the action and on a read-only bundle engine.
 */
describe('findings grouped by cause and the Respond menu', { timeout: 600_000 }, () => {
  const app = useWebApp({ name: 'findings-respond', viewport: { width: 1280, height: 800 }, bypassCSP: true });
  // A second workbench with nothing live, for the bundle's findings alone.
  const offline = useWebApp({ name: 'findings-respond-bundle', viewport: { width: 1280, height: 800 } });
  let engine: LabelledEngine;
  let env: NodeJS.ProcessEnv;
  let page: Page;

  beforeAll(async () => {
    engine = await labelledEngine(SUITE, 6, 'rs');
    env = { DOCKER_HOST: engine.host, STOWAWAY_DATA_DIR: app.dataDir, STOWAWAY_ANALYST: 'e2e-analyst' };
    page = await app.start(env);
    await page.getByTestId('engine-status').filter({ hasText: 'connected' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('tab-case').click();
    await page.getByTestId('case-new-name').fill('Respond case');
    await page.getByTestId('case-create').click();
    await page.getByTestId('case-title').filter({ hasText: 'Respond case' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('tab-findings').click();
    await page.getByTestId('scan-button').click();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="findings"]')?.getAttribute('data-count')) > 5,
      undefined,
      { timeout: 300_000, polling: 1000 },
    );
  }, 500_000);
  afterAll(async () => {
    await app.close();
    await engine?.destroy();
  });

  const poll = <T>(fn: () => T | Promise<T>, timeout = 20_000) => expect.poll(fn, { timeout, interval: 200 });
  const state = async () => (await engine.docker.getContainer(TARGET).inspect()).State;
  const custody = async () => {
    await page.getByTestId('tab-case').click();
    await page.getByTestId('case-view').waitFor();
    await page.getByTestId('case-title').filter({ hasText: 'Respond case' }).waitFor({ timeout: 30_000 });
    // The title shows before the case's entries have loaded.
    await page.getByTestId('custody-log').waitFor({ timeout: 30_000 });
    return (await page.getByTestId('case-view').textContent()) ?? '';
  };
  /** The target's finding of a detector whose catalogue response names "stop". */
  async function pickFinding() {
    await page.getByTestId('tab-findings').click();
    await page.getByTestId('findings-search').fill(TARGET);
    await poll(() => page.getByTestId('filter-detector').locator('option[value="sensitive-host-mount"]').count()).toBe(
      1,
    );
    await page.getByTestId('filter-detector').selectOption('sensitive-host-mount');
    await poll(() => page.getByTestId('findings').getAttribute('data-shown')).toBe('1');
    await page.getByTestId('finding-row').first().click();
    await poll(() => page.getByTestId('finding-detail').textContent()).toContain(TARGET);
  }
  /** axe-core's serious and critical violations on the page as it is. */
  async function audit(): Promise<string[]> {
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
    return page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: { run(ctx: unknown): Promise<{ violations: { id: string; impact: string | null }[] }> };
        }
      ).axe;
      return (await axe.run(document)).violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id);
    });
  }
  async function respond(action: string) {
    await page.getByTestId('respond-button').click();
    await page.getByTestId('respond-menu').waitFor();
    await page.getByTestId(`respond-${action}`).click();
    await page.getByTestId('respond-confirm').waitFor();
  }

  it('groups informational findings by cause, opened on demand, and lists them one by one when asked', async () => {
    const group = page.getByTestId('finding-group').first();
    await group.waitFor({ timeout: 20_000 });
    const n = Number(await group.getAttribute('data-count'));
    expect(n).toBeGreaterThan(1);
    expect(await group.getAttribute('data-severity')).toBe('low');
    expect(await group.textContent()).toMatch(new RegExp(`×${n}`));
    expect(await audit()).toEqual([]);
    await page.screenshot({ path: artifactPath('findings-grouped-dark-1280.png') });
    await group.click();
    await poll(() => group.getAttribute('data-open')).toBe('true');
    expect(await page.locator('[data-testid="finding-row"].fv-in-group').count()).toBe(n);
    expect(await page.getByTestId('finding-detail').textContent()).not.toContain('First of');
    await group.click();
    await poll(() => page.locator('.fv-in-group').count()).toBe(0);
    expect(await page.getByTestId('finding-group-note').textContent()).toContain(
      `First of ${n} informational findings`,
    );
    const groups = await page.getByTestId('finding-group').count();
    await page.getByTestId('group-informational').uncheck();
    await poll(() => page.getByTestId('finding-group').count()).toBe(0);
    await page.getByTestId('group-informational').check();
    await poll(() => page.getByTestId('finding-group').count()).toBe(groups);
  });

  it("offers the catalogue's actions first, confirms, pauses the container and writes the custody log before and after", async () => {
    await pickFinding();
    await page.getByTestId('respond-button').click();
    const menu = page.getByTestId('respond-menu');
    await menu.waitFor();
    // sensitive-host-mount's response says "stop the container if it is not authorized".
    expect(await page.getByTestId('respond-stop').getAttribute('data-named')).toBe('true');
    expect(await page.getByTestId('respond-pause').getAttribute('data-named')).toBe('false');
    expect(await menu.textContent()).toContain('Named by the sensitive-host-mount response');
    // Keyboard: focus starts on the first action; arrows move; Escape closes.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('respond-stop');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('menuitem');
    await page.keyboard.press('Escape');
    await poll(() => menu.count()).toBe(0);

    await respond('pause');
    const dialog = page.getByTestId('respond-confirm');
    expect(await dialog.textContent()).toContain(TARGET);
    expect(await dialog.textContent()).toContain('Respond case');
    // Nothing happens before the confirmation.
    expect((await state()).Paused).toBe(false);
    expect(await audit()).toEqual([]);
    await page.screenshot({ path: artifactPath('respond-confirm-dark-1280.png') });
    await page.getByTestId('respond-run').click();
    const outcome = page.getByTestId('respond-outcome');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.getAttribute('data-ok')).toBe('true');
    expect(await outcome.textContent()).toContain('paused (cgroup freezer)');
    expect((await state()).Paused).toBe(true);
    await page.getByTestId('respond-cancel').click();

    const log = await custody();
    const id = (await engine.docker.getContainer(TARGET).inspect()).Id.slice(0, 12);
    expect(log).toContain(`requested: pause container ${id} ${TARGET}`);
    expect(log).toContain(`done: pause container ${id} ${TARGET}`);
    expect(log.indexOf(`requested: pause container ${id}`)).toBeGreaterThanOrEqual(0);

    await pickFinding();
    await respond('unpause');
    await page.getByTestId('respond-run').click();
    await page.getByTestId('respond-outcome').waitFor({ timeout: 60_000 });
    expect((await state()).Paused).toBe(false);
    await page.getByTestId('respond-cancel').click();
  });

  it('refuses an action a setting disables, and records the refusal nowhere as done', async () => {
    writeFileSync(path.join(app.dataDir, 'settings.json'), JSON.stringify({ respond: { disabled: ['stop'] } }));
    try {
      await pickFinding();
      await respond('stop');
      await page.getByTestId('respond-run').click();
      const outcome = page.getByTestId('respond-outcome');
      await outcome.waitFor({ timeout: 60_000 });
      expect(await outcome.getAttribute('data-ok')).toBe('false');
      expect(await outcome.textContent()).toContain('"stop" is disabled on this installation');
      await page.screenshot({ path: artifactPath('respond-refused-dark-1280.png') });
      await page.getByTestId('respond-cancel').click();
      expect((await state()).Running).toBe(true);
      expect(await custody()).not.toContain('requested: stop');
    } finally {
      rmSync(path.join(app.dataDir, 'settings.json'), { force: true });
    }
  });

  it('offers no response on a read-only bundle engine', async () => {
    const bundle = path.join(app.dataDir, 'respond.tar.gz');
    const collected = await runCli(['collect', '--out', bundle, '--since', '10m'], { env, timeoutMs: 240_000 });
    expect(collected.code, collected.stderr).toBe(0);
    // A second workbench with nothing live: the bundle's findings are the only ones.
    const p2 = await offline.start({ DOCKER_HOST: `unix://${offline.root}/none.sock` });
    try {
      await p2.getByTestId('tab-case').click({ timeout: 60_000 });
      await p2.getByTestId('case-bundle-path').fill(bundle);
      await p2.getByTestId('case-bundle-path').press('Enter');
      const item = p2.locator('[data-testid="engine-item"][data-engine-id^="bundle-"]');
      await item.waitFor({ timeout: 60_000 });
      await item.click();
      await p2.getByTestId('tab-findings').click();
      await p2.getByTestId('finding-row').first().waitFor({ timeout: 60_000 });
      await p2.getByTestId('findings-search').fill(TARGET);
      await p2.getByTestId('finding-row').first().click();
      await p2.getByTestId('finding-detail').waitFor();
      expect(await p2.getByTestId('respond-button').isDisabled()).toBe(true);
      expect(await p2.getByTestId('respond-refusal').textContent()).toContain('Read-only evidence bundle');
      await p2.screenshot({ path: artifactPath('respond-bundle-refused-1280.png') });
    } finally {
      await offline.stop();
    }
  });
});
