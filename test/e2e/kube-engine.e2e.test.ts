import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import {
  deployment,
  event,
  namespace,
  pod,
  replicaSet,
  startFakeKubeApi,
  writeKubeconfig,
  type FakeKubeApi,
} from '../helpers/fake-kube-api/index.js';

/** A kubeconfig context opened in the web UI against the fake API server: rail groups, overview, findings, timeline. */
const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const now = (ms = 0) => new Date(Date.now() - ms).toISOString().replace(/\.\d+Z$/, 'Z');

describe('a Kubernetes engine in web mode', () => {
  const app = useWebApp({ name: 'kube-engine', viewport: { width: 1440, height: 900 } });
  let api: FakeKubeApi;
  let page: Page;
  const home = app.home;

  beforeAll(async () => {
    api = await startFakeKubeApi({ tokens: { 'tok-reader': { name: 'reader', groups: [] } } });
    for (const ns of ['shop', 'ops']) api.put(namespace(ns));
    const d = api.put(deployment('shop', 'web', { containers: [{ name: 'web', image: 'registry.example/web:1.4' }] }), {
      manager: 'kube-controller-manager',
    });
    const rs = api.put(
      replicaSet(
        'shop',
        'web-5d9c',
        { name: 'web', uid: d.metadata.uid! },
        { containers: [{ name: 'web', image: 'registry.example/web:1.4' }] },
      ),
      { manager: 'kube-controller-manager' },
    );
    for (const id of ['abcde', 'fghij'])
      api.put(
        pod(
          'shop',
          `web-5d9c-${id}`,
          { containers: [{ name: 'web', image: 'registry.example/web:1.4' }], nodeName: 'node-1' },
          {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d9c', uid: rs.metadata.uid, controller: true },
            ],
          },
        ),
        { manager: 'kube-controller-manager' },
      );
    api.put(
      pod('ops', 'debug', {
        containers: [
          {
            name: 'sh',
            image: 'busybox:1.36',
            securityContext: { privileged: true },
            volumeMounts: [{ name: 'root', mountPath: '/host' }],
          },
        ],
        hostPID: true,
        volumes: [{ name: 'root', hostPath: { path: '/', type: '' } }],
      }),
      { manager: 'kubectl-run' },
    );
    api.put(event('ops', 'debug.1', { kind: 'Pod', name: 'debug' }, 'Pulled', `Pulled image ${HOSTILE}`, now(120_000)));
    api.put(
      event('shop', 'web.1', { kind: 'Pod', name: 'web-5d9c-abcde' }, 'Started', 'Started container web', now(120_000)),
    );
    const kubeconfig = writeKubeconfig(
      path.join(home, 'kubeconfig'),
      [{ name: 'prod', api, user: { token: 'tok-reader' } }],
      'prod',
    );
    page = await app.start(
      { HOME: home, KUBECONFIG: kubeconfig, DOCKER_HOST: 'unix:///nonexistent/docker.sock', DOCKER_CONTEXT: '' },
      { goto: false },
    );
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await api?.close();
  });

  it('opens the context and groups its pods by namespace and workload', async () => {
    await page.goto(app.url);
    await page.locator('[data-testid="engine-item"][data-engine-id="kube:prod"]').click();
    await page
      .locator('[data-testid="engine-item"][data-engine-id="kube:prod"][data-status="connected"]')
      .waitFor({ timeout: 15_000 });
    await expect
      .poll(() => page.getByTestId('rail-namespace').allTextContents(), { timeout: 15_000 })
      .toEqual(['ns ops1', 'ns shop2']);
    expect(await page.getByTestId('rail-workload').allTextContents()).toEqual(['Pod/debug1', 'Deployment/web2']);
    expect(await page.getByTestId('container-item').count()).toBe(3);
  });

  it('shows the pod container on the overview, its findings and its Kubernetes events', async () => {
    await page.getByTestId('container-item').filter({ hasText: 'ops/debug/sh' }).click();
    await page.getByTestId('tab-overview').click();
    await expect.poll(() => page.locator('main').textContent(), { timeout: 15_000 }).toContain('busybox:1.36');
    await page.screenshot({ path: artifactPath('kube-engine-overview.png') });
    await page.getByTestId('tab-findings').click();
    await page.getByTestId('scan-button').click();
    await expect
      .poll(async () => Number(await page.getByTestId('findings').getAttribute('data-count')), { timeout: 30_000 })
      .toBeGreaterThan(0);
    const debugId = await page
      .getByTestId('container-item')
      .filter({ hasText: 'ops/debug/sh' })
      .getAttribute('data-container-id');
    await page.getByTestId('filter-container').selectOption(debugId!);
    await expect
      .poll(async () => Number(await page.getByTestId('findings').getAttribute('data-shown')))
      .toBeGreaterThan(0);
    expect(await page.getByTestId('findings').textContent()).toMatch(/privileged/i);
    await page.screenshot({ path: artifactPath('kube-engine-findings.png') });
    await page.getByTestId('tab-timeline').click();
    const rows = page.getByTestId('timeline-row');
    await expect.poll(() => rows.filter({ hasText: 'Pulled' }).count(), { timeout: 20_000 }).toBe(1);
    expect(await rows.filter({ hasText: 'Started' }).count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.screenshot({ path: artifactPath('kube-engine-timeline.png') });
  });

  it('asks before the process list runs anything in the pod', async () => {
    await page.getByTestId('tab-processes').click();
    await expect
      .poll(() => page.getByTestId('kube-processes-ask').textContent(), { timeout: 15_000 })
      .toContain('Processes of a pod are read through pods/exec');
    expect(api.requests.filter((r) => r.resource === 'pods/exec')).toEqual([]);
    await page.screenshot({ path: artifactPath('kube-engine-processes.png') });
  });
});
