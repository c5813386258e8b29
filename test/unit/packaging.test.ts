import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const builder = loadYaml(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('desktop packaging', () => {
  it('builds nsis for Windows, dmg for macOS, AppImage and deb for Linux', () => {
    expect(builder.win.target.map((t: { target: string }) => t.target)).toContain('nsis');
    expect(builder.mac.target.map((t: { target: string }) => t.target)).toContain('dmg');
    expect(builder.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
  });

  it('rebuilds native modules for Electron and keeps them loadable outside the asar', () => {
    expect(builder.npmRebuild).toBe(true);
    expect(builder.asarUnpack).toContain('**/*.node');
    expect(pkg.dependencies['better-sqlite3']).toBeDefined();
    expect(pkg.scripts['postinstall:desktop']).toBe('electron-builder install-app-deps');
  });

  it('turns off the fuses that would let the packaged app run as plain Node', () => {
    expect(builder.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
    });
  });

  it('gives file:// pages no extra privileges, with fuse names electron-builder knows', () => {
    expect(builder.electronFuses.grantFileProtocolExtraPrivileges).toBe(false);
    expect(builder.electronFuses.enableEmbeddedAsarIntegrityValidation).toBe(true);
    // A misspelt fuse would be ignored or rejected at packaging time: check every name against electron-builder's schema.
    const scheme = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
    const fuses = scheme.definitions.FuseOptionsV1.properties as Record<string, { type: unknown }>;
    for (const name of Object.keys(builder.electronFuses)) expect(fuses[name], name).toBeDefined();
  });

  it('points main and bin at built files, and the sandboxed preload needs nothing but electron', () => {
    expect(existsSync(path.join(ROOT, pkg.main))).toBe(true);
    expect(existsSync(path.join(ROOT, pkg.bin.stowaway))).toBe(true);
    const preload = readFileSync(path.join(ROOT, 'dist/electron/preload.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(readFileSync(path.join(ROOT, pkg.bin.stowaway), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('uses a supported Electron major', () => {
    const major = Number(
      String(pkg.devDependencies.electron)
        .replace(/^[^\d]*/, '')
        .split('.')[0],
    );
    expect(major).toBeGreaterThanOrEqual(43);
  });
});
