import { beforeEach, describe, expect, it } from 'vitest';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { findingId } from '../../../electron/engine/detect/finding-id.js';
import type { Finding } from '@shared/domain/finding.js';
import { makeFindings, makeScan } from '../../helpers/case-fixtures.js';
import { freshCaseStore } from '../../helpers/case-store.js';

// Large enough for the load-then-index path (finding-store.ts), with ids shaped like the detectors' own.
const N = 12_000;
const scanFindings = (n: number, salt = ''): Finding[] =>
  makeFindings(n).map((f) => ({
    ...f,
    id: findingId(f.detector, 'local', f.container?.id, salt + f.evidence[0]!.ref),
  }));

describe('finding store at scan scale', () => {
  const store = freshCaseStore();
  let cases: CaseService;
  const indexSql = () =>
    cases.db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'findings' ORDER BY name")
      .all();
  beforeEach(() => (cases = store.cases));

  it('loads a large first scan with the same indexes and the same answers as row-by-row upserts', () => {
    const before = indexSql();
    const findings = scanFindings(N);
    const a = cases.create('bulk');
    cases.addScan(a.id, makeScan(findings));
    expect(indexSql()).toEqual(before);
    expect(cases.db.pragma('integrity_check', { simple: true })).toBe('ok');
    // A second case now goes row by row (its findings do not outnumber those stored): both must agree.
    const b = cases.create('row by row');
    cases.addScan(b.id, makeScan(findings));
    const strip = (fs: Finding[]) => fs.map((f) => JSON.stringify(f));
    expect(strip(cases.allFindings(a.id))).toEqual(strip(cases.allFindings(b.id)));
    expect(cases.findings(a.id, { severity: 'high' }).total).toBe(N / 4);
    expect(cases.findings(a.id, { containerId: findings[1]!.container!.id }).total).toBe(N / 50);
    expect(cases.get(a.id).findingCount).toBe(N);
    // The unique index is back: the same id cannot be stored twice in a case.
    expect(() => cases.db.prepare('INSERT INTO findings SELECT * FROM findings WHERE rowid = 1').run()).toThrow(
      /UNIQUE/,
    );
  });

  it('falls back to the upsert when a large batch repeats an id, with upsert semantics', () => {
    const findings = scanFindings(N);
    const dup = { ...findings[10]!, title: 'second sighting', state: 'confirmed' as const };
    const c = cases.create('dups');
    cases.addScan(c.id, makeScan([...findings, dup]));
    expect(cases.get(c.id).findingCount).toBe(N);
    const stored = cases.allFindings(c.id).find((f) => f.id === dup.id)!;
    // The later row updates the content; triage state stays as first recorded.
    expect(stored.title).toBe('second sighting');
    expect(stored.state).toBe('new');
    expect(cases.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('keeps triage through a large rescan of the same case', () => {
    const findings = scanFindings(N);
    const c = cases.create('rescan');
    cases.addScan(c.id, makeScan(findings));
    cases.setFindingState(c.id, findings[5]!.id, 'confirmed', 'seen');
    cases.addScan(c.id, makeScan([...findings, ...scanFindings(100, 'new:')]));
    expect(cases.get(c.id).findingCount).toBe(N + 100);
    expect(cases.findings(c.id, { state: 'confirmed' }).items.map((f) => f.id)).toEqual([findings[5]!.id]);
  });
});
