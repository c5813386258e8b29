import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/engine/app.js';
import { contextDirName } from '../../../electron/engine/connections/docker-contexts.js';

describe('engines.* operations through the dispatcher', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'sw-ops-home-'));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-ops-data-'));
  const meta = path.join(home, '.docker/contexts/meta', contextDirName('ctx-local'));
  mkdirSync(meta, { recursive: true });
  writeFileSync(
    path.join(meta, 'meta.json'),
    JSON.stringify({ Name: 'ctx-local', Metadata: {}, Endpoints: { docker: { Host: 'unix:///var/run/docker.sock' } } }),
  );
  const app = createApp({ env: { PATH: process.env.PATH }, home, dataDir });
  const ctx = { transport: 'http' as const, user: 'analyst' };
  const call = (op: string, input: unknown) => app.dispatch(op, input, ctx);
  afterAll(() => app.dispose());

  it('lists the local engine and docker contexts, and tests a draft without saving it', async () => {
    const list = await call('engines.list', {});
    expect(list.ok && (list.value as Array<{ id: string }>).map((e) => e.id)).toEqual(['local', 'ctx:ctx-local']);
    const t = await call('engines.test', {
      name: 'probe',
      endpoint: { type: 'unix', socketPath: '/var/run/docker.sock' },
    });
    expect(t).toMatchObject({ ok: true, value: { ok: true, apiVersion: expect.stringMatching(/^1\./) } });
    const bad = await call('engines.test', {
      name: 'probe',
      endpoint: { type: 'unix', socketPath: path.join(home, 'none.sock') },
    });
    expect(bad).toMatchObject({ ok: true, value: { ok: false, errorCode: 'SOCKET_MISSING' } });
  });

  it('adds, reconnects and removes a saved host; removal needs confirmation; discovered engines are not removable', async () => {
    const insecure = await call('engines.add', {
      name: 'plain',
      endpoint: { type: 'tcp', host: '127.0.0.1', port: 2375 },
    });
    expect(insecure).toMatchObject({ ok: false, error: { code: 'INSECURE_NOT_ALLOWED' } });
    const added = await call('engines.add', {
      name: 'Second socket',
      endpoint: { type: 'unix', socketPath: '/var/run/docker.sock' },
    });
    expect(added.ok).toBe(true);
    const id = (added as { value: { id: string } }).value.id;
    expect(JSON.parse(readFileSync(path.join(dataDir, 'engines.json'), 'utf8')).hosts[0].id).toBe(id);
    expect(await call('engines.reconnect', { engineId: id })).toMatchObject({
      ok: true,
      value: { status: 'connected' },
    });
    expect(await call('engines.remove', { engineId: id })).toMatchObject({
      ok: false,
      error: { code: 'CONFIRMATION_REQUIRED' },
    });
    expect(await call('engines.remove', { engineId: 'ctx:ctx-local', confirm: true })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringContaining('docker context rm ctx-local') },
    });
    expect(await call('engines.remove', { engineId: id, confirm: true })).toEqual({
      ok: true,
      value: { removed: true },
    });
    const list = await call('engines.list', {});
    expect((list as { value: Array<{ id: string }> }).value.map((e) => e.id)).not.toContain(id);
    // A fresh discovery finds what is on disk again: the context, not the removed host.
    const again = await call('engines.rediscover', {});
    expect((again as { value: Array<{ id: string }> }).value.map((e) => e.id)).toEqual(['local', 'ctx:ctx-local']);
  });
});
