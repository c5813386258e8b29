import type Database from 'better-sqlite3';
import { SEVERITIES, severityRank, type Finding, type Severity, type TriageState } from '@shared/domain/finding.js';
import { withDeferredCheckpoint } from './case-db.js';

export interface FindingQuery {
  severity?: Severity;
  state?: TriageState;
  containerId?: string;
  limit?: number;
  offset?: number;
}

interface FindingRow {
  id: string;
  detector: string;
  title: string;
  severity_rank: number;
  attack: string;
  kind: Finding['kind'];
  engine_id: string | null;
  container_id: string | null;
  container_name: string | null;
  summary: string;
  evidence: string;
  first_seen: string | null;
  state: TriageState;
  suppressed_by: string | null;
  subject: string | null;
}

const INSERT_COLUMNS =
  'case_key, id, scan_key, detector, title, severity_rank, attack, kind, engine_id, container_id, container_name, summary, evidence, first_seen, state, suppressed_by, subject';
const INSERT_PARAMS = '?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?';

/** The cause and the Kubernetes workload, kept together as JSON: both are optional and rarely queried. */
export function subjectOf(f: Finding): string | null {
  if (!f.cause && !f.workload) return null;
  return JSON.stringify({ ...(f.cause ? { cause: f.cause } : {}), ...(f.workload ? { workload: f.workload } : {}) });
}
/** Below this a scan's findings go through the upsert; above it loading without indexes may pay off. */
const BULK_LOAD_MIN = 10_000;

/** Runs an insert of INSERT_COLUMNS for each finding. */
function insertEach(stmt: Database.Statement, ck: number, sk: number, findings: Finding[]): void {
  for (const f of findings) {
    // Positional arguments, not an array or named parameters: at 100k rows binding is a third of the cost.
    stmt.run(
      ck,
      f.id,
      sk,
      f.detector,
      f.title,
      severityRank(f.severity),
      // A join, not JSON: ids cannot contain a comma, and this is measurably cheaper per row.
      f.attack.join(','),
      f.kind,
      f.engineId ?? null,
      f.container?.id ?? null,
      f.container?.name ?? null,
      f.summary,
      JSON.stringify(f.evidence),
      f.firstSeen ?? null,
      f.state ?? 'new',
      f.suppressedBy ?? null,
      subjectOf(f),
    );
  }
}

const COLUMNS =
  'id, detector, title, severity_rank, attack, kind, engine_id, container_id, container_name, summary, evidence, first_seen, state, suppressed_by, subject';

function toFinding(r: FindingRow): Finding {
  const subject = r.subject ? (JSON.parse(r.subject) as Pick<Finding, 'cause' | 'workload'>) : {};
  return {
    ...subject,
    id: r.id,
    detector: r.detector,
    title: r.title,
    severity: SEVERITIES[r.severity_rank]!,
    attack: r.attack ? r.attack.split(',') : [],
    kind: r.kind,
    engineId: r.engine_id ?? undefined,
    container: r.container_id ? { id: r.container_id, name: r.container_name ?? '' } : undefined,
    evidence: JSON.parse(r.evidence) as Finding['evidence'],
    summary: r.summary,
    firstSeen: r.first_seen ?? undefined,
    state: r.state,
    suppressedBy: r.suppressed_by ?? undefined,
  };
}

/**
 * The findings table of the case database. Rows are keyed by the case's and scan's integer keys rather than
 * their UUIDs (see migration 5); callers speak in ids and this module does the translation. Existence checks,
 * custody and triage history stay with the case service.
 */
export class FindingStore {
  constructor(private readonly db: Database.Database) {}

  private caseKey(caseId: string): number {
    const r = this.db.prepare('SELECT key FROM cases WHERE id = ?').get(caseId) as { key: number } | undefined;
    // Unknown ids map to a key no case has: reads find nothing, inserts fail the foreign key.
    return r?.key ?? -1;
  }

  private scanKey(scanId: string): number {
    const r = this.db.prepare('SELECT key FROM scans WHERE id = ?').get(scanId) as { key: number } | undefined;
    return r?.key ?? -1;
  }

  /** Bulk insert used by scans (and benchmarks): triage state of known findings survives a rescan. */
  upsert(caseId: string, scanId: string, findings: Finding[]): void {
    const run = () => {
      const ck = this.caseKey(caseId);
      const sk = this.scanKey(scanId);
      if (this.canLoadWithoutIndexes(ck, findings)) this.loadWithoutIndexes(ck, sk, findings);
      else this.upsertRows(ck, sk, findings);
    };
    if (this.db.inTransaction) run();
    else withDeferredCheckpoint(this.db, () => this.db.transaction(run)());
  }

  private upsertRows(ck: number, sk: number, findings: Finding[]): void {
    const stmt = this.db.prepare(
      `INSERT INTO findings (${INSERT_COLUMNS}) VALUES (${INSERT_PARAMS})
       ON CONFLICT(case_key, id) DO UPDATE SET scan_key = excluded.scan_key, title = excluded.title, severity_rank = excluded.severity_rank,
         attack = excluded.attack, summary = excluded.summary, evidence = excluded.evidence, container_name = excluded.container_name, subject = excluded.subject,
         first_seen = coalesce(findings.first_seen, excluded.first_seen)`,
    );
    insertEach(stmt, ck, sk, findings);
  }

  /**
   * A large first scan into a case whose findings would outnumber every finding already stored: appending the
   * rows and then building the indexes in one sorted pass costs about half of maintaining them row by row.
   * Nothing in the case can conflict, so a plain insert means the same as the upsert, unless the batch
   * repeats an id: then building the unique index fails and the batch goes through the upsert instead.
   */
  private canLoadWithoutIndexes(ck: number, findings: Finding[]): boolean {
    if (findings.length < BULK_LOAD_MIN) return false;
    if (this.db.prepare('SELECT 1 FROM findings WHERE case_key = ? LIMIT 1').get(ck)) return false;
    const stored = (this.db.prepare('SELECT count(*) AS n FROM findings').get() as { n: number }).n;
    return stored <= findings.length;
  }

  private loadWithoutIndexes(ck: number, sk: number, findings: Finding[]): void {
    // Recreate exactly the indexes the schema has, whichever migration made them.
    const indexes = this.db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'findings' AND sql IS NOT NULL")
      .all() as Array<{ name: string; sql: string }>;
    this.db.exec('SAVEPOINT bulk_findings');
    try {
      for (const i of indexes) this.db.exec(`DROP INDEX "${i.name.replaceAll('"', '""')}"`);
      insertEach(
        this.db.prepare(`INSERT INTO findings (${INSERT_COLUMNS}) VALUES (${INSERT_PARAMS})`),
        ck,
        sk,
        findings,
      );
      for (const i of indexes) this.db.exec(i.sql);
      this.db.exec('RELEASE bulk_findings');
    } catch (e) {
      this.db.exec('ROLLBACK TO bulk_findings');
      this.db.exec('RELEASE bulk_findings');
      if (!/UNIQUE constraint failed/.test((e as Error).message)) throw e;
      this.upsertRows(ck, sk, findings);
    }
  }

  get(caseId: string, findingId: string): Finding | undefined {
    const r = this.db
      .prepare(`SELECT ${COLUMNS} FROM findings WHERE case_key = ? AND id = ?`)
      .get(this.caseKey(caseId), findingId) as FindingRow | undefined;
    return r && toFinding(r);
  }

  has(caseId: string, findingId: string): boolean {
    return !!this.db
      .prepare('SELECT 1 FROM findings WHERE case_key = ? AND id = ?')
      .get(this.caseKey(caseId), findingId);
  }

  /** One page of the triage list (worst first) and the number of findings the filter matches. */
  query(caseId: string, q: FindingQuery = {}): { total: number; items: Finding[] } {
    const where = ['case_key = @caseKey'];
    // Severity filters on its rank, which the triage index holds; the text column is for reading.
    if (q.severity) where.push('severity_rank = @rank');
    if (q.state) where.push('state = @state');
    if (q.containerId) where.push('container_id = @containerId');
    const params = {
      caseKey: this.caseKey(caseId),
      rank: q.severity ? severityRank(q.severity) : undefined,
      state: q.state,
      containerId: q.containerId,
      limit: q.limit ?? 1000,
      offset: q.offset ?? 0,
    };
    const clause = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM findings WHERE ${clause}`).get(params) as { n: number })
      .n;
    const rows = this.db
      .prepare(
        `SELECT ${COLUMNS} FROM findings WHERE ${clause} ORDER BY severity_rank DESC, id LIMIT @limit OFFSET @offset`,
      )
      .all(params) as FindingRow[];
    return { total, items: rows.map(toFinding) };
  }

  all(caseId: string): Finding[] {
    return (
      this.db
        .prepare(`SELECT ${COLUMNS} FROM findings WHERE case_key = ? ORDER BY severity_rank DESC, id`)
        .all(this.caseKey(caseId)) as FindingRow[]
    ).map(toFinding);
  }

  /** Changes triage state only; the caller records history and custody in the same transaction. */
  setState(caseId: string, findingId: string, state: TriageState, suppressedBy: string | null): void {
    this.db
      .prepare('UPDATE findings SET state = ?, suppressed_by = ? WHERE case_key = ? AND id = ?')
      .run(state, suppressedBy, this.caseKey(caseId), findingId);
  }
}
