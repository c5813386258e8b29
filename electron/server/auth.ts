import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** One cookie per port: browsers share cookies across ports of a host, and each `serve` run has its own token. */
export const tokenCookie = (port: number) => `stowaway_token_${port}`;

/** A fresh random token for each run of `stowaway serve`. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** Constant-time token comparison. */
export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Every token a request carries: bearer header, our cookie, and (first page load, WebSocket) the query. */
export function tokensOf(req: IncomingMessage, url: URL, port: number): string[] {
  const found: string[] = [];
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) found.push(auth.slice(7));
  const name = `${tokenCookie(port)}=`;
  for (const c of req.headers.cookie?.split(';') ?? []) {
    const t = c.trim();
    if (t.startsWith(name)) found.push(safeDecode(t.slice(name.length)));
  }
  const q = url.searchParams.get('token');
  if (q) found.push(q);
  return found;
}

/** A request is authorized when any token it carries is ours: a stale cookie must not hide a fresh URL token. */
export const authorized = (expected: string, given: string[]): boolean => given.some((t) => tokenMatches(expected, t));

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return '';
  }
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
  if (origin !== undefined && !allowedHosts.has(origin.replace(/^http:\/\//, '')))
    return { ok: false, reason: `Origin "${origin.slice(0, 100)}" is not allowed` };
  if (origin !== undefined && !origin.startsWith('http://'))
    return { ok: false, reason: `Origin "${origin.slice(0, 100)}" is not allowed` };
  return { ok: true };
}
