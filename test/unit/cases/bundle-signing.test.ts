import { afterAll, describe, expect, it } from 'vitest';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { custodyKey } from '../../../electron/engine/cases/custody-key.js';
import { sha256Hex } from '../../../electron/engine/cases/blob-store.js';
import { writeBundle } from '../../../electron/engine/bundle/write-bundle.js';
import { readBundle } from '../../../electron/engine/bundle/read-bundle.js';
import { importBundle } from '../../../electron/engine/bundle/import-bundle.js';
import { checkBundleSignature, signManifest } from '../../../electron/engine/bundle/bundle-signature.js';
import { makeEvidence, makeFindings, makeScan, tempDataDir } from '../../helpers/case-fixtures.js';

const tmp = tempDataDir('stowaway-bundle-signing-');
afterAll(() => tmp.cleanup());

describe('bundle signatures and imported triage', () => {
  // The collector dismissed every finding before bundling: the importing case must not inherit that judgement.
  const result = makeScan(makeFindings(11).map((f) => ({ ...f, state: 'false-positive' as const })));
  const evidence = makeEvidence(result);

  it('imports findings as new with no inherited triage, keeps the bundle triage as evidence, and shows the verified signer', async () => {
    const collector = custodyKey(path.join(tmp.dir, 'collector'));
    const file = path.join(tmp.dir, 'signed.tar.gz');
    await writeBundle(file, { result, evidence, createdBy: 'bob', signWith: collector });
    const cases = new CaseService(path.join(tmp.dir, 'analyst'), 'alice');
    try {
      const c = await importBundle(cases, file);
      expect(c.bundleSignature).toEqual({
        status: 'verified',
        fingerprint: collector.fingerprint,
        summary: expect.stringContaining(collector.fingerprint),
      });
      expect(cases.findings(c.id).items.map((f) => f.state)).toEqual(Array(11).fill('new'));
      expect(cases.history(c.id)).toEqual([]);
      const scanItem = cases.listEvidence(c.id).find((e) => e.kind === 'scan-result')!;
      const asBundled = JSON.parse(cases.readEvidence(c.id, scanItem.sha256).toString()) as {
        findings: Array<{ state: string }>;
      };
      expect(asBundled.findings.every((f) => f.state === 'false-positive')).toBe(true);
      const custody = cases.custody(c.id).map((l) => l.detail);
      expect(custody.some((d) => d.includes('11 false-positive') && d.includes('findings arrive as new'))).toBe(true);
      expect(custody.some((d) => d.includes(`signed by Ed25519 key ${collector.fingerprint}`))).toBe(true);
      expect((await cases.verify(c.id)).problems).toEqual([]);
    } finally {
      cases.dispose();
    }
  }, 240_000);

  it('tells an unsigned bundle and a signature that does not match the manifest', async () => {
    const unsigned = path.join(tmp.dir, 'unsigned.tar.gz');
    await writeBundle(unsigned, { result, evidence, createdBy: 'bob' });
    const u = await readBundle(unsigned);
    expect(checkBundleSignature(u).status).toBe('unsigned');
    u.dispose();

    // The manifest is changed after signing (here: the collector's name), the signature kept.
    const key = custodyKey(path.join(tmp.dir, 'collector'));
    const scan = Buffer.from(JSON.stringify(result));
    const ev = Buffer.from(JSON.stringify(evidence));
    const m = (by: string) =>
      JSON.stringify({
        format: 'stowaway-bundle',
        version: 1,
        createdAt: '2026-11-01T00:00:00.000Z',
        createdBy: by,
        host: 'h',
        stowawayVersion: '0.1.0',
        engine: result.engine,
        files: [
          { path: 'scan.json', sha256: sha256Hex(scan), size: scan.length },
          { path: 'evidence.json', sha256: sha256Hex(ev), size: ev.length },
        ],
      });
    const pack = tar.pack();
    pack.entry({ name: 'manifest.json' }, Buffer.from(m('mallory')));
    pack.entry({ name: 'manifest.sig' }, signManifest(key, m('bob')));
    pack.entry({ name: 'scan.json' }, scan);
    pack.entry({ name: 'evidence.json' }, ev);
    pack.finalize();
    const forged = path.join(tmp.dir, 'forged.tar.gz');
    await pipeline(pack, createGzip(), createWriteStream(forged));
    const f = await readBundle(forged);
    expect(checkBundleSignature(f)).toMatchObject({ status: 'invalid', fingerprint: key.fingerprint });
    f.dispose();
  });
});
