import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deployment,
  namespace,
  pod,
  startFakeKubeApi,
  writeKubeconfig,
  writeServiceAccount,
  type FakeKubeApi,
} from '../../helpers/fake-kube-api/index.js';

/**
 * The fake API server itself, driven by @kubernetes/client-node as the scan drives it: every kind of credential,
 * paging, selectors, watch, 403s, and the shapes client-node deserializes.
 */
let api: FakeKubeApi;
let dir: string;

beforeAll(async () => {
  api = await startFakeKubeApi({ tokens: { 'tok-alice': { name: 'alice', groups: ['dev'] } } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'fake-kube-test-'));
  api.put(namespace('shop'));
  for (let i = 0; i < 7; i++)
    api.put(
      pod(
        'shop',
        `web-${i}`,
        { containers: [{ name: 'web', image: `registry.example/web:${i}` }] },
        { labels: { app: i % 2 ? 'odd' : 'even', tier: 'web' } },
      ),
    );
  api.put(deployment('shop', 'web', { containers: [{ name: 'web', image: 'nginx:1.27' }] }), {
    manager: 'kubectl-create',
  });
});

afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

const k8s = () => import('@kubernetes/client-node');

async function clientFor(user: Parameters<typeof writeKubeconfig>[1][number]['user']) {
  const { KubeConfig } = await k8s();
  const file = writeKubeconfig(
    path.join(dir, `cfg-${Math.random().toString(36).slice(2)}`),
    [{ name: 'c', api, user }],
    'c',
  );
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

describe('fake kube api', () => {
  it('authenticates client certificates, bearer tokens and exec plugins, and refuses the rest with 401', async () => {
    const { CoreV1Api } = await k8s();
    const log = path.join(dir, 'exec.log');
    for (const [user, who, auth] of [
      [{ clientCert: api.clientCert('carol', ['ops']) }, 'carol', 'cert'],
      [{ token: 'tok-alice' }, 'alice', 'token'],
      [{ execToken: 'tok-alice', execLog: log }, 'alice', 'token'],
    ] as const) {
      const core = (await clientFor(user)).makeApiClient(CoreV1Api);
      const list = await core.listNamespacedPod({ namespace: 'shop' });
      expect(list.items.length).toBe(7);
      expect(api.requests.at(-1)).toMatchObject({
        user: who,
        auth,
        verb: 'list',
        resource: 'pods',
        namespace: 'shop',
        status: 200,
      });
    }
    expect(readFileSync(log, 'utf8')).toMatch(/run|with-exec-info/);
    const bad = (await clientFor({ token: 'nope' })).makeApiClient(CoreV1Api);
    await expect(bad.listNamespacedPod({ namespace: 'shop' })).rejects.toMatchObject({ code: 401 });
  });

  it('reads an in-cluster service account', async () => {
    const { KubeConfig, CoreV1Api } = await k8s();
    api.addToken('sa-token', { name: 'system:serviceaccount:shop:scanner', groups: ['system:serviceaccounts'] });
    const env = writeServiceAccount(path.join(dir, 'sa'), api, 'sa-token', 'shop');
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const kc = new KubeConfig();
      kc.loadFromCluster(path.join(dir, 'sa'));
      const list = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'shop' });
      expect(list.items.length).toBe(7);
      expect(api.requests.at(-1)?.user).toBe('system:serviceaccount:shop:scanner');
    } finally {
      process.env = saved;
    }
  });

  it('pages lists with limit/continue and filters by label selector', async () => {
    const { CoreV1Api } = await k8s();
    const core = (await clientFor({ token: 'tok-alice' })).makeApiClient(CoreV1Api);
    const names: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 3, _continue: cont });
      pages++;
      names.push(...page.items.map((p) => p.metadata!.name!));
      cont = page.metadata?._continue;
    } while (cont);
    expect(pages).toBe(3);
    expect(names).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `web-${i}`));
    const odd = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=odd,tier==web' });
    expect(odd.items.map((p) => p.metadata!.name)).toEqual(['web-1', 'web-3', 'web-5']);
    const notOdd = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app!=odd' });
    expect(notOdd.items.length).toBe(4);
  });

  it('serves objects in the API shapes, with managedFields, uid, resourceVersion and creationTimestamp', async () => {
    const { AppsV1Api } = await k8s();
    const apps = (await clientFor({ token: 'tok-alice' })).makeApiClient(AppsV1Api);
    const d = await apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' });
    expect(d.kind).toBe('Deployment');
    expect(d.apiVersion).toBe('apps/v1');
    expect(d.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(Number(d.metadata?.resourceVersion)).toBeGreaterThan(1000);
    expect(d.metadata?.managedFields?.[0]).toMatchObject({
      manager: 'kubectl-create',
      operation: 'Update',
      fieldsType: 'FieldsV1',
    });
    expect(d.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.27');
    const raw = await getRaw('/apis/apps/v1/deployments', 'tok-alice');
    expect(raw.kind).toBe('DeploymentList');
    expect(raw.items[0].kind).toBeUndefined();
  });

  it('creates, gets, deletes, and streams the changes to a watch', async () => {
    const { CoreV1Api, Watch } = await k8s();
    const kc = await clientFor({ token: 'tok-alice' });
    const core = kc.makeApiClient(CoreV1Api);
    const seen: string[] = [];
    const w = await new Watch(kc).watch(
      '/api/v1/namespaces/shop/configmaps',
      {},
      (type, obj) => seen.push(`${type} ${obj.metadata.name}`),
      () => {},
    );
    const made = await core.createNamespacedConfigMap({
      namespace: 'shop',
      body: { metadata: { name: 'cfg' }, data: { a: '1' } },
    });
    expect(made.metadata?.managedFields?.[0]?.manager).toBeTruthy();
    expect((await core.readNamespacedConfigMap({ namespace: 'shop', name: 'cfg' })).data).toEqual({ a: '1' });
    await expect(
      core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'cfg' } } }),
    ).rejects.toMatchObject({ code: 409 });
    await core.deleteNamespacedConfigMap({ namespace: 'shop', name: 'cfg' });
    await expect(core.readNamespacedConfigMap({ namespace: 'shop', name: 'cfg' })).rejects.toMatchObject({ code: 404 });
    for (let i = 0; i < 50 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    w.abort();
    expect(seen).toEqual(['ADDED cfg', 'DELETED cfg']);
  });

  it('answers 403 with the RBAC Status for a forbidden verb and resource, and serves the rest', async () => {
    const { CoreV1Api, RbacAuthorizationV1Api } = await k8s();
    const kc = await clientFor({ token: 'tok-alice' });
    api.forbid({ verb: 'list', resource: 'secrets' });
    try {
      const err = await kc
        .makeApiClient(CoreV1Api)
        .listSecretForAllNamespaces()
        .catch((e: { code: number; body: string }) => e);
      expect((err as { code: number }).code).toBe(403);
      const body = JSON.parse((err as { body: string }).body);
      expect(body).toMatchObject({
        kind: 'Status',
        reason: 'Forbidden',
        code: 403,
        details: { kind: 'secrets', group: '' },
      });
      expect(body.message).toBe(
        'secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" at the cluster scope',
      );
      await kc.makeApiClient(RbacAuthorizationV1Api).listClusterRole();
    } finally {
      api.allow();
    }
  });

  it('serves discovery as client-node resolves it', async () => {
    const { KubernetesObjectApi } = await k8s();
    const kc = await clientFor({ token: 'tok-alice' });
    const o = KubernetesObjectApi.makeApiClient(kc);
    const got = await o.read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
    });
    expect(got.metadata?.name).toBe('web');
    const groups = await getRaw('/apis', 'tok-alice');
    expect(groups.groups.map((g: { name: string }) => g.name)).toContain('rbac.authorization.k8s.io');
  });
});

function getRaw(p: string, token: string): Promise<any> {
  return new Promise((resolve, reject) => {
    https
      .get(`${api.url}${p}`, { ca: api.pki.ca.cert, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let s = '';
        res.on('data', (d) => (s += d));
        res.on('end', () => resolve(JSON.parse(s)));
      })
      .on('error', reject);
  });
}
