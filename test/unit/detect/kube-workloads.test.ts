import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listWorkloads } from '../../../electron/engine/kube/audit-workloads.js';
import { runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import { engine } from './fixtures.js';

/** A minimal API server on 127.0.0.1 answering the three workload list calls, as kube-apiserver shapes them. */
const list = (kind: string, items: unknown[]) => ({
  kind: `${kind}List`,
  apiVersion: 'apps/v1',
  metadata: { resourceVersion: '1' },
  items,
});
const workload = (
  kind: string,
  ns: string,
  name: string,
  podSpec: Record<string, unknown>,
  manager = 'kubectl-create',
) => ({
  kind,
  apiVersion: 'apps/v1',
  metadata: {
    name,
    namespace: ns,
    creationTimestamp: '2026-11-23T09:00:00Z',
    managedFields: [{ manager, operation: 'Update' }],
  },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
});
const ROUTES: Record<string, unknown> = {
  '/apis/apps/v1/deployments': list('Deployment', [
    workload('Deployment', 'default', 'miner', { containers: [{ name: 'm', image: 'evil.example/xmrig:latest' }] }),
    workload(
      'Deployment',
      'shop',
      'web',
      { containers: [{ name: 'w', image: 'registry.example.com/shop:1.4.2' }] },
      'helm',
    ),
  ]),
  '/apis/apps/v1/daemonsets': list('DaemonSet', [
    workload('DaemonSet', 'default', 'node-helper', {
      hostPID: true,
      containers: [{ name: 'h', image: 'registry.example.com/tools:2', securityContext: { privileged: true } }],
    }),
  ]),
  '/apis/apps/v1/statefulsets': list('StatefulSet', []),
};

let server: http.Server;
const seen: string[] = [];
let kc: KubeConfig;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push(`${req.method} ${url.pathname} ${req.headers.authorization ?? ''}`);
    const body = ROUTES[url.pathname];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { kind: 'Status', status: 'Failure', code: 404 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'analyst', token: 'read-only-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'analyst' }],
    currentContext: 'fake',
  });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('workloads listed from the API server', () => {
  it('reads deployments, daemonsets and statefulsets of every namespace with their images and pod flags', async () => {
    const events = await listWorkloads(kc, '2026-11-23T10:00:00.000Z');
    expect(seen.sort()).toEqual([
      'GET /apis/apps/v1/daemonsets Bearer read-only-token',
      'GET /apis/apps/v1/deployments Bearer read-only-token',
      'GET /apis/apps/v1/statefulsets Bearer read-only-token',
    ]);
    expect(
      events.map((e) => [e.verb, e.resource, e.namespace, e.name, e.images.join(','), e.podFlags.join(',')]),
    ).toEqual([
      ['list', 'deployments', 'default', 'miner', 'evil.example/xmrig:latest', ''],
      ['list', 'deployments', 'shop', 'web', 'registry.example.com/shop:1.4.2', ''],
      ['list', 'daemonsets', 'default', 'node-helper', 'registry.example.com/tools:2', 'hostPID,privileged'],
    ]);
    expect(events[0]!.user).toBe('field manager: kubectl-create');
  });

  it('feeds the allowlist and privileged-workload detectors', async () => {
    const ev = engine([], { kubeAudit: await listWorkloads(kc) });
    const r = runDetectors(ev, {
      policy: { allowedImages: ['registry.example.com/*'] },
      only: ['unauthorized-deployment', 'kube-privileged-workload'],
    });
    expect(r.findings.map((f) => [f.detector, f.severity, f.container?.name])).toEqual([
      ['kube-privileged-workload', 'critical', 'daemonsets/node-helper'],
      ['unauthorized-deployment', 'high', 'deployments/miner'],
    ]);
    // Listings are judged only against an allowlist: without one they add nothing.
    expect(runDetectors(ev, { only: ['unauthorized-deployment'] }).findings).toEqual([]);
  });
});
