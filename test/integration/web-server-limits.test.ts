import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../electron/engine/app.js';
import { startWebServer } from '../../electron/server/http-server.js';

/** The documented limit of a request body. */
const MAX_BODY = 4 * 1024 * 1024;

/** A raw request over a real socket: the body is written in chunks, as a large upload arrives. */
function post(port: number, p: string, token: string, body: Buffer, opts: { chunked?: boolean } = {}) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const headers: Record<string, string> = {
      host: `127.0.0.1:${port}`,
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    };
    if (!opts.chunked) headers['content-length'] = String(body.length);
    const req = http.request({ host: '127.0.0.1', port, path: p, method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 256 * 1024) req.write(body.subarray(i, i + 256 * 1024));
    req.end();
  });
}

describe('web mode answers oversized and malformed requests with client errors', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-web-limits-'));
  const app = createApp({ dataDir, env: { ...process.env, STOWAWAY_DATA_DIR: dataDir } });
  let web: Awaited<ReturnType<typeof startWebServer>>;

  beforeAll(async () => {
    web = await startWebServer({ dispatch: app.dispatch, bus: app.bus, user: 'tester' });
  });
  afterAll(async () => {
    await web?.close();
    await app.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const json = (size: number) => Buffer.from(JSON.stringify({ pad: 'x'.repeat(size - 12) }));

  it('a body over 4 MB gets 413 with a JSON error, not a connection reset', async () => {
    const r = await post(web.port, '/api/engines.list', web.token, json(MAX_BODY + 1024 * 1024));
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(r.headers.connection).toBe('close');
  });

  it('also without a Content-Length (chunked upload)', async () => {
    const r = await post(web.port, '/api/engines.list', web.token, json(MAX_BODY + 512 * 1024), { chunked: true });
    expect(r.status).toBe(413);
  });

  it('a body just under the limit still reaches the operation', async () => {
    const r = await post(web.port, '/api/engines.list', web.token, json(MAX_BODY - 1024));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ ok: true });
  });

  it('a malformed % in the operation name is 400, not 500', async () => {
    for (const op of ['engines.%E0%A4%A', '%', 'engines%2']) {
      const r = await post(web.port, `/api/${op}`, web.token, Buffer.from('{}'));
      expect(r.status, op).toBe(400);
      expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
  });

  it('the server still answers afterwards', async () => {
    expect((await post(web.port, '/api/engines.list', web.token, Buffer.from('{}'))).status).toBe(200);
  });
});
