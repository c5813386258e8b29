import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApp } from '../../electron/engine/app.js';
import { startWebServer } from '../../electron/server/http-server.js';
import { ROOT } from '../helpers/cli.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'web-server';

/** Raw request so Host and Origin can be forged, as a DNS-rebinding page would. */
function request(
  port: number,
  opts: { path: string; method?: string; headers?: Record<string, string>; body?: string },
) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: opts.path,
        method: opts.method ?? 'GET',
        headers: { host: `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('web mode server', () => {
  const app = createApp();
  let web: Awaited<ReturnType<typeof startWebServer>>;
  let containerId: string;

  beforeAll(async () => {
    await removeSuite(SUITE);
    containerId = (await runContainer({ suite: SUITE, name: `sw-web-${process.pid}` })).id;
    web = await startWebServer({
      dispatch: app.dispatch,
      bus: app.bus,
      user: 'tester',
      staticDir: path.join(ROOT, 'dist/renderer'),
    });
  });
  afterAll(async () => {
    await web?.close();
    await removeSuite(SUITE);
  });

  const api = (op: string, body: unknown, headers: Record<string, string> = {}) =>
    request(web.port, {
      path: `/api/${op}`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${web.token}`, ...headers },
      body: JSON.stringify(body),
    });

  it('listens on 127.0.0.1 only, with a long random token', () => {
    expect(web.address.address).toBe('127.0.0.1');
    expect(web.token.length).toBeGreaterThanOrEqual(40);
    expect(web.url).toContain(`token=${web.token}`);
  });

  it('answers 401 without the token, for the API and the UI', async () => {
    expect((await request(web.port, { path: '/' })).status).toBe(401);
    expect(
      (
        await request(web.port, {
          path: '/api/engines.list',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(401);
    expect((await api('engines.list', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('answers 403 to a foreign Host or Origin even with the token', async () => {
    expect((await api('engines.list', {}, { host: 'evil.example:80' })).status).toBe(403);
    expect((await api('engines.list', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('engines.list', {}, { origin: `http://127.0.0.1:${web.port}` })).status).toBe(200);
  });

  it('moves the URL token into an HttpOnly cookie and serves the UI with a CSP', async () => {
    const first = await request(web.port, { path: `/?token=${web.token}` });
    expect(first.status).toBe(303);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await request(web.port, { path: '/', headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('accepts a fresh URL token even when the browser still holds a stale cookie of an earlier run', async () => {
    const stale = `stowaway_token_${web.port}=stale-token-of-an-earlier-run`;
    expect((await request(web.port, { path: '/', headers: { cookie: stale } })).status).toBe(401);
    expect((await request(web.port, { path: `/?token=${web.token}`, headers: { cookie: stale } })).status).toBe(303);
  });

  it('refuses path traversal out of the UI directory', async () => {
    const r = await request(web.port, {
      path: '/..%2f..%2fpackage.json',
      headers: { authorization: `Bearer ${web.token}` },
    });
    expect(r.body).not.toContain('"devDependencies"');
  });

  it('serves the contract: lists the real containers of the local engine', async () => {
    const r = await api('containers.list', { engineId: 'local' });
    expect(r.status).toBe(200);
    const env = JSON.parse(r.body);
    expect(env.ok).toBe(true);
    expect(env.value.map((c: { id: string }) => c.id)).toContain(containerId);
  });

  it('validates input and maps error codes to statuses', async () => {
    const r = await api('containers.inspect', { engineId: 'local', containerId: 'not-hex' });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.code).toBe('VALIDATION');
    expect((await api('containers.inspect', { engineId: 'local', containerId: 'a'.repeat(64) })).status).toBe(404);
  });

  it('pushes events over the WebSocket only to token holders from our origin', async () => {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(refused).toBe(401);
    const foreign = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`, { origin: 'http://evil.example' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(foreign).toBe(403);
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`);
    await new Promise((r) => ws.on('open', r));
    const got = new Promise<{ event: string; payload: { engineId: string } }>((r) =>
      ws.on('message', (m) => r(JSON.parse(String(m)))),
    );
    await api('engines.connect', { engineId: 'local' });
    const msg = await got;
    expect(msg.event).toBe('engine.state');
    expect(msg.payload.engineId).toBe('local');
    ws.close();
  });
});
