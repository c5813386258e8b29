import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineEvidenceSchema } from '@shared/domain/evidence-set.js';
import { ScanResultSchema } from '@shared/domain/scan.js';
import { runKubeScan } from '../../../electron/engine/kube/kube-scan.js';
import {
  deployment,
  kubeconfigList,
  namespace,
  networkPolicy,
  pod,
  replicaSet,
  startFakeKubeApi,
  writeKubeconfig,
  writeServiceAccount,
  type FakeKubeApi,
} from '../../helpers/fake-kube-api/index.js';

/** The Kubernetes engine source against the fake API server: credentials, KUBECONFIG merging, paging, RBAC 403s, scope. */
let api: FakeKubeApi;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  api = await startFakeKubeApi({ tokens: { 'tok-reader': { name: 'reader', groups: [] } }, maxPage: 500 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'kube-scan-'));
  for (const ns of ['shop', 'batch']) api.put(namespace(ns));
  api.put(networkPolicy('shop', 'default-deny'));
  const d = api.put(
    deployment('shop', 'web', {
      containers: [{ name: 'web', image: 'registry.example/web@sha256:' + 'a'.repeat(64) }],
    }),
    { manager: 'kube-controller-manager' },
  );
  const rs = api.put(
    replicaSet(
      'shop',
      'web-5d9c',
      { name: 'web', uid: d.metadata.uid! },
      { containers: [{ name: 'web', image: 'registry.example/web@sha256:' + 'a'.repeat(64) }] },
    ),
    { manager: 'kube-controller-manager' },
  );
  // 1,200 pods: three pages of 500.
  api.putMany(
    Array.from({ length: 1200 }, (_, i) =>
      pod(
        'shop',
        `web-5d9c-${String(i).padStart(4, '0')}`,
        { containers: [{ name: 'web', image: 'registry.example/web@sha256:' + 'a'.repeat(64) }], nodeName: 'node-1' },
        {
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d9c', uid: rs.metadata.uid, controller: true },
          ],
        },
      ),
    ),
    { manager: 'kube-controller-manager' },
  );
  api.put(pod('batch', 'lonely', { containers: [{ name: 'main', image: 'busybox:1.36' }] }), {
    manager: 'kubectl-run',
  });
  // Two files, as KUBECONFIG lists them: the first definition of a name wins, as kubectl merges them.
  const a = writeKubeconfig(path.join(dir, 'a'), [{ name: 'prod', api, user: { token: 'tok-reader' } }], 'prod');
  const b = writeKubeconfig(path.join(dir, 'b'), [
    { name: 'prod', api: { url: 'https://127.0.0.1:1' }, user: { token: 'wrong' } },
    { name: 'ops', api, user: { clientCert: api.clientCert('ops-admin', ['ops']) } },
    { name: 'ci', api, user: { execToken: 'tok-reader' } },
  ]);
  env = { KUBECONFIG: kubeconfigList([a, b]) };
});

afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('runKubeScan', () => {
  it('reads the whole inventory page by page and returns the same outcome shape as a Docker scan', async () => {
    const before = api.requests.length;
    const out = await runKubeScan({ context: 'prod', env });
    const r = ScanResultSchema.parse(out.result);
    EngineEvidenceSchema.parse(out.evidence);
    expect(r.engine).toMatchObject({ id: 'kube:prod', name: 'prod', endpoint: api.url, serverVersion: 'v1.30.2' });
    expect(r.containers.length).toBe(1201);
    expect(r.containers.find((c) => c.name === 'batch/lonely/main')).toMatchObject({
      image: 'busybox:1.36',
      state: 'running',
    });
    const podPages = api.requests.slice(before).filter((q) => q.path === '/api/v1/pods');
    expect(podPages.map((q) => q.query.limit)).toEqual(['500', '500', '500']);
    expect(podPages.every((q) => q.user === 'reader')).toBe(true);
    const kube = out.evidence.kube!;
    expect(kube.workloads.filter((w) => w.kind === 'Pod').length).toBe(1201);
    expect(kube.namespaces.map((n) => n.name).sort()).toEqual(['batch', 'shop']);
    expect(
      out.evidence.artifacts.filter((a) => a.kind === 'kube-api' && a.sourceCall.startsWith('GET /api/v1/pods')).length,
    ).toBe(3);
    expect(out.evidence.artifacts.every((a) => /^[0-9a-f]{64}$/.test(a.sha256))).toBe(true);
    expect(r.errors).toEqual([]);
  });

  it('authenticates with a client certificate and with an exec plugin from the second KUBECONFIG file', async () => {
    for (const [ctx, user] of [
      ['ops', 'ops-admin'],
      ['ci', 'reader'],
    ] as const) {
      const before = api.requests.length;
      const out = await runKubeScan({ context: ctx, env, namespaces: ['batch'] });
      expect(out.result.containers.map((c) => c.name)).toEqual(['batch/lonely/main']);
      const seen = api.requests.slice(before);
      expect(new Set(seen.map((q) => q.user))).toEqual(new Set([user]));
      expect(seen.some((q) => q.path === '/api/v1/namespaces/batch/pods')).toBe(true);
      expect(seen.some((q) => q.path === '/api/v1/pods')).toBe(false);
    }
  });

  it('reads with an in-cluster service account', async () => {
    api.addToken('sa-tok', { name: 'system:serviceaccount:stowaway:scanner', groups: ['system:serviceaccounts'] });
    const saEnv = writeServiceAccount(path.join(dir, 'sa'), api, 'sa-tok', 'stowaway');
    const out = await runKubeScan({
      context: 'in-cluster',
      env: { ...saEnv, KUBECONFIG: path.join(dir, 'none') },
      serviceAccountRoot: path.join(dir, 'sa'),
      namespaces: ['batch'],
    });
    expect(out.result.containers.length).toBe(1);
    expect(api.requests.at(-1)?.user).toBe('system:serviceaccount:stowaway:scanner');
  });

  it('a list RBAC forbids is an error naming the verb and resource, and the rest of the scan stands', async () => {
    api.forbid({ verb: 'list', resource: 'secrets' });
    api.forbid({ verb: 'list', resource: 'clusterrolebindings' });
    api.forbid({ verb: 'list', resource: 'events' });
    try {
      const out = await runKubeScan({ context: 'prod', env });
      const forbidden = out.result.errors.filter((e) => e.code === 'FORBIDDEN');
      expect(forbidden.map((e) => e.call).sort()).toEqual([
        'kube list clusterrolebindings (context prod)',
        'kube list events (context prod)',
      ]);
      expect(forbidden[0]!.message).toMatch(
        /RBAC denies list on (clusterrolebindings|events): .*cannot list resource "(clusterrolebindings|events)"/,
      );
      expect(out.evidence.kube!.unread.sort()).toEqual(['list clusterrolebindings', 'list events']);
      expect(out.result.containers.length).toBe(1201);
    } finally {
      api.allow();
    }
  });

  it('an unknown context names the known ones; an API server that does not answer fails the scan', async () => {
    await expect(runKubeScan({ context: 'nope', env })).rejects.toThrow(
      /No kubeconfig context "nope"; known contexts: prod, ops, ci/,
    );
    const dead = writeKubeconfig(path.join(dir, 'dead'), [
      { name: 'dead', api: { url: 'https://127.0.0.1:1' }, user: { token: 't' } },
    ]);
    await expect(runKubeScan({ context: 'dead', env: { KUBECONFIG: dead } })).rejects.toMatchObject({
      code: 'ENGINE_UNREACHABLE',
    });
  });
});
