import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApp } from '../../electron/engine/app.js';
import type { CallContext } from '../../electron/engine/handlers.js';
import { startWebServer } from '../../electron/server/http-server.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'terminal-idle';
const IDLE_MS = 1500;
const ctx: CallContext = { transport: 'http', user: 'analyst-idle' };

interface Exit {
  sessionId: string;
  reason: string;
  recording?: { path: string; sha256: string; storedIn: string };
}

/** A page that vanished without closing its terminal: the server ends the session and keeps the recording. */
describe('terminal sessions without a client', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-term-idle-'));
  const app = createApp({
    dataDir,
    env: {
      ...process.env,
      STOWAWAY_DATA_DIR: dataDir,
      STOWAWAY_ANALYST: 'analyst-idle',
      STOWAWAY_TERMINAL_IDLE_MS: String(IDLE_MS),
    },
  });
  let web: Awaited<ReturnType<typeof startWebServer>>;
  let containerId = '';
  const exits: Exit[] = [];
  const call = async <T>(op: string, input: unknown): Promise<T> => {
    const env = await app.dispatch(op, input, ctx);
    if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
    return env.value as T;
  };
  const connect = async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`, {
      headers: { host: `127.0.0.1:${web.port}` },
    });
    await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
    return ws;
  };
  const closeWs = (ws: WebSocket) => new Promise<void>((r) => (ws.once('close', () => r()), ws.close()));

  beforeAll(async () => {
    await removeSuite(SUITE);
    containerId = (await runContainer({ suite: SUITE, name: `sw-term-idle-${process.pid}` })).id;
    web = await startWebServer({ dispatch: app.dispatch, bus: app.bus, user: 'analyst-idle' });
    app.bus.onAny((ev, p) => ev === 'terminal.exit' && exits.push(p as Exit));
  });
  afterAll(async () => {
    await web?.close();
    await app.dispose();
    await removeSuite(SUITE);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps an idle session open while a client is attached', async () => {
    const ws = await connect();
    const s = await call<{ sessionId: string }>('terminal.exec', {
      engineId: 'local',
      containerId,
      cmd: ['sh'],
      confirm: true,
      cols: 80,
      rows: 24,
    });
    await new Promise((r) => setTimeout(r, IDLE_MS * 2.5));
    expect(exits.find((e) => e.sessionId === s.sessionId)).toBeUndefined();
    expect(
      await call<{ accepted: boolean }>('terminal.input', { sessionId: s.sessionId, data: 'echo still-here\n' }),
    ).toEqual({ accepted: true });
    await call('terminal.close', { sessionId: s.sessionId });
    await closeWs(ws);
  });

  it('ends a session whose client vanished, and stores its recording', async () => {
    const ws = await connect();
    const s = await call<{ sessionId: string }>('terminal.exec', {
      engineId: 'local',
      containerId,
      cmd: ['sh'],
      confirm: true,
      cols: 80,
      rows: 24,
    });
    await call('terminal.input', { sessionId: s.sessionId, data: 'echo marker-$((6*7))\n' });
    // The page goes away without page-hide: the socket drops, nothing is closed.
    ws.terminate();
    const started = Date.now();
    let exit: Exit | undefined;
    while (!exit && Date.now() - started < IDLE_MS * 6) {
      await new Promise((r) => setTimeout(r, 100));
      exit = exits.find((e) => e.sessionId === s.sessionId);
    }
    const waited = Date.now() - started;
    expect(exit, 'session ended').toBeDefined();
    expect(waited).toBeGreaterThanOrEqual(IDLE_MS - 200);
    expect(exit!.reason).toMatch(/without input or an attached client/);
    expect(exit!.recording).toBeDefined();
    const file = exit!.recording!.path;
    expect(existsSync(file)).toBe(true);
    const bytes = readFileSync(file);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(exit!.recording!.sha256);
    expect(bytes.toString('utf8')).toContain('marker-42');
    // The session is gone: further input is refused.
    await expect(call('terminal.input', { sessionId: s.sessionId, data: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
