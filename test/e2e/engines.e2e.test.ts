import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { removeSuite, runContainer } from '../helpers/docker.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { freePort } from '../helpers/ports.js';
import { contextDirName } from '../../electron/engine/connections/docker-contexts.js';

const SUITE = 'e2e-engines';

describe('engine picker: add a remote host, test it, switch, remove', () => {
  const app = useWebApp({ name: 'engines', viewport: { width: 1440, height: 900 } });
  let sshd: Sshd;
  let page: Page;
  const name = `sw-e2e-eng-${process.pid}`;

  beforeAll(async () => {
    await removeSuite(SUITE);
    await runContainer({ suite: SUITE, name });
    sshd = await startSshd();
    // The served app finds the ssh key and known_hosts in this HOME, as it would in the analyst's.
    page = await app.start(
      { HOME: sshd.home, SSH_AUTH_SOCK: '', DOCKER_HOST: '', DOCKER_CONTEXT: '', KUBECONFIG: '' },
      { goto: false },
    );
  });
  afterAll(async () => {
    await app.close();
    await sshd?.stop();
    await removeSuite(SUITE);
  });

  const form = () => page.getByTestId('add-host-form');

  async function fillSsh(hostName: string, knownHosts?: string) {
    await page.getByTestId('add-host').click();
    await form().waitFor();
    await page.getByTestId('host-name').fill(hostName);
    await page.getByTestId('host-kind').selectOption('ssh');
    await page.getByTestId('host-host').fill('127.0.0.1');
    await page.getByTestId('host-port').fill(String(sshd.port));
    await page.getByTestId('host-user').fill('root');
    if (knownHosts) await page.getByTestId('host-knownHostsPath').fill(knownHosts);
  }

  it('rediscovers contexts; test connection shows an unknown host key with its fingerprint, and nothing is saved', async () => {
    await page.goto(app.url);
    await expect
      .poll(() => page.getByTestId('engine-status').textContent(), { timeout: 15_000 })
      .toContain('connected');
    // A context created while the app runs appears after "rediscover".
    const meta = path.join(sshd.home, '.docker/contexts/meta', contextDirName('made-later'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(
      path.join(meta, 'meta.json'),
      JSON.stringify({
        Name: 'made-later',
        Metadata: {},
        Endpoints: { docker: { Host: 'unix:///var/run/docker.sock' } },
      }),
    );
    expect(await page.locator('[data-engine-id="ctx:made-later"]').count()).toBe(0);
    await page.getByTestId('engines-rediscover').click();
    await page.locator('[data-engine-id="ctx:made-later"]').waitFor({ timeout: 15_000 });
    const empty = path.join(app.dataDir, 'empty_known_hosts');
    writeFileSync(empty, '');
    await fillSsh('untrusted', empty);
    await page.getByTestId('host-test').click();
    const result = page.getByTestId('host-test-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toMatch(
      /SSH_UNKNOWN_HOST_KEY: The host key of \[127\.0\.0\.1\]:\d+ is not in known_hosts: ssh-ed25519 SHA256:/,
    );
    await page.keyboard.press('Escape');
    await form().waitFor({ state: 'detached' });
    expect(existsSync(path.join(app.dataDir, 'engines.json'))).toBe(false);
  });

  it('plain tcp needs the insecure opt-in, then shows a warning and its failure reason', async () => {
    await page.getByTestId('add-host').click();
    await page.getByTestId('host-name').fill('plain');
    await page.getByTestId('host-kind').selectOption('tcp');
    await page.getByTestId('host-host').fill('127.0.0.1');
    expect(await form().textContent()).toContain('anyone on the network path');
    await page.getByTestId('host-port').fill(String(await freePort()));
    await page.getByTestId('host-save').click();
    expect(await page.getByTestId('host-error').textContent()).toContain('Enter the insecure opt-in');
    await page.getByTestId('host-allow-insecure').check();
    await page.getByTestId('host-save').click();
    await form().waitFor({ state: 'detached' });
    // Saved with a visible warning; nothing listens there, so it fails with the reason shown in the list.
    const item = page.getByTestId('engine-item').filter({ hasText: 'plain' });
    await item.getByTestId('engine-insecure').waitFor();
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 15_000 }).toBe('failed');
    expect(await item.getByTestId('engine-reason').textContent()).toMatch(
      /ENGINE_UNREACHABLE: .*refused the connection/,
    );
    await item.getByTestId('engine-remove').click();
    await item.getByTestId('engine-remove-confirm').click();
    await item.waitFor({ state: 'detached' });
  });

  it('adds an ssh host after a successful test, switches to it and back, then removes it', async () => {
    await fillSsh('lab-over-ssh');
    await page.getByTestId('host-test').click();
    const result = page.getByTestId('host-test-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toMatch(/^Connected: Docker .* \(API 1\.\d+, linux\), \d+ containers/);
    await page.screenshot({ path: artifactPath('engines-add-host.png') });
    await page.getByTestId('host-save').click();
    await form().waitFor({ state: 'detached' });

    // Saved in the data dir, without any key material.
    const saved = JSON.parse(readFileSync(path.join(app.dataDir, 'engines.json'), 'utf8')) as {
      hosts: Array<{ id: string; name: string; endpoint: Record<string, unknown> }>;
    };
    expect(saved.hosts.map((h) => h.name)).toEqual(['lab-over-ssh']);
    expect(JSON.stringify(saved)).not.toMatch(/PRIVATE KEY/);
    const id = saved.hosts[0]!.id;

    const remoteSel = `[data-testid="engine-item"][data-engine-id="${id}"]`;
    let remote = page.locator(remoteSel);
    await expect.poll(() => remote.getAttribute('data-status'), { timeout: 30_000 }).toBe('connected');
    expect(await remote.getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('container-item').filter({ hasText: name }).first().waitFor({ timeout: 30_000 });

    // Switch to the local engine and back: each keeps its own state.
    await page.locator('[data-testid="engine-item"][data-engine-id="local"]').click();
    await expect.poll(() => page.locator('[data-engine-id="local"]').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('container-item').filter({ hasText: name }).first().waitFor({ timeout: 15_000 });
    await remote.click();
    await expect.poll(() => remote.getAttribute('aria-selected')).toBe('true');
    expect(await remote.getAttribute('data-status')).toBe('connected');

    // Persisted: a fresh server on the same data dir lists it again.
    page = await app.restart();
    remote = page.locator(remoteSel);
    await remote.waitFor({ timeout: 15_000 });
    await remote.click();
    await page.getByTestId('engine-remove').click();
    await page.getByTestId('engine-remove-confirm').click();
    await remote.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => page.locator('[data-engine-id="local"]').getAttribute('aria-selected')).toBe('true');
    const after = JSON.parse(readFileSync(path.join(app.dataDir, 'engines.json'), 'utf8')) as { hosts: unknown[] };
    expect(after.hosts).toEqual([]);
    await page.screenshot({ path: artifactPath('engines-after-remove.png') });
  });
});
