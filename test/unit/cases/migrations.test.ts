import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openCaseDb } from '../../../electron/engine/cases/case-db.js';
import { LATEST_VERSION, migrate, schemaVersion } from '../../../electron/engine/cases/migrations.js';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { tempDataDir } from '../../helpers/case-fixtures.js';

describe('case database migrations', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => (tmp = tempDataDir()));
  afterEach(() => tmp.cleanup());

  it('builds the latest schema from an empty file, with WAL and foreign keys', () => {
    const db = openCaseDb(path.join(tmp.dir, 'cases.db'));
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>
    ).map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'cases',
        'engines',
        'scans',
        'containers',
        'findings',
        'finding_history',
        'notes',
        'evidence',
        'suppressions',
        'custody',
      ]),
    );
    expect(() =>
      db
        .prepare(
          "INSERT INTO scans (id, case_id, engine_id, scanned_at, duration_ms, result_sha256, container_count, finding_count, error_count) VALUES ('s', 'no-such-case', 'e', 't', 1, 'h', 0, 0, 0)",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('upgrades a version-1 database that holds data, keeping every row', () => {
    const file = path.join(tmp.dir, 'cases.db');
    const old = openCaseDb(file, { migrateTo: 1 });
    expect(schemaVersion(old)).toBe(1);
    old
      .prepare(
        "INSERT INTO cases (id, name, status, created_at, updated_at) VALUES ('c1', 'legacy case', 'open', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
      )
      .run();
    old
      .prepare(
        "INSERT INTO custody (case_id, at, actor, action, detail) VALUES ('c1', '2025-01-01T00:00:00Z', 'old', 'create', 'created')",
      )
      .run();
    old.close();

    const cases = new CaseService(tmp.dir, 'alice');
    expect(schemaVersion(cases.db)).toBe(LATEST_VERSION);
    const c = cases.get('c1');
    expect(c.name).toBe('legacy case');
    expect(c.readOnly).toBe(false);
    cases.addNote('c1', 'after upgrade');
    expect(cases.custody('c1').map((l) => l.action)).toEqual(['create', 'note']);
    const idx = (
      cases.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'findings_triage'").get() as
        { name: string } | undefined
    )?.name;
    expect(idx).toBe('findings_triage');
    cases.dispose();
  });

  it('re-keys the findings of a version-4 database by case and scan keys, keeping triage state and every row', () => {
    const file = path.join(tmp.dir, 'cases.db');
    const old = openCaseDb(file, { migrateTo: 4 });
    const t = '2025-01-01T00:00:00Z';
    for (const c of ['c1', 'c2']) {
      old
        .prepare("INSERT INTO cases (id, name, status, created_at, updated_at) VALUES (?, ?, 'open', ?, ?)")
        .run(c, `case ${c}`, t, t);
      old
        .prepare(
          "INSERT INTO scans (id, case_id, engine_id, scanned_at, duration_ms, result_sha256, container_count, finding_count, error_count) VALUES (?, ?, 'e', ?, 1, 'h', 0, 2, 0)",
        )
        .run(`s-${c}`, c, t);
    }
    const ins = old.prepare(
      `INSERT INTO findings (case_id, id, scan_id, detector, title, severity, severity_rank, attack, kind, summary, evidence, state, suppressed_by)
       VALUES (?, ?, ?, 'd', ?, ?, ?, '["T1610"]', 'state', 's', '[]', ?, ?)`,
    );
    // The same finding id in two cases must stay two findings.
    ins.run('c1', 'f1', 's-c1', 'one', 'high', 2, 'confirmed', null);
    old.prepare(`UPDATE findings SET attack = '["T1610","T1222.002"]' WHERE id = 'f1' AND case_id = 'c1'`).run();
    ins.run('c1', 'f2', 's-c1', 'two', 'low', 0, 'suppressed', 'bob');
    ins.run('c2', 'f1', 's-c2', 'other', 'critical', 3, 'new', null);
    old.close();

    const cases = new CaseService(tmp.dir, 'alice');
    expect(schemaVersion(cases.db)).toBe(LATEST_VERSION);
    expect(cases.findings('c1').items.map((f) => [f.id, f.title, f.state, f.suppressedBy])).toEqual([
      ['f1', 'one', 'confirmed', undefined],
      ['f2', 'two', 'suppressed', 'bob'],
    ]);
    expect(cases.findings('c1').items.map((f) => [f.severity, f.attack])).toEqual([
      ['high', ['T1610', 'T1222.002']],
      ['low', ['T1610']],
    ]);
    expect(cases.findings('c2', { severity: 'critical' }).items.map((f) => f.title)).toEqual(['other']);
    expect(cases.get('c1').findingCount).toBe(2);
    // New cases and scans continue the key sequence; the keys are enforced as foreign keys.
    const c3 = cases.create('after upgrade');
    const keys = cases.db.prepare('SELECT key FROM cases ORDER BY key').all() as Array<{ key: number }>;
    expect(new Set(keys.map((k) => k.key)).size).toBe(3);
    expect(() =>
      cases.db
        .prepare(
          "INSERT INTO findings (case_key, id, scan_key, detector, title, severity_rank, attack, kind, summary, evidence) VALUES (999, 'x', 1, 'd', 't', 0, '', 'state', 's', '[]')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    expect(cases.findings(c3.id).total).toBe(0);
    cases.dispose();
  });

  it('refuses a database written by a newer version instead of guessing', () => {
    const file = path.join(tmp.dir, 'cases.db');
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 5}`);
    expect(() => migrate(db)).toThrow(/newer than this Stowaway knows/);
    db.close();
    expect(() => new CaseService(tmp.dir, 'a')).toThrow(/Cannot open the case database/);
  });
});
