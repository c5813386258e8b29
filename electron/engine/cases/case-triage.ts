import { AppError } from '@shared/errors.js';
import type { Finding, TriageState } from '@shared/domain/finding.js';
import type { TriageChange } from '@shared/api/cases.js';
import { appendCustody, now, type CaseCore } from './case-core.js';
import { FindingStore, type FindingQuery } from './finding-store.js';
import { fromRows } from './rows.js';

/** A case's findings and the analyst's judgement of them: every change of state is in their history and in custody. */
export class CaseTriage {
  private readonly rows: FindingStore;

  constructor(private readonly core: CaseCore) {
    this.rows = new FindingStore(core.db);
  }

  findings(caseId: string, q: FindingQuery = {}): { total: number; items: Finding[] } {
    this.core.requireCase(caseId);
    return this.rows.query(caseId, q);
  }

  allFindings(caseId: string): Finding[] {
    return this.rows.all(caseId);
  }

  hasFinding(caseId: string, findingId: string): boolean {
    return this.rows.has(caseId, findingId);
  }

  /** Bulk insert used by scans (and benchmarks): triage state of known findings survives a rescan. */
  upsertFindings(caseId: string, scanId: string, findings: Finding[]): void {
    this.rows.upsert(caseId, scanId, findings);
  }

  /** Allowlisted findings first seen in this scan arrive suppressed, and their history says so. */
  addSuppressedFindings(caseId: string, scanId: string, suppressed: Finding[], actor: string): void {
    const known = new Set(suppressed.filter((f) => this.rows.has(caseId, f.id)).map((f) => f.id));
    this.upsertFindings(
      caseId,
      scanId,
      suppressed.map((f) => ({ ...f, state: 'suppressed' as const })),
    );
    const hist = this.core.db.prepare(
      "INSERT INTO finding_history (case_id, finding_id, at, actor, from_state, to_state, reason) VALUES (?, ?, ?, ?, 'new', 'suppressed', ?)",
    );
    const at = now();
    for (const f of suppressed)
      if (!known.has(f.id)) hist.run(caseId, f.id, at, actor, `allowlist ${f.suppressedBy ?? ''}`.trim());
  }

  setFindingState(
    caseId: string,
    findingId: string,
    state: TriageState,
    reason: string | undefined,
    actor: string,
  ): Finding {
    this.core.requireOpen(caseId, 'triage findings');
    const row = this.rows.get(caseId, findingId);
    if (!row) throw new AppError('NOT_FOUND', `No finding ${findingId.slice(0, 128)} in this case`);
    if (row.state === state) return row;
    const from = row.state ?? 'new';
    this.core.write(caseId, () => {
      const at = now();
      this.rows.setState(caseId, findingId, state, state === 'suppressed' ? actor : null);
      this.core.db
        .prepare(
          'INSERT INTO finding_history (case_id, finding_id, at, actor, from_state, to_state, reason) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(caseId, findingId, at, actor, from, state, reason ?? null);
      appendCustody(
        this.core.db,
        caseId,
        'triage',
        `finding ${findingId} (${row.title}): ${from} -> ${state}${reason ? `: ${reason}` : ''}`,
        actor,
        at,
      );
      this.core.touch(caseId);
    });
    return this.rows.get(caseId, findingId)!;
  }

  history(caseId: string, findingId?: string): TriageChange[] {
    const columns = 'seq, finding_id, at, actor, from_state AS "from", to_state AS "to", reason';
    const db = this.core.db;
    return fromRows<TriageChange>(
      findingId
        ? db
            .prepare(`SELECT ${columns} FROM finding_history WHERE case_id = ? AND finding_id = ? ORDER BY seq`)
            .all(caseId, findingId)
        : db.prepare(`SELECT ${columns} FROM finding_history WHERE case_id = ? ORDER BY seq`).all(caseId),
    );
  }
}
