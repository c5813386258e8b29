import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { runCli } from '../helpers/cli.js';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'e2e-bundle-engine';

/** A backdoor user appended to /etc/passwd and a process whose binary was deleted after it started. */
const SCENARIO = [
  'echo "backdoor:x:0:0::/root:/bin/sh" >> /etc/passwd',
  'cp /bin/busybox /tmp/sleep',
  '/tmp/sleep 3600 &',
  'sleep 1',
  'rm /tmp/sleep',
  'exec sleep 3602',
].join('\n');

/**
 * Evidence collected from real containers into a bundle, the containers then removed, and the bundle opened
 * in the workbench: it appears in the engine rail as a read-only engine, and the container, its process tree
 * and its filesystem diff are investigated from the bundle alone.
 */
describe('an offline bundle investigated like a live engine', { timeout: 240_000 }, () => {
  const app = useWebApp({ name: 'bundle-engine', viewport: { width: 1600, height: 960 } });
  const env = { STOWAWAY_DATA_DIR: app.dataDir, STOWAWAY_ANALYST: 'e2e-analyst' };
  const name = `sw-be-${process.pid}`;
  const bundle = path.join(app.dataDir, 'incident.tar.gz');
  let page: Page;

  beforeAll(async () => {
    await removeSuite(SUITE);
    await runContainer({ suite: SUITE, name, cmd: ['sh', '-c', SCENARIO] });
    await new Promise((r) => setTimeout(r, 2500));
    const collected = await runCli(['collect', '--out', bundle, '--since', '10m'], { env, timeoutMs: 150_000 });
    expect(collected.code, collected.stderr).toBe(0);
    // Gone from the live engine: what the workbench shows next can only come from the bundle.
    await removeSuite(SUITE);
    page = await app.start(env);
  }, 200_000);
  afterAll(async () => {
    await app.close();
    await removeSuite(SUITE);
  });

  it('opening the bundle adds a read-only engine to the rail that lists the collected container', async () => {
    await page.getByTestId('tab-case').click({ timeout: 60_000 });
    await page.getByTestId('case-bundle-path').fill(bundle);
    await page.getByTestId('case-bundle-path').press('Enter');
    await expect
      .poll(() => page.locator('.cv-status', { hasText: 'read-only bundle' }).count(), { timeout: 60_000 })
      .toBe(1);
    const engine = page.locator('[data-testid="engine-item"][data-engine-id^="bundle-"]');
    await expect.poll(() => engine.count(), { timeout: 30_000 }).toBe(1);
    expect(await engine.textContent()).toContain('bundle');
    await engine.click();
    await expect.poll(() => engine.getAttribute('data-status'), { timeout: 30_000 }).toBe('connected');
    // Nothing live behind it: marked read-only, with no Reconnect to offer.
    expect(await engine.getByTestId('engine-readonly').count()).toBe(1);
    expect(await engine.getByTestId('engine-reconnect').count()).toBe(0);
    const rail = page.getByTestId('engine-rail');
    await rail.locator('input[type="search"]').fill(name);
    const item = page.getByTestId('container-item').filter({ hasText: name }).first();
    await item.waitFor({ timeout: 30_000 });
    await item.click();
  });

  it('shows the process tree from the bundle with the deleted executable marked', async () => {
    await page.getByTestId('tab-processes').click();
    const host = page.getByTestId('process-tree-host');
    await host.waitFor({ timeout: 60_000 });
    const deleted = host.locator('[data-testid="process-node"][data-flags*="deleted-exe"]');
    await expect.poll(() => deleted.count(), { timeout: 20_000 }).toBe(1);
    expect(await deleted.textContent()).toContain('/tmp/sleep');
    expect(await host.locator('.pt-cmd', { hasText: /^sleep 3602$/ }).count()).toBe(1);
    await page.screenshot({ path: artifactPath('bundle-engine-processes.png') });
  });

  it('shows the filesystem diff and collected file content from the bundle, saying why no live read is possible', async () => {
    await page.getByTestId('tab-files').click();
    const fd = page.getByTestId('fs-diff');
    await fd.waitFor({ timeout: 60_000 });
    const passwd = fd.locator('[data-testid="fs-row"][data-path="/etc/passwd"]');
    await expect.poll(() => passwd.getAttribute('data-kind'), { timeout: 20_000 }).toBe('changed');
    await passwd.click();
    // No live engine to read the image from: the view says so and shows the content the bundle holds.
    const warn = page.locator('p.warn', { hasText: 'Live read failed' });
    await expect.poll(() => warn.textContent(), { timeout: 20_000 }).toContain('read-only evidence bundle');
    await expect.poll(() => warn.locator('xpath=..').textContent()).toContain('backdoor:x:0:0');
    await page.screenshot({ path: artifactPath('bundle-engine-files.png') });
  });

  it('puts the events the bundle recorded on the timeline, up to the moment it was collected', async () => {
    await page.getByTestId('tab-timeline').click();
    const tl = page.getByTestId('timeline');
    await tl.waitFor({ timeout: 60_000 });
    const rows = page.getByTestId('timeline-row');
    await expect.poll(async () => (await rows.allTextContents()).join('\n'), { timeout: 30_000 }).toMatch(/start/);
    await page.screenshot({ path: artifactPath('bundle-engine-timeline.png') });
  });
});
