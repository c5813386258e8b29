import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveAppRequest } from '../../electron/shell/app-protocol.js';
import { APP_ORIGIN } from '../../electron/shell/window-options.js';
import { contentSecurityPolicy, metaContentSecurityPolicy } from '../../electron/server/csp.js';
import { ROOT } from '../helpers/cli.js';

/** The policy a page declares in <meta http-equiv="Content-Security-Policy">, decoded as a browser reads it. */
function metaCsp(html: string): string | undefined {
  const tag = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  return tag?.[1]
    ?.replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

describe('the desktop page carries its CSP from the protocol handler and its own meta tag', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sw-app-root-'));
  mkdirSync(path.join(root, 'assets'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(root, 'assets', 'a.js'), 'export {}');
  writeFileSync(path.join(os.tmpdir(), 'sw-outside.txt'), 'secret');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('every answer of stowaway://app carries the CSP header, pages and assets alike', async () => {
    for (const p of ['/index.html', '/', '/cases/123', '/assets/a.js']) {
      const res = await serveAppRequest(root, `${APP_ORIGIN}${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-security-policy'), p).toBe(contentSecurityPolicy());
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(await (await serveAppRequest(root, `${APP_ORIGIN}/`)).text()).toContain('<title>t</title>');
    expect((await serveAppRequest(root, `${APP_ORIGIN}/assets/a.js`)).headers.get('content-type')).toMatch(
      /^text\/javascript/,
    );
  });

  it('refuses traversal, missing assets and other hosts', async () => {
    for (const u of [
      `${APP_ORIGIN}/..%2f..%2fsw-outside.txt`,
      `${APP_ORIGIN}/assets/missing.js`,
      'stowaway://evil/index.html',
      'not a url',
    ]) {
      const res = await serveAppRequest(root, u);
      expect(res.status, u).toBeGreaterThanOrEqual(400);
      expect(await res.text()).not.toContain('secret');
    }
  });

  it('the built index.html (npm run build) declares the same policy in a meta tag before any script', async () => {
    const dist = path.join(ROOT, 'dist/renderer');
    expect(existsSync(path.join(dist, 'index.html')), 'dist/renderer/index.html is missing: run `npm run build`').toBe(
      true,
    );
    const res = await serveAppRequest(dist, `${APP_ORIGIN}/index.html`);
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    const html = await res.text();
    expect(html).toBe(readFileSync(path.join(dist, 'index.html'), 'utf8'));
    const meta = metaCsp(html);
    expect(meta).toBe(metaContentSecurityPolicy());
    expect(meta).toContain("script-src 'self'");
    expect(meta).toContain("object-src 'none'");
    expect(meta).not.toMatch(/script-src[^;]*unsafe/);
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    // No inline script that a strict policy would have to allow.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  });
});
