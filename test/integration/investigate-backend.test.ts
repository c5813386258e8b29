import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../electron/engine/app.js';
import type { CallContext } from '../../electron/engine/handlers.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'investigate-backend';
const ctx: CallContext = { transport: 'cli', user: 'analyst-it' };

describe('network, timeline and terminal operations against the local engine', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-views-'));
  const app = createApp({
    dataDir,
    env: { ...process.env, STOWAWAY_DATA_DIR: dataDir, STOWAWAY_ANALYST: 'analyst-it' },
  });
  const call = async <T>(op: string, input: unknown): Promise<T> => {
    const env = await app.dispatch(op, input, ctx);
    if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
    return env.value as T;
  };
  let server = '';
  let sidecar = '';
  let startedAt = 0;

  beforeAll(async () => {
    await removeSuite(SUITE);
    startedAt = Math.floor(Date.now() / 1000) - 1;
    // Two containers in one network namespace (no network at all): a loopback session between them.
    const s = await runContainer({
      suite: SUITE,
      name: `sw-vb-srv-${process.pid}`,
      cmd: ['sh', '-c', 'echo ready; while true; do sleep 3600 | nc -l -p 7000; done'],
    });
    server = s.id;
    const c = await runContainer({
      suite: SUITE,
      name: `sw-vb-side-${process.pid}`,
      cmd: ['sh', '-c', 'while true; do nc 127.0.0.1 7000 -e sleep 3600; sleep 1; done'],
      hostConfig: { NetworkMode: `container:${server}` },
    });
    sidecar = c.id;
  });
  afterAll(async () => {
    await app.dispose();
    await removeSuite(SUITE);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('builds one loopback edge for containers sharing a namespace', async () => {
    type G = {
      nodes: { id: string; kind: string; containerId?: string }[];
      edges: { kind: string; direction: string; source: string; target: string; remotePort?: number }[];
      access: string;
    };
    let g: G | undefined;
    for (let i = 0; i < 20; i++) {
      g = await call<G>('investigate.network', { engineId: 'local' });
      if (g.edges.some((e) => e.kind === 'connection' && e.remotePort === 7000)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(g!.access).toBe('host');
    const conns = g!.edges.filter(
      (e) => e.kind === 'connection' && (e.source.includes(server) || e.source.includes(sidecar)),
    );
    expect(conns).toHaveLength(1);
    expect(conns[0]).toMatchObject({ direction: 'internal', remotePort: 7000 });
    expect(conns[0]!.target).toContain(':tcp:7000');
  });

  it('reads the events of one container in a closed window', async () => {
    const r = await call<{ events: { action: string; actorId: string }[]; truncated: number }>('timeline.events', {
      engineId: 'local',
      since: startedAt,
      until: Math.ceil(Date.now() / 1000) + 1,
      containerId: server,
    });
    const actions = r.events.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['create', 'start']));
    expect(r.events.every((e) => e.actorId === server)).toBe(true);
    await expect(
      call('timeline.events', { engineId: 'local', since: startedAt, until: startedAt - 10 }),
    ).rejects.toThrow(/before its start/);
  });

  it('follows logs read-only: output arrives as events, input is refused', async () => {
    const chunks: string[] = [];
    const off = app.bus.onAny((ev, p) => {
      if (ev === 'terminal.data') chunks.push((p as { data: string }).data);
    });
    const s = await call<{ sessionId: string; mode: string }>('terminal.logs', {
      engineId: 'local',
      containerId: server,
    });
    expect(s.mode).toBe('logs');
    await expect.poll(() => chunks.join(''), { timeout: 10_000 }).toContain('ready');
    expect(await call<{ accepted: boolean }>('terminal.input', { sessionId: s.sessionId, data: 'id\n' })).toEqual({
      accepted: false,
    });
    expect(await call<{ recording?: unknown }>('terminal.close', { sessionId: s.sessionId })).toEqual({});
    off();
  });

  it('refuses an unconfirmed exec and stores a confirmed one as case evidence', async () => {
    await expect(call('terminal.exec', { engineId: 'local', containerId: server })).rejects.toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
    });
    const kase = await call<{ id: string }>('cases.create', { name: 'terminal evidence' });
    const out: string[] = [];
    const off = app.bus.onAny((ev, p) => {
      if (ev === 'terminal.data') out.push((p as { data: string }).data);
    });
    const s = await call<{ sessionId: string }>('terminal.exec', {
      engineId: 'local',
      containerId: server,
      cmd: ['sh'],
      confirm: true,
      cols: 80,
      rows: 24,
    });
    expect(
      await call<{ accepted: boolean }>('terminal.input', { sessionId: s.sessionId, data: 'echo hi $((6*7))\n' }),
    ).toEqual({ accepted: true });
    await expect.poll(() => out.join(''), { timeout: 10_000 }).toContain('hi 42');
    const closed = await call<{ recording: { sha256: string; storedIn: string; collectedBy: string } }>(
      'terminal.close',
      { sessionId: s.sessionId },
    );
    off();
    expect(closed.recording).toMatchObject({ storedIn: 'case', collectedBy: 'analyst-it' });
    const items = app.caseStore.get().listEvidence(kase.id);
    expect(items.find((i) => i.sha256 === closed.recording.sha256)).toMatchObject({
      kind: 'terminal-recording',
      containerId: server,
      collectedBy: 'analyst-it',
    });
  });
});
