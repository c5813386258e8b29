import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/engine/app.js';
import { docker, removeSuite, TEST_LABEL } from '../../helpers/docker.js';
import {
  namespace,
  pod,
  startFakeKubeApi,
  writeKubeconfig,
  type FakeKubeApi,
} from '../../helpers/fake-kube-api/index.js';
import { startRealPod, type RealPod } from '../../helpers/fake-kube-api/pod-containers.js';

/**
 * investigate.network for a Kubernetes engine: pods, services and NetworkPolicies from the fake API server in the
 * shapes the API serves them, and, once the node's Docker engine is connected, the sockets its pod containers hold.
 */
const SUITE = 'kube-network';
const ENGINE = 'kube:prod';
const ctx = { transport: 'cli' as const, user: 'analyst' };
const HOSTILE = 'evil\u001b[31m\u202e';

let api: FakeKubeApi;
let dir: string;
let app: App;
let net: Docker.Network;
let web: RealPod;
let frontend: RealPod;
let intruder: RealPod;

async function call(op: string, input: unknown): Promise<any> {
  const r = (await app.dispatch(op as never, input as never, ctx)) as {
    ok: boolean;
    value?: unknown;
    error?: { code: string; message: string };
  };
  if (!r.ok) throw Object.assign(new Error(r.error!.message), { code: r.error!.code });
  return r.value;
}

const nodeOf = (g: any, label: string) => g.nodes.find((n: any) => n.label === label);
const edgesBetween = (g: any, kind: string, from: string, to: string) =>
  g.edges.filter(
    (e: any) =>
      e.kind === kind &&
      e.source === nodeOf(g, from)?.id &&
      (e.target === nodeOf(g, to)?.id ||
        g.nodes.find((n: any) => n.id === e.target)?.containerId === nodeOf(g, to)?.containerId),
  );

beforeAll(async () => {
  await removeSuite(SUITE);
  api = await startFakeKubeApi({ tokens: { 'tok-reader': { name: 'reader', groups: [] } }, maxPage: 2 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'kube-net-'));
  for (const ns of ['shop', 'lab']) api.put(namespace(ns, ns === 'shop' ? { team: 'shop' } : {}));
  net = await docker.createNetwork({
    Name: `${SUITE}-${process.pid}`,
    Internal: true,
    Labels: { [TEST_LABEL]: SUITE },
  });
  const network = `${SUITE}-${process.pid}`;
  web = await startRealPod(api, 'shop', 'web', {
    suite: SUITE,
    network,
    labels: { app: 'web' },
    ports: [{ name: 'http', containerPort: 8080 }],
    cmd: [
      'sh',
      '-c',
      'while true; do sleep 3600 | nc -l -p 8080; done & while true; do sleep 3600 | nc -l -p 9090; done',
    ],
  });
  // Two clients hold a session each to web:8080: one the policy allows, one from a namespace it does not name.
  frontend = await startRealPod(api, 'shop', 'frontend', {
    suite: SUITE,
    network,
    labels: { app: 'frontend' },
    cmd: ['sh', '-c', `while true; do nc ${web.ip} 8080 -e sleep 3600; sleep 1; done`],
  });
  intruder = await startRealPod(api, 'lab', 'intruder', {
    suite: SUITE,
    network,
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
      clusterIPs: ['10.96.12.7'],
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
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
        {
          from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['frontend'] }] } }],
          ports: [{ protocol: 'TCP', port: 'http' }],
        },
      ],
      policyTypes: ['Ingress'],
    },
  });
  const kubeconfig = writeKubeconfig(
    path.join(dir, 'config'),
    [{ name: 'prod', api, user: { token: 'tok-reader' } }],
    'prod',
  );
  app = createApp({
    env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, DOCKER_CONTEXT: '' },
    home: dir,
    dataDir: path.join(dir, 'data'),
  });
  await call('engines.connect', { engineId: ENGINE });
}, 60_000);

afterAll(async () => {
  await app?.dispose();
  await api?.close();
  await removeSuite(SUITE);
  await net?.remove().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('the network graph of a Kubernetes engine', () => {
  it('draws pods, services and what the NetworkPolicies allow, from the declared objects alone', async () => {
    const g = await call('investigate.network', { engineId: ENGINE });
    expect(g.access).toBe('declared');
    expect(g.errors).toEqual([]);
    for (const l of ['shop/web', 'shop/frontend', 'lab/intruder'])
      expect(nodeOf(g, l)).toMatchObject({ kind: 'container' });
    expect(nodeOf(g, 'shop/web').address).toBe(web.ip);
    expect(g.groups.map((x: any) => x.name).sort()).toEqual(['ns lab', 'ns shop']);
    // The service's named targetPort resolves through the pod's container port.
    const svc = g.nodes.find((n: any) => n.kind === 'service');
    expect(svc).toMatchObject({ label: 'svc shop/web :80/tcp', address: '10.96.12.7' });
    expect(g.edges.filter((e: any) => e.kind === 'selects')).toEqual([
      expect.objectContaining({ source: svc.id, target: nodeOf(g, 'shop/web').id, remotePort: 8080 }),
    ]);
    // web is isolated: only frontend may reach it, on its named port; the other pods are open to any source.
    expect(edgesBetween(g, 'allowed', 'shop/frontend', 'shop/web')).toEqual([
      expect.objectContaining({ direction: 'internal', remotePort: 8080, protocol: 'tcp' }),
    ]);
    expect(edgesBetween(g, 'allowed', 'lab/intruder', 'shop/web')).toEqual([]);
    const any = nodeOf(g, 'any source (no ingress policy)');
    const open = g.edges
      .filter((e: any) => e.kind === 'allowed' && e.source === any.id)
      .map((e: any) => g.nodes.find((n: any) => n.id === e.target).label)
      .sort();
    expect(open).toEqual(['lab/evil\\x1b[31m\\u202e', 'lab/intruder', 'shop/frontend']);
  });

  it('names the verb and resource RBAC refuses, and still draws what it could read', async () => {
    api.forbid({ verb: 'list', resource: 'networkpolicies' });
    try {
      const g = await call('investigate.network', { engineId: ENGINE });
      expect(g.errors.map((e: any) => e.message).join('\n')).toMatch(
        /RBAC denies list on networkpolicies: .*cannot list resource "networkpolicies"/,
      );
      expect(g.edges.filter((e: any) => e.kind === 'allowed')).toEqual([]);
      expect(nodeOf(g, 'shop/web')).toBeDefined();
    } finally {
      api.allow();
    }
  });

  it('joins the sockets of a connected node engine and marks each session allowed or denied by policy', async () => {
    await call('engines.connect', { engineId: 'local' });
    let g: any;
    for (let i = 0; i < 30; i++) {
      g = await call('investigate.network', { engineId: ENGINE });
      const c = g.edges.filter((e: any) => e.kind === 'connection' && e.state === 'ESTABLISHED');
      if (c.some((e: any) => e.remotePort === 8080) && c.some((e: any) => e.remotePort === 9090)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(g.access).toBe('host');
    const conns = g.edges.filter((e: any) => e.kind === 'connection' && e.state === 'ESTABLISHED');
    const webNode = nodeOf(g, 'shop/web');
    const fromFrontend = conns.filter((e: any) => e.source === nodeOf(g, 'shop/frontend').id);
    expect(fromFrontend).toEqual([
      expect.objectContaining({ direction: 'internal', remotePort: 8080, remoteAddress: web.ip, policy: 'allowed' }),
    ]);
    expect(g.nodes.find((n: any) => n.id === fromFrontend[0].target)).toMatchObject({
      kind: 'listener',
      port: 8080,
      containerId: webNode.containerId,
    });
    const fromIntruder = conns.filter((e: any) => e.source === nodeOf(g, 'lab/intruder').id);
    expect(fromIntruder).toEqual([expect.objectContaining({ remotePort: 9090, policy: 'denied' })]);
    // Each session is drawn once, from its client; web's own listeners hang off its pod.
    expect(conns.filter((e: any) => e.source === webNode.id)).toEqual([]);
    expect(g.edges.filter((e: any) => e.kind === 'listen' && e.source === webNode.id).length).toBeGreaterThanOrEqual(1);
    expect(intruder.ip).not.toBe('');
    expect(frontend.ip).not.toBe('');
  }, 60_000);
});
