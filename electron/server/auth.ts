import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'stowaway_token';

/** A fresh random token for each run of `stowaway serve`. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** Constant-time token comparison. */
export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries: bearer header, cookie, or (for the first page load and WebSocket) the query. */
export function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const cookie = req.headers.cookie?.split(';').map((c) => c.trim()).find((c) => c.startsWith(`${TOKEN_COOKIE}=`));
  if (cookie) return decodeURIComponent(cookie.slice(TOKEN_COOKIE.length + 1));
  return url.searchParams.get('token') ?? undefined;
}

/**
 * DNS-rebinding and cross-site guard: the Host must be our loopback address and port, and an Origin,
 * when the browser sends one, must be our own.
 */
export function hostAndOriginAllowed(req: IncomingMessage, port: number): { ok: true } | { ok: false; reason: string } {
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const host = req.headers.host ?? '';
  if (!allowedHosts.has(host)) return { ok: false, reason: `Host header "${host.slice(0, 100)}" is not allowed` };
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.has(origin.replace(/^http:\/\//, '')) ) return { ok: false, reason: `Origin "${origin.slice(0, 100)}" is not allowed` };
  if (origin !== undefined && !origin.startsWith('http://')) return { ok: false, reason: `Origin "${origin.slice(0, 100)}" is not allowed` };
  return { ok: true };
}
