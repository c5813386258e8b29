import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/engine/app.js';
import { ContainerDetailSchema, ContainerSummarySchema } from '@shared/domain/container.js';
import { writeFileSync } from 'node:fs';
import {
  auditLines,
  deployment,
  event,
  namespace,
  pod,
  replicaSet,
  startFakeKubeApi,
  writeKubeconfig,
  type FakeKubeApi,
} from '../../helpers/fake-kube-api/index.js';

/** A kubeconfig context opened as an engine: containers.list / inspect / timeline answered from the fake API server. */
let api: FakeKubeApi;
let dir: string;
let app: App;
const ctx = { transport: 'cli' as const, user: 'analyst' };
const ENGINE = 'kube:prod';

/** One operation through the dispatcher (the contract's validation both ways), unwrapped. */
async function call(op: string, input: unknown): Promise<any> {
  const r = (await app.dispatch(op as never, input as never, ctx)) as {
    ok: boolean;
    value?: unknown;
    error?: { code: string; message: string };
  };
  if (!r.ok) throw Object.assign(new Error(r.error!.message), { code: r.error!.code });
  return r.value;
}

beforeAll(async () => {
  api = await startFakeKubeApi({ tokens: { 'tok-reader': { name: 'reader', groups: [] } } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'kube-views-'));
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
  api.put(
    pod(
      'shop',
      'web-5d9c-abcde',
      {
        containers: [
          { name: 'web', image: 'registry.example/web:1.4' },
          { name: 'proxy', image: 'envoy:1.30' },
        ],
        nodeName: 'node-1',
      },
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
          command: ['sh', '-c'],
          args: ['sleep 1d'],
          securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'], drop: ['NET_RAW'] } },
          volumeMounts: [{ name: 'root', mountPath: '/host' }],
          env: [{ name: 'API_TOKEN', value: 's3cret-value' }],
        } as never,
      ],
      hostPID: true,
      hostNetwork: true,
      volumes: [{ name: 'root', hostPath: { path: '/', type: '' } }],
    }),
    { manager: 'kubectl-run' },
  );
  api.put(
    event(
      'ops',
      'debug.1',
      { kind: 'Pod', name: 'debug' },
      'Pulled',
      'Successfully pulled image "busybox:1.36"',
      new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    ),
  );
  api.put(
    event(
      'shop',
      'web.1',
      { kind: 'Pod', name: 'web-5d9c-abcde' },
      'Started',
      'Started container web',
      new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    ),
  );
  const kubeconfig = writeKubeconfig(
    path.join(dir, 'config'),
    [{ name: 'prod', api, user: { token: 'tok-reader' } }],
    'prod',
  );
  app = createApp({
    env: { HOME: dir, KUBECONFIG: kubeconfig, DOCKER_HOST: 'unix:///nonexistent.sock', DOCKER_CONTEXT: '' },
    home: dir,
    dataDir: path.join(dir, 'data'),
  });
});

afterAll(async () => {
  await app?.dispose();
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a Kubernetes engine in the views', () => {
  it('connects through the probe', async () => {
    expect(app.engines.list().some((e) => e.id === ENGINE && e.kind === 'kubernetes')).toBe(true);
    const st = await call('engines.connect', { engineId: ENGINE });
    expect(st).toMatchObject({ status: 'connected', serverVersion: 'v1.30.2' });
  });

  it('lists every pod container with a stable id, its namespace and owning workload', async () => {
    const before = api.requests.length;
    const rows = (await call('containers.list', { engineId: ENGINE, all: true })) as unknown[];
    const list = rows.map((r) => ContainerSummarySchema.parse(r));
    expect(list.map((c) => c.name)).toEqual(['ops/debug/sh', 'shop/web-5d9c-abcde/proxy', 'shop/web-5d9c-abcde/web']);
    expect(api.requests.slice(before).some((q) => q.path === '/api/v1/pods' && q.user === 'reader')).toBe(true);
    const web = list.find((c) => c.name === 'shop/web-5d9c-abcde/web')!;
    expect(web).toMatchObject({ engineId: ENGINE, image: 'registry.example/web:1.4', state: 'running' });
    expect(web.labels).toMatchObject({
      'io.kubernetes.pod.namespace': 'shop',
      'io.kubernetes.pod.name': 'web-5d9c-abcde',
      'stowaway.kube.workload': 'Deployment/web',
      app: 'web-5d9c-abcde',
    });
    expect(list.find((c) => c.name === 'ops/debug/sh')!.labels['stowaway.kube.workload']).toBe('Pod/debug');
    // The same pod uid and container name give the same id on the next (fresh) read.
    const again = (await app.containers.list(ENGINE)).map((c) => c.id);
    expect(again).toEqual(list.map((c) => c.id));
    expect(new Set(again).size).toBe(3);
  });

  it('maps the pod spec to the inspect shape: privilege, host namespaces, mounts, capabilities, no env values', async () => {
    const list = await app.containers.list(ENGINE);
    const id = list.find((c) => c.name === 'ops/debug/sh')!.id;
    const d = ContainerDetailSchema.parse(await call('containers.inspect', { engineId: ENGINE, containerId: id }));
    expect(d).toMatchObject({
      privileged: true,
      pidMode: 'host',
      networkMode: 'host',
      capAdd: ['SYS_ADMIN'],
      capDrop: ['NET_RAW'],
      entrypoint: ['sh', '-c'],
      cmd: ['sleep 1d'],
    });
    expect(d.mounts).toEqual([{ type: 'hostPath', source: '/', destination: '/host', readOnly: false }]);
    expect(JSON.stringify(d)).not.toContain('s3cret-value');
    const web = await app.containers.inspect(ENGINE, list.find((c) => c.name === 'shop/web-5d9c-abcde/web')!.id);
    expect(web).toMatchObject({ privileged: false, pidMode: '', networkMode: 'pod' });
    await expect(app.containers.inspect(ENGINE, 'f'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('names the pod container on findings and shows its events on the timeline', async () => {
    const audit = path.join(dir, 'audit.log');
    const t = new Date(Date.now() - 30_000).toISOString();
    writeFileSync(
      audit,
      auditLines([
        {
          verb: 'create',
          resource: 'pods',
          subresource: 'exec',
          namespace: 'ops',
          name: 'debug',
          user: 'mallory@corp.example',
          groups: ['system:authenticated'],
          code: 101,
          time: t,
        },
        {
          verb: 'get',
          resource: 'secrets',
          namespace: 'ops',
          name: 'db',
          user: 'mallory@corp.example',
          groups: ['system:authenticated'],
          time: t,
        },
        {
          verb: 'create',
          resource: 'pods',
          subresource: 'exec',
          namespace: 'shop',
          name: 'web-5d9c-abcde',
          user: 'mallory@corp.example',
          groups: ['system:authenticated'],
          code: 101,
          time: t,
        },
      ]),
    );
    await call('scan.run', { engineId: ENGINE, options: { kubeAudit: [audit] } });
    const result = app.scans.latest(ENGINE)!;
    const list = await app.containers.list(ENGINE);
    const debug = list.find((c) => c.name === 'ops/debug/sh')!;
    const priv = result.findings.filter((f) => f.workload?.kind === 'Pod' && f.workload.name === 'debug');
    expect(priv.length).toBeGreaterThan(0);
    expect(priv.map((f) => [f.detector, f.container?.id])).toEqual(priv.map((f) => [f.detector, debug.id]));
    expect(debug.risk).toBeGreaterThan(0);
    const tl = (await call('timeline.events', {
      engineId: ENGINE,
      since: new Date(Date.now() - 3_600_000).toISOString(),
      containerId: debug.id,
    })) as { events: { type: string; action: string; actorName?: string }[] };
    expect(tl.events.map((e) => [e.type, e.action, e.actorName])).toEqual([
      ['kube-event', 'Pulled', 'ops/debug'],
      ['kube-audit', 'create pods/exec', 'mallory@corp.example'],
    ]);
    // The whole engine's timeline holds every record, the other pod's exec and the secret read too.
    const all = (await call('timeline.events', {
      engineId: ENGINE,
      since: new Date(Date.now() - 3_600_000).toISOString(),
    })) as { events: { type: string }[] };
    expect(all.events.filter((e) => e.type === 'kube-audit').length).toBe(3);
  });

  it('refuses what needs a node, and says that processes and the terminal go through pods/exec', async () => {
    const id = (await app.containers.list(ENGINE))[0]!.id;
    await expect(call('containers.stats', { engineId: ENGINE, containerId: id })).rejects.toThrow(
      /file changes, stats and logs need the node's runtime .*processes and the terminal go through pods\/exec/,
    );
    await expect(call('investigate.fileDiff', { engineId: ENGINE, containerId: id, path: '/' })).rejects.toThrow(
      /need the node's runtime/,
    );
  });
});
