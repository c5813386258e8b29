import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { createApp, type App } from '../../../electron/engine/app.js';
import { bundleEngineId } from '../../../electron/engine/bundle/bundle-engines.js';
import { runCli } from '../../helpers/cli.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';
import { tempDataDir } from '../../helpers/case-fixtures.js';

const SUITE = 'cases-bundle-engine';

/**
 * An evidence bundle opened through the contract becomes a read-only engine: its containers, their evidence,
 * its scan and network graph answer from the bundle (even after the container is gone from the live engine),
 * and every operation that would need a live engine is refused with a clear read-only error.
 */
describe('an opened evidence bundle as a read-only engine', () => {
  const tmp = tempDataDir('stowaway-bundle-engine-');
  const env = { STOWAWAY_DATA_DIR: tmp.dir, STOWAWAY_ANALYST: 'analyst-1' };
  const name = `sw-bundle-eng-${process.pid}`;
  const ctx = { transport: 'http' as const, user: 'analyst-2' };
  let containerId = '';
  let app: App;
  let engineId = '';

  beforeAll(async () => {
    await removeSuite(SUITE);
    const c = await runContainer({
      suite: SUITE,
      name,
      cmd: ['sh', '-c', 'echo "backdoor:x:0:0::/root:/bin/sh" >> /etc/passwd; sleep 3600'],
    });
    containerId = c.id;
    await new Promise((r) => setTimeout(r, 1500));
    const bundle = path.join(tmp.dir, 'evidence.tar.gz');
    const collected = await runCli(['collect', '--out', bundle, '--since', '10m'], { env, timeoutMs: 150_000 });
    expect(collected.code, collected.stderr).toBe(0);
    // The container is gone from the live engine: whatever the bundle engine shows comes from the bundle.
    await removeSuite(SUITE);
    app = createApp({ env: { ...process.env, ...env } });
    const opened = await app.dispatch('bundles.open', { path: bundle }, ctx);
    expect(opened.ok, JSON.stringify(opened)).toBe(true);
    engineId = bundleEngineId((opened as { value: { id: string } }).value.id);
  }, 180_000);
  afterAll(async () => {
    await app?.dispose();
    await removeSuite(SUITE);
    tmp.cleanup();
  });

  const call = async (op: string, input: Record<string, unknown>) =>
    (
      app.dispatch as (
        op: string,
        input: unknown,
        c: typeof ctx,
      ) => Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>
    )(op, input, ctx);

  it('is listed as a connected read-only docker engine with source bundle', async () => {
    const list = (await call('engines.list', {})).value as Array<{
      id: string;
      kind: string;
      source: string;
      endpoint: { type: string };
      state: { status: string };
    }>;
    const mine = list.find((e) => e.id === engineId);
    expect(mine).toMatchObject({ kind: 'docker', source: 'bundle', endpoint: { type: 'bundle' } });
    const st = await call('engines.connect', { engineId });
    expect((st.value as { status: string }).status).toBe('connected');
    // Rediscovering the live engines keeps the opened bundle.
    await call('engines.rediscover', {});
    expect(((await call('engines.list', {})).value as Array<{ id: string }>).some((e) => e.id === engineId)).toBe(true);
  });

  it('answers containers, inspect, evidence, scan and network from the bundle', async () => {
    const list = await call('containers.list', { engineId, all: true });
    expect(list.ok, JSON.stringify(list.error)).toBe(true);
    const row = (list.value as Array<{ id: string; name: string; engineId: string }>).find((c) => c.id === containerId);
    expect(row).toMatchObject({ name, engineId });
    const detail = await call('containers.inspect', { engineId, containerId: containerId.slice(0, 12) });
    expect((detail.value as { id: string }).id).toBe(containerId);
    const ev = await call('evidence.container', { engineId, containerId, refresh: true });
    expect(ev.ok, JSON.stringify(ev.error)).toBe(true);
    const evidence = ev.value as {
      files: Array<{ path: string; kind: string }>;
      processes: { host?: { processes: Array<{ cmdline: string }> } };
    };
    expect(evidence.files.find((f) => f.path === '/etc/passwd')?.kind).toBe('changed');
    expect(evidence.processes.host?.processes.some((p) => p.cmdline.includes('sleep 3600'))).toBe(true);
    const scan = await call('scan.latest', { engineId });
    expect((scan.value as { engine: { id: string }; containers: Array<{ id: string }> }).engine.id).toBe(engineId);
    expect((scan.value as { containers: Array<{ id: string }> }).containers.some((c) => c.id === containerId)).toBe(
      true,
    );
    const net = await call('investigate.network', { engineId });
    expect(net.ok, JSON.stringify(net.error)).toBe(true);
    expect(JSON.stringify(net.value)).toContain(containerId);
  });

  it('answers the timeline from the events it recorded, a window past its collection moved back to end there', async () => {
    const now = Date.now();
    const r = await call('timeline.events', {
      engineId,
      since: new Date(now - 600_000).toISOString(),
      until: new Date(now).toISOString(),
      containerId,
    });
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    const tl = r.value as {
      events: Array<{ engineId: string; actorId: string; action: string; time: string }>;
      since: string;
      until: string;
    };
    expect(tl.events.map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'start']));
    expect(tl.events.every((e) => e.engineId === engineId && e.actorId === containerId)).toBe(true);
    // A day later, "the last 10 minutes" of the bundle are still the 10 minutes before it was collected.
    const later = await call('timeline.events', {
      engineId,
      since: new Date(now + 86_400_000 - 600_000).toISOString(),
      until: new Date(now + 86_400_000).toISOString(),
    });
    const tl2 = later.value as typeof tl;
    expect(Date.parse(tl2.until)).toBeLessThanOrEqual(now + 1000);
    expect(Date.parse(tl2.until) - Date.parse(tl2.since)).toBe(600_000);
    expect(tl2.events.some((e) => e.actorId === containerId && e.action === 'start')).toBe(true);
    // The container's removal happened after collection: the bundle cannot know of it.
    expect(tl2.events.some((e) => e.actorId === containerId && e.action === 'destroy')).toBe(false);
  });

  it('refuses what needs a live engine with a read-only evidence bundle error', async () => {
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['terminal.exec', { engineId, containerId, cmd: ['id'], confirm: true }],
      ['terminal.logs', { engineId, containerId }],
      ['containers.stats', { engineId, containerId }],
      ['investigate.fileDiff', { engineId, containerId, path: '/etc/passwd' }],
      ['scan.run', { engineId, confirm: true }],
    ];
    for (const [op, input] of attempts) {
      const r = await call(op, input);
      expect(r.ok, `${op} should be refused`).toBe(false);
      expect(r.error?.message, op).toMatch(/^read-only evidence bundle: /);
      expect(r.error?.code, op).toBe('FORBIDDEN');
    }
    // Response actions are refused by the engine's capabilities before any case or container is looked at.
    const respond = await call('respond.run', { engineId, containerId, action: 'pause', confirm: true });
    expect(respond.ok).toBe(false);
    expect(respond.error?.code).toBe('FORBIDDEN');
    expect(respond.error?.message).toMatch(/is a read-only evidence bundle: there is no container to act on/);
    // The refusal changed nothing: the bundle's evidence still answers.
    expect((await call('evidence.container', { engineId, containerId })).ok).toBe(true);
  });

  it('comes back after a restart once its case is current again, from what the case store kept', async () => {
    const again = createApp({ env: { ...process.env, ...env } });
    try {
      const before = await again.dispatch('engines.list', {}, ctx);
      expect((before as { value: Array<{ id: string }> }).value.some((e) => e.id === engineId)).toBe(false);
      const current = await again.dispatch('cases.current', {}, ctx);
      expect((current as { value: { readOnly: boolean } }).value.readOnly).toBe(true);
      const list = await again.dispatch('containers.list', { engineId, all: true }, ctx);
      expect(list.ok, JSON.stringify(list)).toBe(true);
      expect((list as { value: Array<{ id: string }> }).value.some((c) => c.id === containerId)).toBe(true);
      const ev = await again.dispatch('evidence.container', { engineId, containerId }, ctx);
      expect(
        (ev as { value: { files: Array<{ path: string }> } }).value.files.some((f) => f.path === '/etc/passwd'),
      ).toBe(true);
    } finally {
      await again.dispose();
    }
  });
});
