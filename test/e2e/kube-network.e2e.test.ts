import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { docker, removeSuite, TEST_LABEL } from '../helpers/docker.js';
import { namespace, pod, startFakeKubeApi, writeKubeconfig, type FakeKubeApi } from '../helpers/fake-kube-api/index.js';
import { startRealPod, type RealPod } from '../helpers/fake-kube-api/pod-containers.js';

/**
 * A cluster's network in the web UI: first what the fake API server declares (pods, a service, a NetworkPolicy),
 * then, once the node's Docker engine is connected, the sessions its pod containers hold, each marked allowed or
 * denied by the policy.
 */
const SUITE = 'e2e-kube-network';
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

describe('the network graph of a Kubernetes engine in web mode', () => {
  const app = useWebApp({ name: 'kube-network', viewport: { width: 1440, height: 900 } });
  let api: FakeKubeApi;
  let page: Page;
  let web: RealPod;
  const home = app.home;
  const net = `${SUITE}-${process.pid}`;

  beforeAll(async () => {
    await removeSuite(SUITE);
    api = await startFakeKubeApi({ tokens: { 'tok-reader': { name: 'reader', groups: [] } } });
    for (const ns of ['shop', 'lab']) api.put(namespace(ns));
    await docker.createNetwork({ Name: net, Internal: true, Labels: { [TEST_LABEL]: SUITE } });
    web = await startRealPod(api, 'shop', 'web', {
      suite: SUITE,
      network: net,
      labels: { app: 'web' },
      ports: [{ name: 'http', containerPort: 8080 }],
      cmd: [
        'sh',
        '-c',
        'while true; do sleep 3600 | nc -l -p 8080; done & while true; do sleep 3600 | nc -l -p 9090; done',
      ],
    });
    await startRealPod(api, 'shop', 'frontend', {
      suite: SUITE,
      network: net,
      labels: { app: 'frontend' },
      cmd: ['sh', '-c', `while true; do nc ${web.ip} 8080 -e sleep 3600; sleep 1; done`],
    });
    await startRealPod(api, 'lab', 'intruder', {
      suite: SUITE,
      network: net,
      labels: { app: 'intruder' },
      cmd: ['sh', '-c', `while true; do nc ${web.ip} 9090 -e sleep 3600; sleep 1; done`],
    });
    api.put(pod('lab', HOSTILE, { containers: [{ name: 'x', image: 'busybox' }] }));
    api.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.12.7',
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      },
      status: { loadBalancer: {} },
    });
    api.put({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web-from-frontend', namespace: 'shop' },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [
          { from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
        ],
        policyTypes: ['Ingress'],
      },
    });
    const kubeconfig = writeKubeconfig(
      path.join(home, 'kubeconfig'),
      [{ name: 'prod', api, user: { token: 'tok-reader' } }],
      'prod',
    );
    page = await app.start({ HOME: home, KUBECONFIG: kubeconfig, DOCKER_CONTEXT: '' }, { goto: false });
  }, 90_000);
  afterAll(async () => {
    await app.close();
    await api?.close();
    await removeSuite(SUITE);
    await docker
      .getNetwork(net)
      .remove()
      .catch(() => undefined);
  });

  it("draws what the cluster declares: pods, the service and who the policy lets in, without the node engine's DNS listeners", async () => {
    await page.goto(app.url);
    await page.locator('[data-testid="engine-item"][data-engine-id="kube:prod"]').click();
    await page
      .locator('[data-testid="engine-item"][data-engine-id="kube:prod"][data-status="connected"]')
      .waitFor({ timeout: 15_000 });
    await page.getByTestId('tab-network').click();
    await page.getByTestId('network-graph').waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.getByTestId('network-node').allTextContents(), { timeout: 20_000 })
      .toEqual(
        expect.arrayContaining([
          'shop/web',
          'shop/frontend',
          'lab/intruder',
          'svc shop/web :80/tcp',
          'any source (no ingress policy)',
        ]),
      );
    await page
      .getByTestId('network-node')
      .filter({ hasText: /^shop\/web$/ })
      .click();
    const details = page.getByTestId('network-details');
    await expect.poll(() => details.textContent()).toContain('may connect');
    const text = (await details.textContent()) ?? '';
    expect(text).toContain('shop/frontend');
    expect(text).not.toContain('lab/intruder');
    expect(text).toContain('svc shop/web');
    expect(text).not.toContain('127.0.0.11');
    await expect
      .poll(() => page.getByTestId('network-canvas').getAttribute('data-settled'), { timeout: 20_000 })
      .toBe('true');
    await page.screenshot({ path: artifactPath('kube-network-declared.png') });
  });

  it('joins the sessions of the node engine and marks the one the policy denies', async () => {
    // Connecting the node's Docker engine (the local one) brings its pod containers' sockets into the cluster graph.
    await page.locator('[data-testid="engine-item"][data-engine-id="local"]').click();
    await page
      .locator('[data-testid="engine-item"][data-engine-id="local"][data-status="connected"]')
      .waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="engine-item"][data-engine-id="kube:prod"]').click();
    await page.getByTestId('tab-network').click();
    const denied = page
      .getByTestId('network-connection')
      .filter({ hasText: 'lab/intruder' })
      .filter({ hasText: 'not allowed by NetworkPolicy' });
    await expect.poll(() => denied.count(), { timeout: 45_000, interval: 1000 }).toBeGreaterThan(0);
    const allowed = page
      .getByTestId('network-connection')
      .filter({ hasText: 'shop/frontend' })
      .filter({ hasText: 'allowed by NetworkPolicy' });
    await expect.poll(() => allowed.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await allowed.first().textContent()).not.toContain('not allowed');
    expect(await page.getByTestId('network-status').textContent()).toContain('(host)');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect
      .poll(() => page.getByTestId('network-canvas').getAttribute('data-settled'), { timeout: 20_000 })
      .toBe('true');
    await page.screenshot({ path: artifactPath('kube-network-observed.png') });
  });
});
