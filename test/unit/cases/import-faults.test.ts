import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { importBundle } from '../../../electron/engine/bundle/import-bundle.js';
import { writeBundle } from '../../../electron/engine/bundle/write-bundle.js';
import { makeEvidence, makeFindings, makeScan, tempDataDir } from '../../helpers/case-fixtures.js';

const tmp = tempDataDir('stowaway-import-faults-');
afterAll(() => tmp.cleanup());

/** A bundle whose blobs need more room than `bytes`; random bytes, so gzip cannot shrink them. */
async function bundleWithBlobs(name: string, count: number, each: number): Promise<string> {
  const result = makeScan(makeFindings(30));
  const file = path.join(tmp.dir, name);
  await writeBundle(file, {
    result,
    evidence: makeEvidence(result),
    blobs: Array.from({ length: count }, () => randomBytes(each)),
    createdBy: 'bob',
  });
  return file;
}

/** A small tmpfs as the data directory: a disk that really fills up. */
function smallDisk(name: string, size: string): { dir: string; release: () => void } {
  const dir = path.join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  return { dir, release: () => execFileSync('umount', ['-l', dir]) };
}

/** What an interrupted import must leave behind: the case that was there, current, intact; nothing else. */
async function expectUntouched(dataDir: string, before: string) {
  const cases = new CaseService(dataDir, 'after');
  try {
    expect(cases.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(cases.list().map((c) => c.id)).toEqual([before]);
    expect(cases.currentId()).toBe(before);
    expect((await cases.verify(before)).problems).toEqual([]);
  } finally {
    cases.dispose();
  }
}

describe('bundle import is all or nothing', () => {
  const releases: Array<() => void> = [];
  afterEach(() => releases.splice(0).forEach((r) => r()));

  it('leaves no case, and the current case current, when the disk fills during the import', async () => {
    const disk = smallDisk('full', '3m');
    releases.push(disk.release);
    const bundle = await bundleWithBlobs('big.tar.gz', 4, 1024 * 1024);
    const cases = new CaseService(disk.dir, 'alice');
    let before: string;
    try {
      before = cases.create('ongoing investigation').id;
      cases.addNote(before, 'recorded before the disk filled');
      await expect(importBundle(cases, bundle)).rejects.toMatchObject({ code: 'DISK_FULL' });
      expect(cases.list().map((c) => c.id)).toEqual([before]);
      // The failed import gave its space back: the case goes on being written.
      cases.addNote(before, 'written after the failed import');
    } finally {
      cases.dispose();
    }
    await expectUntouched(disk.dir, before);
  });

  it('leaves no half case when the importing process is killed with SIGKILL', async () => {
    const data = path.join(tmp.dir, 'killed');
    const setup = new CaseService(data, 'alice');
    const before = setup.create('ongoing investigation').id;
    setup.dispose();
    // Many blobs, each fsynced: the import takes long enough to be cut in the middle.
    const bundle = await bundleWithBlobs('many.tar.gz', 400, 16 * 1024);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/import-child.ts'), data, bundle],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => (out += d));
    const blobsDir = path.join(data, 'blobs');
    const stored = () => (existsSync(blobsDir) ? readdirSync(blobsDir).length : 0);
    const base = stored();
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        // Killed once the import is writing blobs, well before its end.
        if (out.includes('start') && stored() > base + 20 && !child.killed) child.kill('SIGKILL');
      }, 5);
      child.on('close', () => {
        clearInterval(timer);
        resolve();
      });
      child.on('error', reject);
    });
    expect(out, err).toContain('start');
    expect(out).not.toContain('done');
    await expectUntouched(data, before);
  }, 240_000);
});
