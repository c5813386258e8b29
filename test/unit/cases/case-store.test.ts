import { beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { resolveDataDir } from '../../../electron/engine/data-dir.js';
import { makeFindings, makeScan } from '../../helpers/case-fixtures.js';
import { freshCaseStore } from '../../helpers/case-store.js';

describe('case store', () => {
  const store = freshCaseStore();
  let cases: CaseService;
  beforeEach(() => (cases = store.cases));

  it('creates, lists, renames, closes, reopens and archives cases side by side, tracking the current one', () => {
    const a = cases.create('Incident A');
    const b = cases.create('Incident B');
    expect(cases.current()?.id).toBe(b.id);
    expect(
      cases
        .list()
        .map((c) => c.name)
        .sort(),
    ).toEqual(['Incident A', 'Incident B']);
    cases.open(a.id);
    expect(cases.current()?.id).toBe(a.id);
    expect(cases.rename(a.id, 'Incident A (crypto-miner)').name).toBe('Incident A (crypto-miner)');
    expect(cases.close(a.id).status).toBe('closed');
    expect(() => cases.addNote(a.id, 'late note')).toThrow(/closed: reopen/);
    expect(cases.open(a.id).status).toBe('open');
    expect(cases.archive(b.id).status).toBe('archived');
    expect(cases.list(false).map((c) => c.id)).toEqual([a.id]);
    expect(cases.resolve('Incident B').id).toBe(b.id);
    expect(cases.resolve(b.id.slice(0, 8)).id).toBe(b.id);
    expect(() => cases.resolve('nope')).toThrow(/No case/);
    const actions = cases.custody(a.id).map((c) => c.action);
    expect(actions).toEqual(['create', 'rename', 'close', 'reopen']);
  });

  it('records a scan, keeps triage across a rescan, and keeps the triage history', () => {
    const c = cases.create('scan case');
    const findings = makeFindings(8);
    cases.addScan(c.id, makeScan(findings));
    expect(cases.get(c.id).findingCount).toBe(8);
    const f0 = findings[0]!;
    cases.setFindingState(c.id, f0.id, 'confirmed', 'seen by the analyst', 'bob');
    cases.setFindingState(c.id, f0.id, 'false-positive', 'build job', 'carol');
    cases.addScan(c.id, makeScan(findings));
    const after = cases.findings(c.id, { state: 'false-positive' });
    expect(after.items.map((f) => f.id)).toEqual([f0.id]);
    expect(cases.history(c.id, f0.id).map((h) => [h.from, h.to, h.actor])).toEqual([
      ['new', 'confirmed', 'bob'],
      ['confirmed', 'false-positive', 'carol'],
    ]);
    expect(cases.scans(c.id)).toHaveLength(2);
    const crit = cases.findings(c.id, { severity: 'critical' });
    expect(crit.total).toBe(2);
    expect(crit.items.every((f) => f.severity === 'critical')).toBe(true);
    const custody = cases.custody(c.id);
    expect(custody.filter((l) => l.action === 'scan')).toHaveLength(2);
    expect(custody.filter((l) => l.action === 'triage').map((l) => l.actor)).toEqual(['bob', 'carol']);
  });

  it('stores evidence once by hash, with who/when/how, and reads it back', () => {
    const c = cases.create('evidence');
    const a = cases.addEvidence(c.id, 'root:x:0:0::/root:/bin/sh\n', {
      kind: 'file',
      sourceCall: 'archive:/etc/passwd',
      engineId: 'local',
      containerId: 'abc',
    });
    const b = cases.addEvidence(c.id, 'root:x:0:0::/root:/bin/sh\n', {
      kind: 'file',
      sourceCall: 'host:/var/lib/docker/x/etc/passwd',
      engineId: 'local',
    });
    expect(a.sha256).toBe(b.sha256);
    expect(a.collectedBy).toBe('alice');
    expect(cases.listEvidence(c.id)).toHaveLength(2);
    expect(cases.readEvidence(c.id, a.sha256).toString()).toContain('root:x:0:0');
  });

  it('enforces append-only custody, evidence and triage history in the database itself', () => {
    const c = cases.create('append-only');
    cases.addNote(c.id, 'first note');
    expect(() => cases.db.prepare('UPDATE custody SET detail = ? WHERE case_id = ?').run('rewritten', c.id)).toThrow(
      /append-only/,
    );
    expect(() => cases.db.prepare('DELETE FROM custody WHERE case_id = ?').run(c.id)).toThrow(/append-only/);
    cases.addEvidence(c.id, 'x', { kind: 'file', sourceCall: 'archive:/x', engineId: 'local' });
    expect(() => cases.db.prepare('DELETE FROM evidence').run()).toThrow(/append-only/);
  });

  it('verify recomputes hashes: a tampered blob and a rewritten custody line are caught', async () => {
    const c = cases.create('verify');
    const item = cases.addEvidence(c.id, 'evidence bytes', {
      kind: 'file',
      sourceCall: 'archive:/e',
      engineId: 'local',
    });
    cases.addScan(c.id, makeScan(makeFindings(3)));
    const ok = await cases.verify(c.id);
    expect(ok.ok).toBe(true);
    expect(ok.checked).toBeGreaterThanOrEqual(2);

    writeFileSync(cases.blobs.pathOf(item.sha256), 'evidence bytez');
    const bad = await cases.verify(c.id);
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual([expect.objectContaining({ kind: 'hash-mismatch', sha256: item.sha256 })]);

    // Someone with the file and sqlite3 drops the trigger and edits a line: the hash chain shows it.
    const raw = new Database(path.join(store.dir, 'cases.db'));
    raw.exec('DROP TRIGGER custody_no_update');
    raw.prepare("UPDATE custody SET detail = 'nothing happened' WHERE action = 'scan'").run();
    raw.close();
    const chain = await cases.verify(c.id);
    expect(chain.problems.map((p) => p.kind)).toContain('custody-chain');
  });

  it('restores a damaged blob when the same bytes arrive again, and says so in the custody log', async () => {
    const a = cases.create('first');
    const item = cases.addEvidence(a.id, 'shared bytes', { kind: 'file', sourceCall: 'archive:/s', engineId: 'local' });
    writeFileSync(cases.blobs.pathOf(item.sha256), 'shared bytes, altered');
    expect((await cases.verify(a.id)).problems.map((p) => p.kind)).toEqual(['hash-mismatch']);
    // A second case brings the same content: its evidence must verify, and the store's copy is good again.
    const b = cases.create('second');
    cases.addEvidence(b.id, 'shared bytes', { kind: 'file', sourceCall: 'archive:/s', engineId: 'local' });
    expect((await cases.verify(b.id)).ok).toBe(true);
    expect((await cases.verify(a.id)).ok).toBe(true);
    expect(
      cases
        .custody(b.id)
        .some(
          (l) => l.action === 'evidence' && l.detail.includes(`blob ${item.sha256}`) && l.detail.includes('restored'),
        ),
    ).toBe(true);
    // An intact blob is not rewritten or logged again.
    cases.addEvidence(b.id, 'shared bytes', { kind: 'file', sourceCall: 'archive:/s2', engineId: 'local' });
    expect(cases.custody(b.id).filter((l) => l.detail.includes('restored'))).toHaveLength(1);
  });

  it('refuses evidence changes in read-only (imported) cases but allows notes', () => {
    const c = cases.create('imported', 'alice', { readOnly: true, source: '/tmp/x.tar.gz' });
    expect(() => cases.addScan(c.id, makeScan(makeFindings(1)))).toThrow(/read-only/);
    expect(() => cases.addEvidence(c.id, 'x', { kind: 'file', sourceCall: 's', engineId: 'e' })).toThrow(/read-only/);
    expect(cases.addNote(c.id, 'looked at it').markdown).toBe('looked at it');
  });

  it('keeps allowlist entries with revisions, validated in the detectors format, and logs them', () => {
    const c = cases.create('allowlist');
    const v1 = cases.addSuppression(c.id, {
      id: 'ci-runner',
      reason: 'CI runs docker in docker',
      detectors: ['dangerous-capabilities'],
      match: { container: 'ci-*' },
    });
    expect(v1.version).toBe(1);
    expect(v1.owner).toBe('alice');
    const v2 = cases.addSuppression(
      c.id,
      {
        id: 'ci-runner',
        reason: 'only low and medium',
        detectors: ['dangerous-capabilities'],
        match: { container: 'ci-*' },
        maxSeverity: 'medium',
      },
      'bob',
    );
    expect(v2.version).toBe(2);
    expect(cases.suppressions(c.id)).toEqual([v2]);
    expect(() => cases.addSuppression(c.id, { id: 'Bad Id', reason: 'x', detectors: ['*'], match: {} })).toThrow(
      /Invalid suppression/,
    );
    expect(() => cases.db.prepare('DELETE FROM case_suppressions').run()).toThrow(/append-only/);
    expect(
      cases
        .custody(c.id)
        .filter((l) => l.action === 'suppress')
        .map((l) => l.detail),
    ).toEqual([expect.stringContaining('ci-runner@v1'), expect.stringContaining('ci-runner@v2')]);
  });

  it('keeps findings an allowlist hid, marked suppressed', () => {
    const c = cases.create('hidden');
    const [shown, hidden] = makeFindings(2);
    cases.addScan(c.id, makeScan([shown!]), undefined, { suppressed: [{ ...hidden!, suppressedBy: 'ci-runner@v1' }] });
    const s = cases.findings(c.id, { state: 'suppressed' });
    expect(s.items.map((f) => [f.id, f.suppressedBy])).toEqual([[hidden!.id, 'ci-runner@v1']]);
  });

  it('resolves the data directory per platform', () => {
    expect(resolveDataDir({ STOWAWAY_DATA_DIR: '/d' }, 'linux', '/h')).toBe('/d');
    expect(resolveDataDir({}, 'linux', '/h')).toBe('/h/.local/share/stowaway');
    expect(resolveDataDir({ XDG_DATA_HOME: '/x' }, 'linux', '/h')).toBe('/x/stowaway');
    expect(resolveDataDir({}, 'darwin', '/h')).toBe('/h/Library/Application Support/Stowaway');
    expect(resolveDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32', '/h')).toContain('Stowaway');
  });
});
