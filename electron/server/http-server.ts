import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatch } from '../engine/dispatcher.js';
import type { EventBus } from '../engine/event-bus.js';
import { contentSecurityPolicy } from './csp.js';
import { authorized, hostAndOriginAllowed, newToken, tokenCookie, tokensOf } from './auth.js';
import { resolveStatic, streamFile } from './static-files.js';
import { LoginCodes } from './login-codes.js';

export interface WebServerOptions {
  dispatch: Dispatch;
  bus: EventBus;
  user: string;
  /** Built renderer directory; without it only the API is served. */
  staticDir?: string;
  port?: number;
  token?: string;
  /** Lifetime of the one-time sign-in codes of loginUrl(). */
  loginCodeTtlMs?: number;
}

/** Largest request body accepted: the contract has no operation that needs more. */
export const MAX_BODY = 4 * 1024 * 1024;
/**
 * How much of an oversized body is read and dropped so that the client gets its 413 rather than a reset
 * (closing a socket with unread data makes the kernel send RST). Past this the connection is cut.
 */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * Web mode: the renderer and the contract over HTTP + WebSocket, on 127.0.0.1 only, behind a per-run token
 * and Host/Origin checks.
 */
export async function startWebServer(opts: WebServerOptions) {
  const token = opts.token ?? newToken();
  let port = opts.port ?? 0;
  const sockets = new Set<WebSocket>();
  const codes = new LoginCodes(opts.loginCodeTtlMs);
  const signedIn = (url: URL, setCookie: boolean) => {
    url.searchParams.delete('code');
    url.searchParams.delete('token');
    return {
      location: url.pathname + (url.search || ''),
      ...(setCookie
        ? { 'set-cookie': `${tokenCookie(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/` }
        : {}),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    };
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
  const deny = (res: ServerResponse, status: 401 | 403, message: string) =>
    send(res, status, { ok: false, error: { code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message } });

  const server = http.createServer(async (req, res) => {
    try {
      await handle(req, res);
    } catch (e) {
      if (!res.headersSent)
        send(res, 500, { ok: false, error: { code: 'INTERNAL', message: String((e as Error).message).slice(0, 500) } });
      else res.destroy();
    }
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const hostCheck = hostAndOriginAllowed(req, port);
    if (!hostCheck.ok) return deny(res, 403, hostCheck.reason);

    // The URL handed to the browser opener carries a one-time code, exchanged here for the session cookie.
    if (req.method === 'GET' && url.searchParams.has('code')) {
      if (codes.redeem(url.searchParams.get('code'))) {
        res.writeHead(303, signedIn(url, true));
        return res.end();
      }
      if (!authorized(token, tokensOf(req, url, port)))
        return deny(
          res,
          401,
          'This sign-in link was already used or has expired: open the URL printed by `stowaway serve`.',
        );
      // A spent code in a tab that is signed in anyway (a reload): just drop it from the address bar.
      res.writeHead(303, signedIn(url, false));
      return res.end();
    }

    if (!authorized(token, tokensOf(req, url, port)))
      return deny(res, 401, 'A valid token is required: open the URL printed by `stowaway serve`.');

    // A URL with the token (the one printed by `serve`): move it into an HttpOnly cookie and drop it from the address bar.
    if (req.method === 'GET' && url.searchParams.has('token')) {
      res.writeHead(303, signedIn(url, true));
      return res.end();
    }

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST')
        return send(res, 405, { ok: false, error: { code: 'VALIDATION', message: 'Use POST' } }, { allow: 'POST' });
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        return send(res, 415, { ok: false, error: { code: 'VALIDATION', message: 'Send application/json' } });
      const op = decodeOp(url.pathname.slice('/api/'.length));
      if (op === undefined)
        return send(res, 400, {
          ok: false,
          error: { code: 'VALIDATION', message: 'Malformed percent-encoding in the operation name' },
        });
      const body = await readBody(req);
      if (typeof body !== 'string') {
        // After a body that was cut short the connection's framing is lost: close it once the answer is out.
        if (body.cut) res.once('finish', () => req.socket.destroy());
        return send(
          res,
          413,
          { ok: false, error: { code: 'VALIDATION', message: `Request body over ${MAX_BODY} bytes` } },
          { connection: 'close' },
        );
      }
      let input: unknown;
      try {
        input = body.length ? JSON.parse(body) : {};
      } catch {
        return send(res, 400, { ok: false, error: { code: 'VALIDATION', message: 'Body is not JSON' } });
      }
      const envelope = await opts.dispatch(op, input, { transport: 'http', user: opts.user });
      return send(res, envelope.ok ? 200 : statusOf(envelope.error.code), envelope);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, { ok: false, error: { code: 'VALIDATION', message: 'Method not allowed' } });
    if (!opts.staticDir)
      return send(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'No UI in this build' } });
    const found =
      resolveStatic(opts.staticDir, url.pathname) ??
      (url.pathname.includes('.') ? undefined : resolveStatic(opts.staticDir, '/index.html'));
    if (!found) return send(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'Not found' } });
    res.writeHead(200, {
      'content-type': found.type,
      'content-security-policy': contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': found.file.includes(`${'/'}assets${'/'}`) ? 'max-age=31536000, immutable' : 'no-store',
    });
    if (req.method === 'HEAD') return res.end();
    streamFile(found.file).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  opts.bus.countClients();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const hostCheck = hostAndOriginAllowed(req, port);
    const ok = url.pathname === '/ws' && hostCheck.ok && authorized(token, tokensOf(req, url, port));
    if (!ok) {
      socket.write(
        `HTTP/1.1 ${hostCheck.ok ? '401 Unauthorized' : '403 Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      // Pages can vanish without saying goodbye: services see how many are attached (terminal idle time-out).
      const left = opts.bus.clientJoined();
      ws.on('close', () => (sockets.delete(ws), left()));
      // The socket is server-push only; anything the page sends is ignored.
      ws.on('message', () => undefined);
    });
  });

  const unsubscribe = opts.bus.onAny((event, payload) => {
    const msg = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(msg);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    server,
    token,
    port,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    /** A URL for the browser opener: its code works once and soon expires, so its argv gives nothing away. */
    loginUrl: () => `http://127.0.0.1:${port}/?code=${codes.issue()}`,
    address: server.address() as AddressInfo,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The body as text, or what was wrong with its size: dropped whole (drained) or cut at DRAIN_LIMIT. */
function readBody(req: IncomingMessage): Promise<string | { tooLarge: true; cut: boolean }> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > DRAIN_LIMIT) {
      req.resume();
      return resolve({ tooLarge: true, cut: true });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > DRAIN_LIMIT) return resolve({ tooLarge: true, cut: true });
      // Past the limit the rest is read and dropped, keeping memory flat.
      if (size > MAX_BODY) chunks.length = 0;
      else chunks.push(c);
    });
    req.on('end', () =>
      resolve(size > MAX_BODY ? { tooLarge: true, cut: false } : Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

/** The operation name of /api/<op>; undefined for malformed percent-encoding (a client error, not ours). */
function decodeOp(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** HTTP status for an error code; the body is the same envelope as over IPC. */
export function statusOf(code: string): number {
  switch (code) {
    case 'VALIDATION':
    case 'CONFIRMATION_REQUIRED':
    case 'INSECURE_NOT_ALLOWED':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
    case 'PERMISSION_DENIED':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'ENGINE_TIMEOUT':
      return 504;
    case 'INTERNAL':
    case 'DB':
      return 500;
    default:
      return 502;
  }
}
