import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/engine/app.js';
import type { CallContext } from '../../../electron/engine/handlers.js';
import { removeSuite } from '../../helpers/docker.js';
import { namespace, startFakeKubeApi, writeKubeconfig, type FakeKubeApi } from '../../helpers/fake-kube-api/index.js';
import { dockerExecRunner, startRealPod, type RealPod } from '../../helpers/fake-kube-api/pod-containers.js';
import { kubeContainerId } from '../../../electron/engine/kube/kube-containers.js';

/**
 * A pod container's process list and terminal through pods/exec: the fake API server upgrades to the v5/v4 channel
 * protocol and runs each command for real in the labelled container standing in for the pod.
 */
const SUITE = 'kube-exec';
const USER = 'analyst-kube-exec';
const ctx: CallContext = { transport: 'http', user: USER };
const ENGINE = 'kube:prod';

let api: FakeKubeApi;
let dir: string;
let app: App;
let web: RealPod;
let webId = '';

async function call<T>(op: string, input: unknown): Promise<T> {
  const r = (await app.dispatch(op as never, input as never, ctx)) as {
    ok: boolean;
    value?: unknown;
    error?: { code: string; message: string };
  };
  if (!r.ok) throw Object.assign(new Error(r.error!.message), { code: r.error!.code });
  return r.value as T;
}

beforeAll(async () => {
  await removeSuite(SUITE);
  api = await startFakeKubeApi({ tokens: { 'tok-reader': { name: 'reader', groups: [] } }, exec: dockerExecRunner() });
  dir = mkdtempSync(path.join(os.tmpdir(), 'kube-exec-'));
  api.put(namespace('shop'));
  // A script's file name becomes its process name: this one carries an escape sequence.
  web = await startRealPod(api, 'shop', 'web', {
    suite: SUITE,
    containerName: 'web',
    cmd: [
      'sh',
      '-c',
      "printf '#!/bin/sh\\nsleep 3600\\n' > '/tmp/\u001b[31mevil' && chmod +x /tmp/*evil && ('/tmp/\u001b[31mevil' &) && exec sleep 3601",
    ],
  });
  webId = kubeContainerId(web.uid, 'web');
  const kubeconfig = writeKubeconfig(
    path.join(dir, 'config'),
    [{ name: 'prod', api, user: { token: 'tok-reader' } }],
    'prod',
  );
  app = createApp({
    env: {
      HOME: dir,
      KUBECONFIG: kubeconfig,
      DOCKER_HOST: 'unix:///nonexistent.sock',
      DOCKER_CONTEXT: '',
      STOWAWAY_ANALYST: USER,
    },
    home: dir,
    dataDir: path.join(dir, 'data'),
  });
  await call('engines.connect', { engineId: ENGINE });
}, 60_000);

afterAll(async () => {
  await app?.dispose();
  await api?.close();
  await removeSuite(SUITE);
  rmSync(dir, { recursive: true, force: true });
});

describe('pods/exec for a Kubernetes engine', () => {
  it('runs nothing in the pod unless the caller asks for pods/exec', async () => {
    const ev = await call<{
      processes: { container?: unknown };
      errors: { code: string }[];
      container: { name: string };
    }>('evidence.container', { engineId: ENGINE, containerId: webId });
    expect(ev.processes.container).toBeUndefined();
    expect(ev.container.name).toBe('shop/web/web');
    expect(ev.errors.map((e) => e.code)).toEqual(['NOT_ASKED']);
    expect(api.requests.filter((r) => r.resource === 'pods/exec')).toEqual([]);
  });

  it('lists the processes the container itself sees, and logs the exec in the case first', async () => {
    const caseId = app.caseStore.get().create('kube-exec').id;
    const ev = await call<{
      processes: { container?: { source: string; processes: { pid: number; ppid: number; comm: string }[] } };
      artifacts: { kind: string; sourceCall: string }[];
    }>('evidence.container', { engineId: ENGINE, containerId: webId, podExec: true });
    const procs = ev.processes.container!.processes;
    expect(ev.processes.container!.source).toBe('pods/exec');
    expect(procs.find((p) => p.pid === 1)).toMatchObject({ comm: 'sleep', ppid: 0 });
    // The script's process keeps its raw name in the evidence; the views make it visible.
    expect(procs.some((p) => p.comm === '\u001b[31mevil')).toBe(true);
    expect(ev.artifacts[0]).toMatchObject({ kind: 'exec' });
    expect(ev.artifacts[0]!.sourceCall).toContain('pods/exec shop/web -c web');
    const exec = api.requests.filter((r) => r.resource === 'pods/exec');
    expect(exec.at(-1)).toMatchObject({ verb: 'create', namespace: 'shop', status: 101, user: 'reader' });
    expect(exec.at(-1)!.path).toBe('/api/v1/namespaces/shop/pods/web/exec');
    const custody = app.caseStore.get().custody(caseId);
    expect(custody.at(-1)).toMatchObject({ action: 'exec', actor: USER });
    expect(custody.at(-1)!.detail).toMatch(/^pods\/exec process listing in pod shop\/web container web /);
  });

  it('names the verb and resource when RBAC refuses pods/exec', async () => {
    api.forbid({ verb: 'create', resource: 'pods/exec', namespace: 'shop' });
    try {
      const err = await call('evidence.container', {
        engineId: ENGINE,
        containerId: webId,
        podExec: true,
        refresh: true,
      }).catch((e: Error & { code?: string }) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as { code?: string }).code).toBe('FORBIDDEN');
      expect((err as Error).message).toMatch(
        /^RBAC denies create on pods\/exec for pod shop\/web container web: pods "web" is forbidden: User "reader" cannot create resource "pods\/exec" in API group "" in the namespace "shop"/,
      );
    } finally {
      api.allow();
    }
  });

  it('opens a terminal in the pod: input reaches the shell, the output is sanitized, the session is recorded', async () => {
    const caseId = app.caseStore.get().currentId()!;
    const out: string[] = [];
    const exits: { sessionId: string; exitCode?: number; recording?: { sha256: string } }[] = [];
    const off = app.bus.onAny((ev, p) => {
      if (ev === 'terminal.data') out.push((p as { data: string }).data);
      if (ev === 'terminal.exit') exits.push(p as (typeof exits)[number]);
    });
    try {
      const s = await call<{ sessionId: string; mode: string; containerId: string }>('terminal.exec', {
        engineId: ENGINE,
        containerId: webId,
        confirm: true,
        cols: 80,
        rows: 24,
        cmd: ['sh'],
      });
      expect(s).toMatchObject({ mode: 'exec', containerId: webId });
      expect(app.caseStore.get().custody(caseId).at(-1)!.detail).toMatch(
        new RegExp(`^exec ${s.sessionId} starting in pod shop/web container web \\(pods/exec\\)`),
      );
      // Once the shell is up, as an analyst would: the resize frame is applied by the runtime asynchronously,
      // so ask the shell for its size until it reports the new one.
      await expect.poll(() => out.join(''), { timeout: 15_000 }).toContain('/ # ');
      await call('terminal.resize', { sessionId: s.sessionId, cols: 90, rows: 20 });
      await expect
        .poll(
          async () => {
            await call('terminal.input', { sessionId: s.sessionId, data: 'stty size\n' });
            return out.join('');
          },
          { timeout: 15_000, interval: 200 },
        )
        .toMatch(/^20 90\r?$/m);
      await call('terminal.input', {
        sessionId: s.sessionId,
        data: "echo marker-$((6*7)); printf '\\033]52;c;ZXZpbA==\\007done-%s\\n' ok\n",
      });
      await expect.poll(() => out.join(''), { timeout: 15_000 }).toContain('done-ok');
      const text = out.join('');
      expect(text).toContain('marker-42');
      // The clipboard-writing OSC 52 sequence never reaches the screen as a control sequence.
      expect(text).not.toContain('\u001b]52');
      const recording = await call<{ recording?: { sha256: string; storedIn: string } }>('terminal.close', {
        sessionId: s.sessionId,
      });
      expect(recording.recording).toMatchObject({ storedIn: 'case' });
      await expect.poll(() => exits.length).toBe(1);
      expect(app.caseStore.get().custody(caseId).at(-1)!.detail).toMatch(new RegExp(`^exec ${s.sessionId} ended`));
    } finally {
      off();
    }
  }, 30_000);
});
