import { afterAll, describe, expect, it } from 'vitest';
import { createWriteStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { sha256Hex } from '../../../electron/engine/cases/blob-store.js';
import { writeBundle } from '../../../electron/engine/bundle/write-bundle.js';
import { readBundle } from '../../../electron/engine/bundle/read-bundle.js';
import { importBundle } from '../../../electron/engine/bundle/import-bundle.js';
import { BUNDLE_LIMITS } from '../../../electron/engine/bundle/bundle-format.js';
import { makeEvidence, makeFindings, makeScan, tempDataDir } from '../../helpers/case-fixtures.js';

const tmp = tempDataDir('stowaway-bundles-');
afterAll(() => tmp.cleanup());

/** Writes a .tar.gz with exactly the given entries, for bundles a hostile source could craft. */
async function craft(
  name: string,
  entries: Array<{ name: string; data?: Buffer | string; type?: 'file' | 'symlink' | 'directory'; linkname?: string }>,
): Promise<string> {
  const file = path.join(tmp.dir, name);
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname ?? '/etc/passwd' });
    else if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory' });
    else pack.entry({ name: e.name }, Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data ?? ''));
  }
  pack.finalize();
  await pipeline(pack, createGzip(), createWriteStream(file));
  return file;
}

function manifestFor(files: Record<string, string>, extra: object = {}) {
  return JSON.stringify({
    format: 'stowaway-bundle',
    version: 1,
    createdAt: '2026-11-01T00:00:00.000Z',
    createdBy: 'bob',
    host: 'remote-1',
    stowawayVersion: '0.1.0',
    engine: { id: 'local', name: 'local', endpoint: 'unix:///var/run/docker.sock' },
    files: Object.entries(files).map(([p, d]) => ({ path: p, sha256: sha256Hex(d), size: Buffer.byteLength(d) })),
    ...extra,
  });
}

describe('offline evidence bundles', () => {
  const result = makeScan(makeFindings(12));
  const evidence = makeEvidence(result);

  it('round-trips a bundle into a read-only case whose evidence verifies and whose containers can be investigated', async () => {
    const file = path.join(tmp.dir, 'ok.tar.gz');
    const manifest = await writeBundle(file, {
      result,
      evidence,
      blobs: [Buffer.from('root:x:0:0::/root:/bin/sh\n')],
      createdBy: 'bob',
    });
    expect(manifest.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['scan.json', 'evidence.json', `blobs/${sha256Hex('root:x:0:0::/root:/bin/sh\n')}`]),
    );
    const cases = new CaseService(path.join(tmp.dir, 'data'), 'alice');
    try {
      const c = await importBundle(cases, file);
      expect(c.readOnly).toBe(true);
      expect(c.findingCount).toBe(12);
      const ev = cases.listEvidence(c.id);
      expect(ev.every((e) => e.collectedBy === 'bob')).toBe(true);
      expect(ev.map((e) => e.kind)).toEqual(
        expect.arrayContaining(['scan-result', 'engine-evidence', 'container-evidence', 'file', 'bundle-blob']),
      );
      const ce = cases.containerEvidence(c.id, evidence.containers[0]!.container.id);
      expect(ce.fileContents[0]!.path).toBe('/etc/passwd');
      expect(cases.containers(c.id).filter((x) => x.hasEvidence)).toHaveLength(2);
      expect((await cases.verify(c.id)).ok).toBe(true);
      expect(() => cases.addScan(c.id, result)).toThrow(/read-only/);
    } finally {
      cases.dispose();
    }
  });

  const scanJson = JSON.stringify(result);
  const evJson = JSON.stringify(evidence);
  const good = { 'scan.json': scanJson, 'evidence.json': evJson };

  it.each([
    ['path traversal', [{ name: '../../etc/cron.d/x', data: 'x' }], /unexpected entry name/],
    ['absolute path', [{ name: '/etc/passwd', data: 'x' }], /unexpected entry name/],
    ['symlink', [{ name: 'blobs/' + 'a'.repeat(64), type: 'symlink' as const }], /only plain files/],
    ['directory', [{ name: 'blobs/', type: 'directory' as const }], /only plain files/],
    ['duplicate', [{ name: 'scan.json', data: scanJson }], /duplicate entry/],
  ])('rejects a bundle with a %s entry', async (_label, bad, msg) => {
    const file = await craft(`bad-${_label.replace(/\W/g, '')}.tar.gz`, [
      { name: 'manifest.json', data: manifestFor(good) },
      { name: 'scan.json', data: scanJson },
      { name: 'evidence.json', data: evJson },
      ...bad,
    ]);
    await expect(readBundle(file)).rejects.toThrow(msg);
  });

  it('rejects a bundle whose content does not match the manifest hashes', async () => {
    const tampered = scanJson.replace('"durationMs":12', '"durationMs":13');
    const file = await craft('tampered.tar.gz', [
      { name: 'manifest.json', data: manifestFor(good) },
      { name: 'scan.json', data: tampered },
      { name: 'evidence.json', data: evJson },
    ]);
    await expect(readBundle(file)).rejects.toThrow(/does not match its manifest hash/);
  });

  it('rejects content that is hashed correctly but breaks the schema', async () => {
    const badScan = JSON.stringify({ ...result, findings: [{ id: 1 }] });
    const files = { 'scan.json': badScan, 'evidence.json': evJson };
    const file = await craft('schema.tar.gz', [
      { name: 'manifest.json', data: manifestFor(files) },
      ...Object.entries(files).map(([name, data]) => ({ name, data })),
    ]);
    await expect(readBundle(file)).rejects.toThrow(/scan.json does not match its schema/);
  });

  it('rejects unknown manifest fields, a missing listed file and unlisted files', async () => {
    const f1 = await craft('extra-field.tar.gz', [
      { name: 'manifest.json', data: manifestFor(good, { run: 'rm -rf /' }) },
      { name: 'scan.json', data: scanJson },
      { name: 'evidence.json', data: evJson },
    ]);
    await expect(readBundle(f1)).rejects.toThrow(/manifest.json does not match/);
    const f2 = await craft('missing.tar.gz', [
      { name: 'manifest.json', data: manifestFor(good) },
      { name: 'scan.json', data: scanJson },
    ]);
    await expect(readBundle(f2)).rejects.toThrow(/does not contain it/);
    const blob = 'x';
    const f3 = await craft('unlisted.tar.gz', [
      { name: 'manifest.json', data: manifestFor(good) },
      { name: 'scan.json', data: scanJson },
      { name: 'evidence.json', data: evJson },
      { name: `blobs/${sha256Hex(blob)}`, data: blob },
    ]);
    await expect(readBundle(f3)).rejects.toThrow(/not listed in the manifest/);
  });

  it('stops a decompression bomb at the size limit, and rejects garbage', async () => {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const file = await craft('bomb.tar.gz', [
      { name: 'manifest.json', data: manifestFor(good) },
      { name: 'scan.json', data: zeros },
    ]);
    await expect(
      readBundle(file, { ...BUNDLE_LIMITS, totalBytes: 8 * 1024 * 1024, entryBytes: 4 * 1024 * 1024 }),
    ).rejects.toThrow(/over the 4194304-byte limit|over .* bytes/);
    const garbage = path.join(tmp.dir, 'garbage.tar.gz');
    writeFileSync(garbage, gzipSync(Buffer.from('not a tar at all')));
    await expect(readBundle(garbage)).rejects.toThrow(/Rejected bundle/);
  });
});
