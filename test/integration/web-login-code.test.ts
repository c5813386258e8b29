import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../electron/engine/app.js';
import { startWebServer } from '../../electron/server/http-server.js';
import { CLI } from '../helpers/cli.js';

function get(port: number, p: string, headers: Record<string, string> = {}, method = 'GET', body?: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: p, method, headers: { host: `127.0.0.1:${port}`, ...headers }, agent: false },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;
const cookieOf = (r: { headers: http.IncomingHttpHeaders }) => (r.headers['set-cookie']?.[0] ?? '').split(';')[0]!;

describe('the browser signs in with a one-time code, never the long-lived token', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-login-'));
  const app = createApp({ dataDir, env: { ...process.env, STOWAWAY_DATA_DIR: dataDir } });
  let web: Awaited<ReturnType<typeof startWebServer>>;
  const ttl = 400;

  beforeAll(async () => {
    web = await startWebServer({ dispatch: app.dispatch, bus: app.bus, user: 'tester', loginCodeTtlMs: ttl });
  });
  afterAll(async () => {
    await web?.close();
    await app.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = (cookie: string) =>
    get(web.port, '/api/engines.list', { cookie, 'content-type': 'application/json' }, 'POST', '{}');

  it('a code is exchanged for the session cookie once; a second use is 401', async () => {
    const login = web.loginUrl();
    expect(login).not.toContain(web.token);
    const first = await get(web.port, pathOf(login));
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = cookieOf(first);
    expect(cookie).toContain(encodeURIComponent(web.token));
    expect(first.headers['set-cookie']![0]).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await api(cookie)).status).toBe(200);

    const again = await get(web.port, pathOf(login));
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('an expired code is 401, and so is one never issued', async () => {
    const login = web.loginUrl();
    await new Promise((r) => setTimeout(r, ttl + 200));
    expect((await get(web.port, pathOf(login))).status).toBe(401);
    expect((await get(web.port, '/?code=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(401);
  });

  it('each code is its own: using one leaves another good', async () => {
    const a = web.loginUrl();
    const b = web.loginUrl();
    expect(a).not.toBe(b);
    expect((await get(web.port, pathOf(a))).status).toBe(303);
    expect((await get(web.port, pathOf(b))).status).toBe(303);
  });
});

describe('stowaway serve hands xdg-open and the browser a one-time code', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sw-opener-'));
  const record = path.join(dir, 'argv.txt');
  const browser = path.join(dir, 'browser.sh');
  let serve: ChildProcess;
  let printed = '';

  beforeAll(async () => {
    expect(existsSync(CLI), 'dist/cli.mjs is missing: run `npm run build`').toBe(true);
    // The browser records its own argv and that of its parent, xdg-open, as another local user could read them.
    writeFileSync(
      browser,
      `#!/bin/sh\n{ printf '%s\\n' "$0" "$@"; tr '\\0' ' ' < /proc/$PPID/cmdline; echo; } > '${record}.tmp' && mv '${record}.tmp' '${record}'\n`,
    );
    chmodSync(browser, 0o755);
    const env = { PATH: process.env.PATH!, HOME: dir, STOWAWAY_DATA_DIR: path.join(dir, 'data'), BROWSER: browser };
    serve = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`serve printed no URL: ${printed}`)), 20_000);
      serve.stdout!.on('data', (d) => {
        printed += d;
        if (/serving on http/.test(printed)) {
          clearTimeout(t);
          resolve();
        }
      });
      serve.once('exit', (code) => reject(new Error(`serve exited ${code}: ${printed}`)));
    });
    for (let i = 0; i < 100 && !existsSync(record); i++) await new Promise((r) => setTimeout(r, 100));
  });
  afterAll(() => {
    if (serve?.exitCode === null) serve.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('the argv of the opener and of the browser holds a code that works once, and no token', async () => {
    const printedUrl = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(printed)![1]!;
    const token = new URL(printedUrl).searchParams.get('token')!;
    const port = Number(new URL(printedUrl).port);
    const argv = readFileSync(record, 'utf8');
    expect(argv).toContain('xdg-open');
    expect(argv).not.toContain(token);
    expect(argv).not.toContain('token=');
    const opened = /(http:\/\/127\.0\.0\.1:\d+\/\?code=[\w-]+)/.exec(argv)![1]!;
    // The browser script does not load the page, so the code is still unused.
    const first = await get(port, pathOf(opened));
    expect(first.status).toBe(303);
    expect(cookieOf(first)).toContain(encodeURIComponent(token));
    expect((await get(port, pathOf(opened))).status).toBe(401);
  });
});
