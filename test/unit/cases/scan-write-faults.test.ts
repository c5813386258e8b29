import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { makeEvidence, makeFindings, makeScan, tempDataDir } from '../../helpers/case-fixtures.js';

const tmp = tempDataDir('stowaway-scan-faults-');
afterAll(() => tmp.cleanup());

describe('a scan write under faults loses nothing already recorded', () => {
  const releases: Array<() => void> = [];
  afterEach(() => releases.splice(0).forEach((r) => r()));

  it('fails with DISK_FULL when the disk fills, keeps every earlier record, and the case still verifies', async () => {
    const dir = path.join(tmp.dir, 'full');
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', dir]);
    releases.push(() => execFileSync('umount', ['-l', dir]));
    const cases = new CaseService(dir, 'alice');
    try {
      const c = cases.create('on a small disk');
      const small = makeScan(makeFindings(10));
      cases.addScan(c.id, small, makeEvidence(small));
      cases.setFindingState(c.id, small.findings[0]!.id, 'confirmed', 'seen');
      cases.addNote(c.id, 'recorded before the disk filled');
      const before = {
        custody: cases.custody(c.id),
        evidence: cases.listEvidence(c.id),
        findings: cases.findings(c.id).items,
        scans: cases.scans(c.id),
      };
      // A scan whose records are larger than the room left.
      const big = makeScan(makeFindings(12_000));
      expect(() => cases.addScan(c.id, big, makeEvidence(big))).toThrow(
        expect.objectContaining({
          code: 'DISK_FULL',
          message: expect.stringMatching(/disk .* is full: the scan of local was not written/),
        }),
      );
      expect(cases.custody(c.id)).toEqual(before.custody);
      expect(cases.listEvidence(c.id)).toEqual(before.evidence);
      expect(cases.findings(c.id).items).toEqual(before.findings);
      expect(cases.scans(c.id)).toEqual(before.scans);
      expect((await cases.verify(c.id)).problems).toEqual([]);
      // The failed write gave its blobs back: small writes go on.
      cases.addNote(c.id, 'the case goes on after the full disk');
      expect((await cases.verify(c.id)).problems).toEqual([]);
    } finally {
      cases.dispose();
    }
  });

  it('leaves all of a scan or none of it when the writer is killed with SIGKILL mid-write', async () => {
    const data = path.join(tmp.dir, 'killed');
    const setup = new CaseService(data, 'setup');
    const caseId = setup.create('killed').id;
    setup.dispose();
    const N = 30_000;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/scan-write.ts'), data, caseId, String(N)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('start') && !child.killed) setTimeout(() => child.kill('SIGKILL'), 150);
      });
      child.on('close', () => resolve());
      child.on('error', reject);
    });
    expect(out, err).toContain('start');
    const cases = new CaseService(data, 'after');
    try {
      expect(cases.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const scans = cases.scans(caseId).length;
      const findings = cases.findings(caseId).total;
      const scanLines = cases.custody(caseId).filter((l) => l.action === 'scan').length;
      const evidence = cases.listEvidence(caseId).length;
      if (out.includes('committed')) expect([scans, findings, scanLines]).toEqual([1, N, 1]);
      else expect([scans, findings, scanLines, evidence]).toEqual(scans ? [1, N, 1, evidence] : [0, 0, 0, 0]);
      expect((await cases.verify(caseId)).problems).toEqual([]);
    } finally {
      cases.dispose();
    }
  }, 240_000);
});
