import { lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEntry } from '../../../electron/engine/collect/file-content.js';
import { knownHash, rememberHash } from '../../../electron/engine/collect/file-hashes.js';
import { LayerCache, locate } from '../../../electron/engine/collect/layers.js';
import { readLayeredFile } from '../../../electron/engine/collect/critical-from-layers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a thread keeps between scans: hashes of unchanged files, and lookups in layers that never change. */
describe('caches kept across scans', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sw-caches-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes a file again once its inode changed, and reuses the hash while it has not', async () => {
    const file = path.join(dir, 'app.conf');
    writeFileSync(file, 'listen 80\n');
    // A whole-second mtime, so that setting it again gives back exactly the same one.
    utimesSync(file, 1_000_000_000, 1_000_000_000);
    // Older than the racy window, so its hash is kept.
    await sleep(2100);
    const st = lstatSync(file);
    const first = await describeEntry('/app.conf', file, st, 'added', { left: 1 << 20 });
    expect(knownHash(file, st)?.sha256).toBe(first.sha256);
    // Same size, same mtime, new bytes: only ctime shows it.
    writeFileSync(file, 'listen 81\n');
    utimesSync(file, 1_000_000_000, 1_000_000_000);
    // Described with the inode as it was, the kept hash answers without a read: the new bytes are not seen.
    expect((await describeEntry('/app.conf', file, st, 'added', { left: 1 << 20 })).sha256).toBe(first.sha256);
    // With the inode as it is now, ctime differs and the file is read again.
    const now = lstatSync(file);
    expect(now.mtimeMs).toBe(st.mtimeMs);
    expect(now.size).toBe(st.size);
    const second = await describeEntry('/app.conf', file, now, 'added', { left: 1 << 20 });
    expect(second.sha256).not.toBe(first.sha256);
  }, 10_000);

  it('keeps no hash of a file changed within the racy window, and counts kept hashes against the budget', async () => {
    const file = path.join(dir, 'fresh.log');
    writeFileSync(file, 'line\n');
    const st = lstatSync(file);
    const d = await describeEntry('/fresh.log', file, st, 'added', { left: 1 << 20 });
    expect(d.sha256).toBeTruthy();
    expect(knownHash(file, st)).toBeUndefined();
    // Read three seconds after its last change, it would have been kept.
    rememberHash(file, st, st.ctimeMs + 3000, d.sha256!, Buffer.from('line'));
    expect(knownHash(file, st)?.sha256).toBe(d.sha256);
    const budget = { left: 3 };
    expect((await describeEntry('/fresh.log', file, st, 'added', budget)).sha256).toBeUndefined();
    const enough = { left: st.size + 1 };
    expect((await describeEntry('/fresh.log', file, st, 'added', enough)).sha256).toBe(d.sha256);
    expect(enough.left).toBe(1);
  });

  it('looks up a lower layer once per thread: scans after the first ask the kernel nothing there', async () => {
    const lower = path.join(dir, 'lower');
    const upper = path.join(dir, 'upper');
    mkdirSync(path.join(lower, 'etc'), { recursive: true });
    mkdirSync(upper, { recursive: true });
    writeFileSync(path.join(lower, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
    const layers = { upper, lowers: [lower] };
    const first = await readLayeredFile(layers, '/etc/passwd', new LayerCache());
    expect(first?.text).toContain('root:x:0:0');
    // An image layer never changes while it exists: a later scan's cache answers from what the first one read.
    rmSync(path.join(lower, 'etc'), { recursive: true });
    const later = new LayerCache();
    expect((await locate(layers, '/etc/passwd', 0, later))?.layer).toBe(1);
    expect((await readLayeredFile(layers, '/etc/passwd', later))?.sha256).toBe(first?.sha256);
    // The upper dir is the container's own: it is asked again in every scan.
    mkdirSync(path.join(upper, 'etc'));
    writeFileSync(path.join(upper, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\nevil:x:0:0::/:/bin/sh\n');
    expect((await locate(layers, '/etc/passwd', 0, new LayerCache()))?.layer).toBe(0);
    expect(statSync(path.join(upper, 'etc/passwd')).isFile()).toBe(true);
  });
});
