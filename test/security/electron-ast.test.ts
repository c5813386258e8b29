import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkElectronShell, unaccepted, type AcceptedFinding } from './electron-ast-check.js';
import { ROOT } from '../helpers/cli.js';

const accepted = (
  JSON.parse(readFileSync(path.join(ROOT, 'test/security/electron-accepted.json'), 'utf8')) as {
    accepted: AcceptedFinding[];
  }
).accepted;

describe('Electron shell: static security check', () => {
  const findings = checkElectronShell(path.join(ROOT, 'electron/shell'));

  it('has no high finding, and every other finding is accepted with a reason', () => {
    expect(findings.filter((f) => f.severity === 'high')).toEqual([]);
    expect(unaccepted(findings, accepted)).toEqual([]);
    // An accepted entry that no longer matches anything is stale: remove it.
    for (const a of accepted)
      expect(
        findings.some((f) => f.rule === a.rule && f.file === a.file),
        `${a.rule} in ${a.file}`,
      ).toBe(true);
  });

  it('reads the window options through mainWindowOptions() in another module', () => {
    // Nothing about the options is reported as unresolved: the check really looked at them.
    expect(findings.map((f) => f.rule)).not.toContain('WINDOW_OPTIONS_UNRESOLVED');
    expect(findings.map((f) => f.rule)).not.toContain('WEB_PREFERENCES_UNRESOLVED');
  });
});

describe('the check finds what it is for', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sw-ast-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const shell = (files: Record<string, string>) => {
    const d = mkdtempSync(path.join(dir, 'shell-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(d, name), text);
    return checkElectronShell(d).map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line}`);
  };

  it('weak webPreferences built in another module, no guards, an unchecked openExternal and remote', () => {
    const found = shell({
      'options.ts': `export const prefs = { contextIsolation: false, nodeIntegration: true, webSecurity: false, allowRunningInsecureContent: true, nodeIntegrationInSubFrames: true, devTools: true };
export function windowOptions(preload: string) { const x = 1; return { width: 10, webPreferences: prefs }; }`,
      'main.ts': `import { BrowserWindow, shell, app } from 'electron';
import { windowOptions } from './options.js';
import { getCurrentWindow } from '@electron/remote';
app.on('web-contents-created', (_e, c) => { c.on('will-navigate', () => undefined); c.setWindowOpenHandler(({ url }) => { shell.openExternal(url); return { action: 'allow' }; }); });
const win = new BrowserWindow(windowOptions('p'));`,
    });
    for (const rule of [
      'CONTEXTISOLATION_NOT_TRUE',
      'SANDBOX_NOT_TRUE',
      'NODEINTEGRATION_NOT_FALSE',
      'WEB_SECURITY_DISABLED',
      'INSECURE_CONTENT_ALLOWED',
      'NODEINTEGRATIONINSUBFRAMES_ON',
      'REMOTE_MODULE',
      'OPEN_EXTERNAL_UNVALIDATED',
      'NAVIGATION_GUARD_MISSING',
      'WINDOW_OPEN_GUARD_MISSING',
    ]) {
      expect(
        found.some((f) => f.startsWith('high ') && f.includes(` ${rule} `)),
        rule,
      ).toBe(true);
    }
    expect(found).toContain('medium DEVTOOLS_ON options.ts:1');
    // Findings point into the module that holds the weak value.
    expect(found).toContain('high CONTEXTISOLATION_NOT_TRUE options.ts:1');
  });

  it('a window whose options it cannot trace is a finding, not a pass', () => {
    const found = shell({
      'main.ts': `import { BrowserWindow } from 'electron';\ndeclare const opts: any;\nnew BrowserWindow(opts);`,
    });
    expect(found).toContain('high WINDOW_OPTIONS_UNRESOLVED main.ts:3');
  });

  it('accepts openExternal only behind a check of the same URL', () => {
    const guarded = shell({
      'a.ts': `import { shell } from 'electron';\ndeclare function ok(u: string): boolean;\nexport function f(url: string) { if (ok(url)) void shell.openExternal(url); }`,
    });
    expect(guarded).toEqual([]);
    const otherUrl = shell({
      'a.ts': `import { shell } from 'electron';\ndeclare function ok(u: string): boolean;\nexport function f(url: string, other: string) { if (ok(other)) void shell.openExternal(url); }`,
    });
    expect(otherUrl).toContain('high OPEN_EXTERNAL_UNVALIDATED a.ts:3');
  });
});
