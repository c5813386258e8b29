import { readFile } from 'node:fs/promises';
import { contentSecurityPolicy } from '../server/csp.js';
import { resolveStatic } from '../server/static-files.js';
import { APP_ORIGIN } from './window-options.js';

/** Headers of every page and asset of the app: Electron runs no webRequest hooks for custom schemes. */
export function appResponseHeaders(type: string): Record<string, string> {
  return {
    'content-type': type,
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

/**
 * What the stowaway://app protocol answers: a file of the renderer build (path traversal refused), the page
 * for client-side routes, and the CSP in the response's own headers. Plain Node, so it is tested without Electron.
 */
export async function serveAppRequest(rendererRoot: string, requestUrl: string): Promise<Response> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return new Response('Bad request', { status: 400 });
  }
  // Node gives non-special schemes an opaque origin ("null"), so compare scheme and host.
  if (`${url.protocol}//${url.host}` !== APP_ORIGIN) return new Response('Not found', { status: 404 });
  // Routes without an extension are the single page; a missing asset is a 404, never the page under its name.
  const found =
    resolveStatic(rendererRoot, url.pathname) ??
    (url.pathname.includes('.') ? undefined : resolveStatic(rendererRoot, '/index.html'));
  if (!found) return new Response('Not found', { status: 404 });
  try {
    return new Response(await readFile(found.file), { status: 200, headers: appResponseHeaders(found.type) });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
