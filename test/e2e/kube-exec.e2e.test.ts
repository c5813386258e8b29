import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { removeSuite } from '../helpers/docker.js';
import { namespace, startFakeKubeApi, writeKubeconfig, type FakeKubeApi } from '../helpers/fake-kube-api/index.js';
import { dockerExecRunner, startRealPod } from '../helpers/fake-kube-api/pod-containers.js';

/**
 * A pod's processes and terminal in the web UI, through pods/exec on the fake API server, which runs each command
 * for real in the labelled container standing in for the pod. Both ask first; a process named with an escape
 * sequence is shown as text.
 */
const SUITE = 'e2e-kube-exec';

describe('pods/exec in web mode', () => {
  const app = useWebApp({ name: 'kube-exec', viewport: { width: 1440, height: 900 } });
  let api: FakeKubeApi;
  let page: Page;
  const home = app.home;

  beforeAll(async () => {
    await removeSuite(SUITE);
    api = await startFakeKubeApi({
      tokens: { 'tok-reader': { name: 'reader', groups: [] } },
      exec: dockerExecRunner(),
    });
    api.put(namespace('shop'));
    await startRealPod(api, 'shop', 'web', {
      suite: SUITE,
      containerName: 'web',
      cmd: [
        'sh',
        '-c',
        "printf '#!/bin/sh\\nsleep 3600\\n' > '/tmp/\u001b[31mevil' && chmod +x /tmp/*evil && ('/tmp/\u001b[31mevil' &) && exec sleep 3601",
      ],
    });
    const kubeconfig = writeKubeconfig(
      path.join(home, 'kubeconfig'),
      [{ name: 'prod', api, user: { token: 'tok-reader' } }],
      'prod',
    );
    page = await app.start(
      { HOME: home, KUBECONFIG: kubeconfig, DOCKER_HOST: 'unix:///nonexistent/docker.sock', DOCKER_CONTEXT: '' },
      { goto: false },
    );
  }, 90_000);
  afterAll(async () => {
    await app.close();
    await api?.close();
    await removeSuite(SUITE);
  });

  it('lists the pod container processes once asked, with hostile names shown as text', async () => {
    await page.goto(app.url);
    await page.locator('[data-testid="engine-item"][data-engine-id="kube:prod"]').click();
    await page
      .locator('[data-testid="engine-item"][data-engine-id="kube:prod"][data-status="connected"]')
      .waitFor({ timeout: 15_000 });
    await page.getByTestId('container-item').filter({ hasText: 'shop/web/web' }).click();
    await page.getByTestId('tab-processes').click();
    await page.getByTestId('kube-processes-ask').waitFor({ timeout: 15_000 });
    expect(api.requests.filter((r) => r.resource === 'pods/exec')).toEqual([]);
    await page.getByTestId('kube-processes-run').click();
    await expect.poll(() => page.locator('main').textContent(), { timeout: 20_000 }).toContain('\\x1b[31mevil');
    expect(await page.locator('main').textContent()).toContain('sleep');
    expect(await page.locator('main').textContent()).toContain('No host view');
    expect(api.requests.filter((r) => r.resource === 'pods/exec' && r.status === 101)).toHaveLength(1);
    await page.screenshot({ path: artifactPath('kube-exec-processes.png') });
  });

  it('runs a shell in the pod after confirmation, and records it', async () => {
    await page.getByTestId('tab-terminal').click();
    await page.getByTestId('terminal-exec').click();
    await page.getByTestId('exec-confirm').waitFor();
    expect(await page.getByTestId('exec-confirm').textContent()).toContain(
      'The cluster records the exec (pods/exec) in its audit log',
    );
    await page.getByTestId('exec-run').click();
    await expect.poll(() => page.getByTestId('terminal-mode').textContent(), { timeout: 15_000 }).toContain('EXEC');
    await expect.poll(() => page.getByTestId('terminal').textContent(), { timeout: 15_000 }).toContain('/ #');
    await page.getByTestId('terminal').click();
    await page.keyboard.type('echo pod-$((6*7)) $(cat /proc/1/comm)\n');
    await expect.poll(() => page.getByTestId('terminal').textContent(), { timeout: 15_000 }).toContain('pod-42 sleep');
    await page.screenshot({ path: artifactPath('kube-exec-terminal.png') });
  });
});
