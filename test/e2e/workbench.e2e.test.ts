import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'e2e-workbench';
const HOSTILE = '<img src=x onerror="window.__pwned=1">\u001b]0;owned\u0007';

describe('workbench in web mode', () => {
  const app = useWebApp({ name: 'workbench', viewport: { width: 1440, height: 900 } });
  let page: Page;
  const name = `sw-e2e-${process.pid}`;

  beforeAll(async () => {
    await removeSuite(SUITE);
    await runContainer({
      suite: SUITE,
      name,
      labels: { 'com.example.note': HOSTILE },
      cmd: ['sh', '-c', `sleep 3600 # ${HOSTILE}`],
    });
    await runContainer({ suite: SUITE, name: `${name}-stopped`, start: false });
    page = await app.start(undefined, { goto: false });
  });
  afterAll(async () => {
    await app.close();
    await removeSuite(SUITE);
  });

  it('shows the real containers of the local engine and their overview', async () => {
    await page.goto(app.url);
    await expect
      .poll(() => page.getByTestId('engine-status').textContent(), { timeout: 15_000 })
      .toContain('connected');
    const item = page.getByTestId('container-item').filter({ hasText: name }).first();
    await item.waitFor({ timeout: 15_000 });
    expect(
      await page
        .getByTestId('container-item')
        .filter({ hasText: `${name}-stopped` })
        .count(),
    ).toBe(1);
    await item.click();
    await page.getByTestId('container-overview').waitFor();
    expect(await page.getByTestId('container-overview').textContent()).toContain('stowaway-test/busybox:1');
    await page.screenshot({ path: artifactPath('workbench-dark.png') });
  });

  it('renders hostile labels and command lines as inert text', async () => {
    const overview = page.getByTestId('container-overview');
    expect(await overview.textContent()).toContain('<img src=x onerror=');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img[src=x]').count()).toBe(0);
    expect(await page.title()).toBe('Stowaway');
  });

  it('is usable from the keyboard and switches themes', async () => {
    await page.keyboard.press('/');
    await page.keyboard.type(name);
    await page.keyboard.press('Escape');
    await page.keyboard.press('j');
    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.keyboard.press('t');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(
      before === 'dark' ? 'light' : 'dark',
    );
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.screenshot({ path: artifactPath('workbench-theme-help.png') });
    await page.keyboard.press('Escape');
    await page.keyboard.press('t');
  });
});
