import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainWindowOptions, APP_ORIGIN } from '../../electron/shell/window-options.js';
import {
  allowPermission,
  isAllowedNavigation,
  isSafeExternalUrl,
  isTrustedSender,
} from '../../electron/shell/guards.js';
import { contentSecurityPolicy } from '../../electron/server/csp.js';
import { ROOT } from '../helpers/cli.js';

describe('Electron window hardening', () => {
  const prefs = mainWindowOptions('/app/preload.cjs').webPreferences!;

  it('isolates, sandboxes and denies Node to the renderer', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.preload).toBe('/app/preload.cjs');
  });

  it('has developer tools only in development builds, and the shell says which build it is', () => {
    expect(mainWindowOptions('/p', { packaged: true }).webPreferences!.devTools).toBe(false);
    expect(prefs.devTools).toBe(false);
    expect(mainWindowOptions('/p', { packaged: false }).webPreferences!.devTools).toBe(true);
    const main = readFileSync(path.join(ROOT, 'electron/shell/main.ts'), 'utf8');
    expect(main).toMatch(/mainWindowOptions\(.*\{\s*packaged:\s*electronApp\.isPackaged\s*\}\)/);
    expect(main).not.toMatch(/openDevTools/);
  });

  it('allows navigation only inside the app origin', () => {
    expect(isAllowedNavigation(`${APP_ORIGIN}/index.html`)).toBe(true);
    for (const url of [
      'https://example.com/',
      'file:///etc/passwd',
      'http://127.0.0.1:1/',
      'javascript:alert(1)',
      'stowaway://evil/x',
      'not a url',
    ]) {
      expect(isAllowedNavigation(url), url).toBe(false);
    }
  });

  it('opens only https links externally', () => {
    expect(isSafeExternalUrl('https://attack.mitre.org/techniques/T1611/')).toBe(true);
    for (const url of ['http://x', 'file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'stowaway://app/'])
      expect(isSafeExternalUrl(url), url).toBe(false);
  });

  it('trusts IPC only from the top frame of our own windows on our origin', () => {
    const ids = new Set([7]);
    const top = { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null }, sender: { id: 7 } };
    expect(isTrustedSender(top, ids)).toBe(true);
    expect(isTrustedSender({ ...top, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: {} } }, ids)).toBe(false);
    expect(isTrustedSender({ ...top, sender: { id: 8 } }, ids)).toBe(false);
    expect(isTrustedSender({ ...top, senderFrame: { url: 'https://evil.example/', parent: null } }, ids)).toBe(false);
    expect(isTrustedSender({ ...top, senderFrame: null }, ids)).toBe(false);
  });

  it('grants no permission requests', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])
      expect(allowPermission(p)).toBe(false);
  });

  it('uses a strict CSP without inline or eval scripts', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('keeps electron imports inside the shell and the preload surface closed', () => {
    const preload = readFileSync(path.join(ROOT, 'electron/shell/preload.ts'), 'utf8');
    expect(preload).toContain("exposeInMainWorld('stowaway'");
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*[,)]/);
    const main = readFileSync(path.join(ROOT, 'electron/shell/main.ts'), 'utf8');
    expect(main).toContain('enableSandbox()');
    expect(main).toContain('setWindowOpenHandler');
    expect(main).toContain("'will-navigate'");
    expect(main).not.toMatch(/webSecurity:\s*false|enableBlinkFeatures|allowRunningInsecureContent:\s*true/);
  });
});
