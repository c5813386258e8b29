import type Database from 'better-sqlite3';

/**
 * Forward-only schema migrations. A database records the highest applied version in `user_version`;
 * opening it applies the rest in order, each in its own transaction, so a crash mid-upgrade leaves the
 * previous version intact. Never edit a shipped migration: add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Tables whose rows are a record of what happened: updates and deletes are refused by the database itself. */
const appendOnly = (table: string) => `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;
CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'cases, scans, findings, notes, evidence, custody',
    sql: `
CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed', 'archived')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE engines (
  case_id TEXT NOT NULL REFERENCES cases(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  server_version TEXT,
  PRIMARY KEY (case_id, id)
);
CREATE TABLE scans (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  engine_id TEXT NOT NULL,
  scanned_at TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  result_sha256 TEXT NOT NULL,
  evidence_sha256 TEXT,
  container_count INTEGER NOT NULL,
  finding_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL
);
CREATE TABLE containers (
  scan_id TEXT NOT NULL REFERENCES scans(id),
  case_id TEXT NOT NULL REFERENCES cases(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  image TEXT NOT NULL,
  state TEXT NOT NULL,
  risk REAL NOT NULL,
  evidence_sha256 TEXT,
  PRIMARY KEY (scan_id, id)
);
CREATE TABLE findings (
  case_id TEXT NOT NULL REFERENCES cases(id),
  id TEXT NOT NULL,
  scan_id TEXT NOT NULL REFERENCES scans(id),
  detector TEXT NOT NULL,
  title TEXT NOT NULL,
  severity TEXT NOT NULL,
  severity_rank INTEGER NOT NULL,
  attack TEXT NOT NULL,
  kind TEXT NOT NULL,
  engine_id TEXT,
  container_id TEXT,
  container_name TEXT,
  summary TEXT NOT NULL,
  evidence TEXT NOT NULL,
  first_seen TEXT,
  state TEXT NOT NULL DEFAULT 'new',
  suppressed_by TEXT,
  PRIMARY KEY (case_id, id)
);
CREATE TABLE finding_history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id TEXT NOT NULL REFERENCES cases(id),
  finding_id TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  reason TEXT
);
CREATE TABLE notes (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  author TEXT NOT NULL,
  created_at TEXT NOT NULL,
  markdown TEXT NOT NULL,
  finding_id TEXT
);
CREATE TABLE evidence (
  case_id TEXT NOT NULL REFERENCES cases(id),
  sha256 TEXT NOT NULL,
  kind TEXT NOT NULL,
  source_call TEXT NOT NULL,
  engine_id TEXT NOT NULL,
  container_id TEXT,
  collected_at TEXT NOT NULL,
  collected_by TEXT NOT NULL,
  collector_version TEXT NOT NULL,
  size INTEGER NOT NULL,
  media_type TEXT NOT NULL,
  PRIMARY KEY (case_id, sha256, source_call)
);
CREATE TABLE suppressions (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  detector TEXT NOT NULL,
  container_pattern TEXT,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TABLE custody (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id TEXT NOT NULL REFERENCES cases(id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
${appendOnly('custody')}
${appendOnly('finding_history')}
${appendOnly('evidence')}
`,
  },
  {
    version: 2,
    name: 'read-only imported cases; custody hash chain',
    sql: `
ALTER TABLE cases ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN source TEXT;
-- Each custody line carries the hash of its predecessor, so removing or rewriting a line
-- (with the database opened by another tool, triggers dropped) shows in verification.
ALTER TABLE custody ADD COLUMN prev_hash TEXT;
ALTER TABLE custody ADD COLUMN hash TEXT;
`,
  },
  {
    version: 3,
    name: 'indexes for triage queries',
    sql: `
-- One index serves the triage list (worst first). Filters on state or container scan a case's rows
-- in that order, which stays fast at 100k findings, while every extra index slows bulk inserts of a scan.
CREATE INDEX findings_by_severity ON findings (case_id, severity_rank DESC, id);
CREATE INDEX custody_by_case ON custody (case_id, seq);
CREATE INDEX history_by_finding ON finding_history (case_id, finding_id, seq);
CREATE INDEX evidence_by_case ON evidence (case_id, collected_at);
CREATE INDEX containers_by_case ON containers (case_id, id);
`,
  },
  {
    version: 4,
    name: 'case allowlist entries in the detectors suppression format, with revisions',
    sql: `
-- Each revision of an entry is a new row: the allowlist's history is evidence of what was hidden and why.
CREATE TABLE case_suppressions (
  case_id TEXT NOT NULL REFERENCES cases(id),
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (case_id, id, version)
);
${appendOnly('case_suppressions')}
`,
  },
  {
    version: 5,
    name: 'compact findings keyed by integer case and scan keys, with a covering triage index',
    sql: `
-- A scan can bring 100k findings. Repeating two 36-character UUIDs in every row and index entry made a
-- quarter of the bytes each bulk insert writes and syncs; small integer keys carry the same relation.
-- rowid is not a stable key (VACUUM may renumber it), so the keys are columns of their own.
ALTER TABLE cases ADD COLUMN key INTEGER;
UPDATE cases SET key = rowid;
CREATE UNIQUE INDEX cases_by_key ON cases (key);
ALTER TABLE scans ADD COLUMN key INTEGER;
UPDATE scans SET key = rowid;
CREATE UNIQUE INDEX scans_by_key ON scans (key);
-- Uniqueness of (case_key, id) is a named index rather than a table constraint, so a large first scan can
-- load rows without it and build it once afterwards (see finding-store.ts).
CREATE TABLE findings_v5 (
  case_key INTEGER NOT NULL REFERENCES cases(key),
  id TEXT NOT NULL,
  scan_key INTEGER NOT NULL REFERENCES scans(key),
  detector TEXT NOT NULL,
  title TEXT NOT NULL,
  -- 0 low .. 3 critical; the severity's name is not stored twice.
  severity_rank INTEGER NOT NULL CHECK (severity_rank BETWEEN 0 AND 3),
  -- ATT&CK ids joined by commas (ids are T1234 or T1234.001, so the separator cannot occur in one).
  attack TEXT NOT NULL,
  kind TEXT NOT NULL,
  engine_id TEXT,
  container_id TEXT,
  container_name TEXT,
  summary TEXT NOT NULL,
  evidence TEXT NOT NULL,
  first_seen TEXT,
  state TEXT NOT NULL DEFAULT 'new',
  suppressed_by TEXT
);
-- Outer joins: a finding without its case or scan fails NOT NULL and aborts the upgrade instead of vanishing.
INSERT INTO findings_v5
  SELECT c.key, f.id, s.key, f.detector, f.title, f.severity_rank,
         coalesce((SELECT group_concat(value, ',') FROM json_each(f.attack)), ''), f.kind, f.engine_id, f.container_id,
         f.container_name, f.summary, f.evidence, f.first_seen, f.state, f.suppressed_by
  FROM findings f LEFT JOIN cases c ON c.id = f.case_id LEFT JOIN scans s ON s.id = f.scan_id
  ORDER BY c.key, f.id;
DROP TABLE findings;
ALTER TABLE findings_v5 RENAME TO findings;
CREATE UNIQUE INDEX findings_by_id ON findings (case_key, id);
-- The triage list reads this index in order; filters on state or container and their counts are answered
-- from the index alone, without visiting the rows.
CREATE INDEX findings_triage ON findings (case_key, severity_rank DESC, id, state, container_id);
`,
  },
  {
    version: 6,
    name: 'signed case seals; numbered evidence and notes; append-only notes; triage backfilled into history',
    sql: `
-- The seal (see case-seal.ts) and its Ed25519 signature; the seal is written by the case service, not here,
-- because signing needs the installation key.
ALTER TABLE cases ADD COLUMN seal TEXT;
ALTER TABLE cases ADD COLUMN seal_sig TEXT;
-- Chains follow write order; rowid is not a stable order (VACUUM may renumber), so the order is a column.
DROP TRIGGER evidence_no_update;
ALTER TABLE evidence ADD COLUMN seq INTEGER;
UPDATE evidence SET seq = rowid;
CREATE INDEX evidence_by_seq ON evidence (case_id, seq);
CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
-- An edited note is a new row that supersedes the old one; nothing rewrites a note.
ALTER TABLE notes ADD COLUMN seq INTEGER;
ALTER TABLE notes ADD COLUMN supersedes TEXT;
UPDATE notes SET seq = rowid;
CREATE INDEX notes_by_seq ON notes (case_id, seq);
${appendOnly('notes')}
-- Findings hidden by an allowlist are kept as evidence of their own, so every finding row can be checked
-- against the scan that brought it.
ALTER TABLE scans ADD COLUMN suppressed_sha256 TEXT;
CREATE TRIGGER scans_no_update BEFORE UPDATE ON scans BEGIN SELECT RAISE(ABORT, 'scans is append-only'); END;
CREATE TRIGGER scans_no_delete BEFORE DELETE ON scans BEGIN SELECT RAISE(ABORT, 'scans is append-only'); END;
CREATE TRIGGER findings_no_delete BEFORE DELETE ON findings BEGIN SELECT RAISE(ABORT, 'findings are never deleted'); END;
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases BEGIN SELECT RAISE(ABORT, 'cases are never deleted'); END;
-- Triage state is the last entry of a finding's history. States set before that rule (allowlisted at scan
-- time) become history entries now, so the projection holds for older cases too.
INSERT INTO finding_history (case_id, finding_id, at, actor, from_state, to_state, reason)
  SELECT c.id, f.id, c.updated_at, 'stowaway',
         coalesce((SELECT h.to_state FROM finding_history h WHERE h.case_id = c.id AND h.finding_id = f.id ORDER BY h.seq DESC LIMIT 1), 'new'),
         f.state, 'state recorded before triage history was required (schema 6)'
  FROM findings f JOIN cases c ON c.key = f.case_key
  WHERE coalesce((SELECT h.to_state FROM finding_history h WHERE h.case_id = c.id AND h.finding_id = f.id ORDER BY h.seq DESC LIMIT 1), 'new') != f.state;
`,
  },
  {
    version: 7,
    name: 'who signed an imported bundle',
    sql: `
-- For a case imported from a bundle: whether the bundle's signature verified, and the key's fingerprint (JSON).
ALTER TABLE cases ADD COLUMN bundle_signer TEXT;
`,
  },
  {
    version: 8,
    name: 'what a finding was raised for, and its Kubernetes workload',
    sql: `
-- JSON {cause?, workload?}: informational findings group by cause, and cluster findings name their workload, in a case too.
ALTER TABLE findings ADD COLUMN subject TEXT;
`,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies pending migrations up to `target` (default: all). Refuses a database newer than this build. */
export function migrate(db: Database.Database, target = LATEST_VERSION): number {
  const current = schemaVersion(db);
  if (current > LATEST_VERSION) {
    throw new Error(
      `The case database has schema version ${current}, newer than this Stowaway knows (${LATEST_VERSION}). Update Stowaway.`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return schemaVersion(db);
}
