import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'e2e-container-investigation';

/**
 * Emulates the evasion report inside one container: a backdoor user appended to /etc/passwd, a hidden
 * dot-directory with a setuid script, a process whose binary was deleted after start, and a process hidden
 * from the container's own /proc by a bind mount. The command line carries an ANSI escape and markup.
 */
const SCENARIO = [
  'echo "backdoor:x:0:0::/root:/bin/sh" >> /etc/passwd',
  'mkdir -p /tmp/.hidden /tmp/empty',
  'echo "127.0.0.9 registry-1.docker.io" >> /etc/hosts',
  'echo payload > /tmp/.hidden/run.sh',
  'chmod 4755 /tmp/.hidden/run.sh',
  'cp /bin/busybox /tmp/sleep',
  'cp /bin/busybox /dev/shm/.kw',
  '/tmp/sleep 3600 &',
  'sleep 1',
  'rm /tmp/sleep',
  'sleep 3601 &',
  'mount --bind /tmp/empty /proc/$!',
  `exec sh -c 'sleep 3602; : "\u001b[31m<img src=x onerror=window.__pwned=1>"'`,
].join('\n');

describe('triage, process tree, filesystem diff and overview on real containers', { timeout: 180_000 }, () => {
  const app = useWebApp({ name: 'container-investigation', viewport: { width: 1600, height: 960 } });
  let page: Page;
  let container: Docker.Container;
  const name = `sw-va-${process.pid}`;

  beforeAll(async () => {
    await removeSuite(SUITE);
    container = await runContainer({
      suite: SUITE,
      name,
      cmd: ['sh', '-c', SCENARIO],
      hostConfig: { NetworkMode: 'none', CapAdd: ['SYS_ADMIN'], SecurityOpt: ['apparmor=unconfined'] },
    });
    await new Promise((r) => setTimeout(r, 2500));
    page = await app.start();
    const rail = page.getByTestId('engine-rail');
    await rail.waitFor({ timeout: 60_000 }).catch(async () => {
      // The page can be caught mid-rebuild of the UI bundle: one reload.
      await page.reload();
      await rail.waitFor({ timeout: 60_000 });
    });
    // Other suites share the daemon: narrow the rail to this container first.
    await rail.locator('input').first().fill(name);
    const item = page.getByTestId('container-item').filter({ hasText: name }).first();
    await item.waitFor({ timeout: 60_000 });
    await item.click();
  });
  afterAll(async () => {
    await app.close();
    await removeSuite(SUITE);
  });

  it('process tree shows host and in-container views with the hidden and deleted processes marked', async () => {
    await page.getByTestId('tab-processes').click();
    const tree = page.getByTestId('process-tree');
    await tree.waitFor({ timeout: 90_000 });
    // init, its shell child chain: sh -> /tmp/sleep (deleted), sleep 3601 (hidden), sleep 3602.
    expect(Number(await tree.getAttribute('data-count'))).toBeGreaterThanOrEqual(4);
    expect(Number(await tree.getAttribute('data-hidden'))).toBe(1);
    const host = page.getByTestId('process-tree-host');
    const deleted = host.locator('[data-testid="process-node"][data-flags*="deleted-exe"]');
    expect(await deleted.count()).toBe(1);
    expect(await deleted.textContent()).toContain('/tmp/sleep');
    const hidden = host.locator('[data-testid="process-node"][data-flags~="hidden"]');
    expect(await hidden.count()).toBe(1);
    expect(await hidden.textContent()).toContain('sleep 3601');
    expect(await hidden.evaluate((el) => el.classList.contains('severe'))).toBe(true);
    // The container's own view does not list the hidden one.
    const inside = page.getByTestId('process-tree-container');
    expect(await inside.locator('.pt-cmd', { hasText: /^sleep 3601$/ }).count()).toBe(0);
    expect(await inside.locator('.pt-cmd', { hasText: /^sleep 3602$/ }).count()).toBe(1);
    expect(await host.locator('.pt-cmd', { hasText: /^sleep 3601$/ }).count()).toBe(1);
    // Hostile command line: the escape is shown, the markup stays text.
    expect(await host.textContent()).toContain('\\x1b[31m<img src=x');
    expect(await page.locator('img[src=x]').count()).toBe(0);
    await hidden.click();
    await page.getByTestId('process-detail').waitFor();
    expect(await page.getByTestId('process-detail').textContent()).toContain('hidden');
    await page.screenshot({ path: artifactPath('container-investigation-processes.png') });
  });

  it('process tree searches, collapses and zooms from the keyboard without losing the selection', async () => {
    const host = page.getByTestId('process-tree-host');
    const rowsBefore = Number(await host.getAttribute('data-rows'));
    await page.getByTestId('process-search').fill('3602');
    await expect.poll(async () => Number(await host.getAttribute('data-rows'))).toBeLessThan(rowsBefore);
    await page.getByTestId('process-search').fill('');
    // The search applies as a deferred render: wait for the whole tree before driving it from the keyboard.
    await expect.poll(async () => Number(await host.getAttribute('data-rows'))).toBe(rowsBefore);
    await host.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft'); // collapse the root
    await expect.poll(async () => Number(await host.getAttribute('data-rows'))).toBe(1);
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Number(await host.getAttribute('data-rows'))).toBe(rowsBefore);
    const z0 = Number(await host.getAttribute('data-zoom'));
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await expect.poll(async () => Number(await host.getAttribute('data-zoom'))).toBeGreaterThan(z0);
    expect(await host.locator('[aria-selected="true"]').count()).toBe(1);
    await page.keyboard.press('0');
  });

  it('process tree updates live on an engine event and keeps the selection and zoom', async () => {
    const tree = page.getByTestId('process-tree');
    const host = page.getByTestId('process-tree-host');
    const before = Number(await tree.getAttribute('data-count'));
    await host.locator('[data-testid="process-node"]').filter({ hasText: 'sleep 3602' }).first().click();
    const pid = await host.locator('[aria-selected="true"]').getAttribute('data-pid');
    await page.getByRole('button', { name: '+' }).click();
    const zoom = await host.getAttribute('data-zoom');
    // An exec is an engine event: the view refreshes its evidence by itself.
    const exec = await container.exec({ Cmd: ['sleep', '3700'] });
    await exec.start({ Detach: true });
    await expect.poll(async () => Number(await tree.getAttribute('data-count')), { timeout: 30_000 }).toBe(before + 1);
    expect(await host.getAttribute('data-zoom')).toBe(zoom);
    expect(await host.locator('[aria-selected="true"]').getAttribute('data-pid')).toBe(pid);
    await page.getByRole('button', { name: 'fit' }).click();
  });

  it('filesystem diff shows the changed passwd with its diff and the hidden setuid file', async () => {
    await page.getByTestId('tab-files').click();
    const fd = page.getByTestId('fs-diff');
    await fd.waitFor({ timeout: 90_000 });
    const passwd = fd.locator('[data-testid="fs-row"][data-path="/etc/passwd"]');
    expect(await passwd.getAttribute('data-kind')).toBe('changed');
    expect(await fd.locator('[data-testid="fs-row"][data-path="/tmp/.hidden"]').getAttribute('data-flags')).toContain(
      'hidden',
    );
    expect(
      await fd.locator('[data-testid="fs-row"][data-path="/tmp/.hidden/run.sh"]').getAttribute('data-flags'),
    ).toContain('setuid');
    await passwd.click();
    const lines = page.getByTestId('fs-diff-lines');
    await lines.waitFor({ timeout: 20_000 });
    expect(await lines.getAttribute('data-added')).toBe('1');
    expect(await lines.locator('tr.add').textContent()).toContain('backdoor:x:0:0');
    await page.screenshot({ path: artifactPath('container-investigation-files.png') });
    // Flagged-only filter keeps the hidden directory and its parents.
    await page.getByTestId('fs-flagged').click();
    await expect.poll(() => fd.locator('[data-testid="fs-row"][data-path="/etc/passwd"]').count()).toBe(0);
    expect(await fd.locator('[data-testid="fs-row"][data-path="/tmp/.hidden/run.sh"]').count()).toBe(1);
    await page.getByTestId('fs-flagged').click();
    // A binary dropped in /dev/shm is in no layer: it joins the tree as added and says it lives in tmpfs.
    const shm = fd.locator('[data-testid="fs-row"][data-path="/dev/shm/.kw"]');
    expect(await shm.getAttribute('data-kind')).toBe('added');
    expect(await shm.getAttribute('data-flags')).toContain('elf');
    await shm.click();
    await expect.poll(() => page.getByTestId('fs-tmpfs').count()).toBe(1);
    // The engine's /etc/hosts is a bind mount, in no diff: rewritten, it joins the tree with its collected content.
    const hosts = fd.locator('[data-testid="fs-row"][data-path="/etc/hosts"]');
    expect(await hosts.getAttribute('data-kind')).toBe('changed');
    await hosts.click();
    await expect.poll(() => page.getByTestId('fs-engine-file').count()).toBe(1);
    await expect
      .poll(() => page.getByTestId('fs-detail').textContent(), { timeout: 20_000 })
      .toContain('registry-1.docker.io');
    await page.screenshot({ path: artifactPath('container-investigation-engine-file.png') });
    await passwd.click();
    expect(await page.getByTestId('fs-tmpfs').count()).toBe(0);
  });

  it('overview shows privileges, namespaces and a live resource chart', async () => {
    await page.getByTestId('tab-overview').click();
    const ov = page.getByTestId('container-overview');
    await ov.waitFor();
    expect(await page.getByTestId('capabilities').textContent()).toContain('SYS_ADMIN');
    await expect
      .poll(async () => Number(await page.getByTestId('live-stats').getAttribute('data-samples')), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: artifactPath('container-investigation-overview.png') });
  });

  it('findings: a scan with progress, filters, and two clicks from a finding to its evidence', async () => {
    await page.getByTestId('tab-findings').click();
    const view = page.getByTestId('findings');
    await view.waitFor();
    await page.getByTestId('scan-button').click();
    await expect
      .poll(async () => Number(await view.getAttribute('data-count')), { timeout: 170_000 })
      .toBeGreaterThan(0);
    const mine = page.getByTestId('finding-row').filter({ hasText: name });
    await expect.poll(() => mine.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // Filter to this container: only its findings stay.
    const value = await page
      .getByTestId('filter-container')
      .locator('option', { hasText: name })
      .first()
      .getAttribute('value');
    await page.getByTestId('filter-container').selectOption(value!);
    await expect
      .poll(async () => (await page.getByTestId('finding-row').allTextContents()).every((t) => t.includes(name)))
      .toBe(true);
    await page.screenshot({ path: artifactPath('container-investigation-findings.png') });
    // Keyboard: n selects the first finding and shows its evidence.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('n');
    await page.getByTestId('finding-detail').waitFor();
    // Two clicks: the finding that points at the hidden process, then its process evidence.
    let opened = false;
    const rows = await page.getByTestId('finding-row').count();
    for (let i = 0; i < rows && !opened; i++) {
      await page.getByTestId('finding-row').nth(i).click();
      const link = page
        .getByTestId('evidence-link')
        .and(page.locator('[data-kind="process"]'))
        .filter({ hasText: 'sleep 3601' })
        .first();
      if ((await link.count()) === 0) continue;
      await link.click();
      opened = true;
    }
    expect(opened).toBe(true);
    await page.getByTestId('process-tree').waitFor({ timeout: 20_000 });
    const selected = page.getByTestId('process-tree-host').locator('[aria-selected="true"]');
    await expect.poll(() => selected.count()).toBe(1);
    expect(await selected.getAttribute('data-flags')).toContain('hidden');
    await page.screenshot({ path: artifactPath('container-investigation-finding-jump.png') });
  });

  it('a finding about /etc/passwd opens the filesystem diff on that file', async () => {
    await page.getByTestId('tab-findings').click();
    await page.getByTestId('findings').waitFor();
    // Search narrows the (virtualized) list to findings that mention the file.
    await page.getByTestId('findings-search').fill(`/etc/passwd`);
    const value = await page
      .getByTestId('filter-container')
      .locator('option', { hasText: name })
      .first()
      .getAttribute('value');
    await page.getByTestId('filter-container').selectOption(value!);
    let opened = false;
    const rows = await page.getByTestId('finding-row').count();
    for (let i = 0; i < rows && !opened; i++) {
      await page.getByTestId('finding-row').nth(i).click();
      const link = page
        .getByTestId('evidence-link')
        .and(page.locator('[data-kind="file"]'))
        .filter({ hasText: '/etc/passwd' })
        .first();
      if ((await link.count()) === 0) continue;
      await link.click();
      opened = true;
    }
    expect(opened).toBe(true);
    await page.getByTestId('fs-diff').waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.locator('[data-testid="fs-row"][aria-selected="true"]').getAttribute('data-path'))
      .toBe('/etc/passwd');
    await page.getByTestId('fs-diff-lines').waitFor({ timeout: 20_000 });
  });

  it('triage changes the state of a finding and the state filter follows', async () => {
    await page.getByTestId('tab-findings').click();
    const view = page.getByTestId('findings');
    await view.waitFor();
    const first = page.getByTestId('finding-row').first();
    await first.click();
    const id = await first.getAttribute('data-finding-id');
    const before = Number(await view.getAttribute('data-shown'));
    await page.getByTestId('triage-fp').click();
    // False positives are filtered out by default.
    await expect.poll(async () => Number(await view.getAttribute('data-shown'))).toBe(before - 1);
    await page.getByTestId('state-filter-false-positive').click();
    await expect.poll(() => page.locator(`[data-finding-id="${id}"]`).textContent()).toContain('false-positive');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('overview shows the risk score and its reasons once the container was scanned', async () => {
    await page.getByTestId('tab-overview').click();
    await expect
      .poll(async () => Number(await page.getByTestId('risk-score').getAttribute('data-risk')), { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect(await page.getByTestId('risk-reasons').textContent()).toContain('hidden');
    await page.waitForTimeout(4500);
    await page.screenshot({ path: artifactPath('container-investigation-overview-scanned.png') });
  });
});
