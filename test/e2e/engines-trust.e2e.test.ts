import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { removeSuite, runContainer } from '../helpers/docker.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { disposableDockerd, type Dockerd } from '../helpers/dockerd.js';
import { contextDirName } from '../../electron/engine/connections/docker-contexts.js';

const SUITE = 'e2e-engines-trust';
const fingerprintOf = (dir: string) =>
  execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(dir, 'host_key.pub')])
    .toString()
    .split(' ')[1]!;

describe('host key prompt, discovery warnings, and each engine keeping its place', () => {
  const app = useWebApp({ name: 'engines-trust', viewport: { width: 1440, height: 900 } });
  let formSshd: Sshd;
  let railSshd: Sshd;
  let second: Dockerd;
  let page: Page;
  // A HOME with no known_hosts (every ssh host key is unknown), one broken docker context and a corrupt kubeconfig.
  const home = app.home;
  const name = `sw-e2e-trust-${process.pid}`;
  const pageErrors: string[] = [];

  const context = (ctxName: string, body: string) => {
    const meta = path.join(home, '.docker/contexts/meta', contextDirName(ctxName));
    mkdirSync(meta, { recursive: true });
    writeFileSync(path.join(meta, 'meta.json'), body);
  };

  beforeAll(async () => {
    await removeSuite(SUITE);
    await runContainer({ suite: SUITE, name });
    [formSshd, railSshd] = await Promise.all([startSshd(), startSshd()]);
    second = disposableDockerd();
    await second.start();
    context(
      'second',
      JSON.stringify({ Name: 'second', Metadata: {}, Endpoints: { docker: { Host: `unix://${second.socket}` } } }),
    );
    context('broken', '{"Name": "broken", "Endpoints": ');
    const kubeconfig = path.join(home, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nclusters: [\n  - {name: a\n');
    page = await app.start(
      { HOME: home, SSH_AUTH_SOCK: '', DOCKER_HOST: '', DOCKER_CONTEXT: '', KUBECONFIG: kubeconfig },
      { goto: false },
    );
    page.on('pageerror', (e) => pageErrors.push(String(e.stack ?? e.message)));
  }, 90_000);
  afterAll(async () => {
    await app.close();
    await Promise.all([formSshd?.stop(), railSshd?.stop()]);
    await second?.destroy();
    await removeSuite(SUITE);
  });

  async function fillSsh(hostName: string, sshd: Sshd, host = '127.0.0.1') {
    await page.getByTestId('add-host').click();
    await page.getByTestId('add-host-form').waitFor();
    await page.getByTestId('host-name').fill(hostName);
    await page.getByTestId('host-kind').selectOption('ssh');
    await page.getByTestId('host-host').fill(host);
    await page.getByTestId('host-port').fill(String(sshd.port));
    await page.getByTestId('host-user').fill('root');
    await page.getByTestId('host-identityFile').fill(path.join(sshd.home, '.ssh/id_ed25519'));
  }

  it('shows discovery warnings in the engine rail', async () => {
    await page.goto(app.url);
    await expect
      .poll(() => page.getByTestId('engine-status').textContent(), { timeout: 15_000 })
      .toContain('connected');
    const rows = page.getByTestId('engine-warning');
    await rows.first().waitFor({ timeout: 10_000 });
    const text = (await rows.allTextContents()).join('\n');
    expect(text).toMatch(/unreadable context .*meta\.json/);
    expect(text).toContain(path.join(home, 'kubeconfig'));
  });

  it('the add-host form shows the unknown key and trusts it only after "I have verified"', async () => {
    const fp = fingerprintOf(formSshd.dir);
    await fillSsh('form-host', formSshd);
    await page.getByTestId('host-test').click();
    const prompt = page.getByTestId('hostkey-prompt');
    await prompt.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('host-test-result').textContent()).toContain('SSH_UNKNOWN_HOST_KEY');
    expect(await prompt.getByTestId('hostkey-fingerprint').textContent()).toBe(fp);
    expect(await prompt.getByTestId('hostkey-type').textContent()).toBe('ssh-ed25519');
    expect(await prompt.getByTestId('hostkey-trust').isDisabled()).toBe(true);
    await page.screenshot({ path: artifactPath('engines-hostkey-form.png') });
    await prompt.getByTestId('hostkey-verified').check();
    await prompt.getByTestId('hostkey-trust').click();
    // Trusting tests again at once: now it connects.
    await expect
      .poll(() => page.getByTestId('host-test-result').textContent(), { timeout: 30_000 })
      .toMatch(/^Connected: Docker/);
    expect(readFileSync(path.join(app.dataDir, 'known_hosts'), 'utf8')).toBe(
      `[127.0.0.1]:${formSshd.port} ${formSshd.hostPub}\n`,
    );
    await page.keyboard.press('Escape');
    await page.getByTestId('add-host-form').waitFor({ state: 'detached' });
  });

  it('the engine rail shows the prompt for a saved host and reconnects once trusted', async () => {
    const fp = fingerprintOf(railSshd.dir);
    await fillSsh('rail-host', railSshd);
    await page.getByTestId('host-save').click();
    await page.getByTestId('add-host-form').waitFor({ state: 'detached' });
    const item = page.getByTestId('engine-item').filter({ hasText: 'rail-host' });
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    const prompt = item.getByTestId('hostkey-prompt');
    await prompt.waitFor();
    expect(await prompt.getByTestId('hostkey-fingerprint').textContent()).toBe(fp);
    await page.screenshot({ path: artifactPath('engines-hostkey-rail.png') });
    await prompt.getByTestId('hostkey-verified').check();
    await prompt.getByTestId('hostkey-trust').click();
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 30_000 }).toBe('connected');
    expect(await item.getByTestId('hostkey-prompt').count()).toBe(0);
    expect(readFileSync(path.join(app.dataDir, 'known_hosts'), 'utf8')).toContain(
      `[127.0.0.1]:${railSshd.port} ${railSshd.hostPub}`,
    );
  });

  it('a changed key shows both fingerprints and offers no way to trust it', async () => {
    const other = path.join(home, 'other_host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const kh = path.join(home, 'known_hosts_changed');
    // Recorded under the name "localhost", which nothing in Stowaway's own known_hosts vouches for.
    writeFileSync(
      kh,
      `[localhost]:${railSshd.port} ${readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`,
    );
    const before = readFileSync(path.join(app.dataDir, 'known_hosts'), 'utf8');
    await fillSsh('changed-host', railSshd, 'localhost');
    await page.getByTestId('host-knownHostsPath').fill(kh);
    await page.getByTestId('host-save').click();
    await page.getByTestId('add-host-form').waitFor({ state: 'detached' });
    const item = page.getByTestId('engine-item').filter({ hasText: 'changed-host' });
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    const prompt = item.getByTestId('hostkey-prompt');
    await prompt.waitFor();
    expect(await prompt.textContent()).toContain('Host key changed');
    expect(await prompt.getByTestId('hostkey-fingerprint').textContent()).toBe(fingerprintOf(railSshd.dir));
    expect(await prompt.getByTestId('hostkey-recorded').textContent()).toBe(
      execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${other}.pub`])
        .toString()
        .split(' ')[1],
    );
    expect(await prompt.getByTestId('hostkey-trust').count()).toBe(0);
    await page.screenshot({ path: artifactPath('engines-hostkey-changed.png') });
    expect(readFileSync(path.join(app.dataDir, 'known_hosts'), 'utf8')).toBe(before);
    await item.getByTestId('engine-remove').click();
    await item.getByTestId('engine-remove-confirm').click();
    await item.waitFor({ state: 'detached' });
  });

  it("switching engines restores each one's container and tab; a lost engine shows when it retries", async () => {
    const local = page.locator('[data-testid="engine-item"][data-engine-id="local"]');
    const other = page.locator('[data-testid="engine-item"][data-engine-id="ctx:second"]');
    await local.click();
    const mine = page.getByTestId('container-item').filter({ hasText: name }).first();
    await mine.click();
    await page.getByTestId('tab-files').click();
    await other.click();
    await expect.poll(() => other.getAttribute('data-status'), { timeout: 20_000 }).toBe('connected');
    await page.getByTestId('tab-timeline').click();

    await local.click();
    await expect.poll(() => mine.getAttribute('aria-selected'), { timeout: 15_000 }).toBe('true');
    expect(await page.getByTestId('tab-files').getAttribute('aria-selected')).toBe('true');
    await other.click();
    await expect.poll(() => page.getByTestId('tab-timeline').getAttribute('aria-selected')).toBe('true');

    // The second engine goes away: it turns lost and the status bar counts down to the next attempt.
    await second.stop();
    await expect.poll(() => other.getAttribute('data-status'), { timeout: 30_000 }).toBe('lost');
    const retry = page.getByTestId('engine-retry-in');
    await retry.waitFor({ timeout: 10_000 });
    expect(await retry.textContent()).toMatch(/^reconnecting( in \d+ s|…)$/);
    await page.screenshot({ path: artifactPath('engines-retry-countdown.png') });
    await second.start();
    await expect.poll(() => other.getAttribute('data-status'), { timeout: 60_000 }).toBe('connected');
    await retry.waitFor({ state: 'detached' });
    // The place survives the outage too.
    await local.click();
    await expect.poll(() => mine.getAttribute('aria-selected'), { timeout: 15_000 }).toBe('true');
    expect(pageErrors).toEqual([]);
  });
});
