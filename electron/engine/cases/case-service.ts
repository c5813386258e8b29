import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { AppError, isAppError } from '@shared/errors.js';
import type { CustodyEntry, Note } from '@shared/domain/case.js';
import type { EvidenceItem } from '@shared/domain/evidence.js';
import type { Finding, TriageState } from '@shared/domain/finding.js';
import type { ScanResult } from '@shared/domain/scan.js';
import type { ContainerEvidence, EngineEvidence } from '@shared/domain/evidence-set.js';
import type { CaseContainer, CaseView, TriageChange, VerifyResult } from '@shared/api/cases.js';
import type { Suppression } from '@shared/domain/suppression.js';
import { BlobStore } from './blob-store.js';
import { openCaseDb } from './case-db.js';
import { custodyKey, readCustodyKey, signText, verifyText, type CustodyKey } from './custody-key.js';
import { CHAINS, computeSeal, parseSeal, sealText, type Seal } from './case-seal.js';
import { verifyCase } from './verify-case.js';
import { diskError } from './disk-errors.js';
import { appendCustody, now, type CaseCore, type CustodyAction } from './case-core.js';
import { CaseCustody, type EvidenceMeta, type ScanRecord } from './case-custody.js';
import { CaseTriage } from './case-triage.js';
import { CaseNotes } from './case-notes.js';
import type { FindingQuery } from './finding-store.js';

export type { FindingQuery } from './finding-store.js';
export type { CustodyAction } from './case-core.js';
export type { EvidenceMeta, ScanRecord } from './case-custody.js';

interface CaseRow {
  id: string;
  name: string;
  status: 'open' | 'closed' | 'archived';
  created_at: string;
  updated_at: string;
  read_only: number;
  source: string | null;
  finding_count: number;
  scan_count: number;
  bundle_signer: string | null;
}

/**
 * The case store: one SQLite database plus a content-addressed blob directory in the data directory.
 * Everything an analyst does in a case leaves a custody line; evidence rows, triage history and custody
 * are append-only in the database itself. This class holds the cases and their seals; custody and evidence,
 * triage, and notes with allowlists are its parts (case-custody, case-triage, case-notes).
 */
export class CaseService {
  readonly db: Database.Database;
  readonly blobs: BlobStore;
  private signingKey?: CustodyKey;
  private readonly evidenceLog: CaseCustody;
  private readonly triage: CaseTriage;
  private readonly writing: CaseNotes;

  constructor(
    readonly dataDir: string,
    readonly user: string,
    opts: { migrateTo?: number } = {},
  ) {
    let sealedBefore = true;
    try {
      this.db = openCaseDb(path.join(dataDir, 'cases.db'), {
        ...opts,
        onMigrate: (from, to) => (sealedBefore = from >= 6 || to < 6),
      });
    } catch (e) {
      throw new AppError('DB', `Cannot open the case database in ${dataDir}: ${(e as Error).message}`, undefined, {
        cause: e,
      });
    }
    this.blobs = new BlobStore(path.join(dataDir, 'blobs'));
    const core: CaseCore = {
      db: this.db,
      blobs: this.blobs,
      user,
      write: (caseId, fn, what) => this.write(caseId, fn, what),
      get: (caseId) => this.get(caseId),
      requireCase: (caseId) => this.requireCase(caseId),
      requireOpen: (caseId, what, evidenceChange) => this.requireOpen(caseId, what, evidenceChange),
      touch: (caseId) => this.touch(caseId),
    };
    this.triage = new CaseTriage(core);
    this.evidenceLog = new CaseCustody(core, this.triage);
    this.writing = new CaseNotes(core);
    // Cases of a database that predates seals are sealed once, by the upgrade that adds them: what they held then
    // is what the first seal vouches for. A seal removed later is never replaced, it fails verification.
    if (!sealedBefore) {
      const ids = (this.db.prepare('SELECT id FROM cases WHERE seal IS NULL').all() as Array<{ id: string }>).map(
        (r) => r.id,
      );
      for (const id of ids) this.db.transaction(() => this.reseal(id, true, true))();
    }
  }

  /** The installation key, read (or made) on the first write. */
  key(): CustodyKey {
    return (this.signingKey ??= custodyKey(this.dataDir));
  }

  // ---- seal --------------------------------------------------------------------------------------

  /**
   * Runs a write to a case in one transaction and extends the case's seal with what it added. The new seal is
   * signed only when the seal it extends was validly signed by this installation, matches the case row, and no
   * row was added to the case behind its back; otherwise the seal is written unsigned and verification fails.
   */
  private write<T>(caseId: string, fn: () => T, what = 'this change to the case'): T {
    try {
      // Blobs the write brought into the store go again when it fails: a full disk gets its space back.
      return this.blobs.undoable(() =>
        this.db.transaction(() => {
          const trusted = this.sealTrusted(caseId);
          const r = fn();
          this.reseal(caseId, trusted);
          return r;
        })(),
      );
    } catch (e) {
      throw diskError(e, what);
    }
  }

  private sealTrusted(caseId: string): boolean {
    const row = this.db
      .prepare('SELECT name, status, read_only, seal, seal_sig FROM cases WHERE id = ?')
      .get(caseId) as
      { name: string; status: string; read_only: number; seal: string | null; seal_sig: string | null } | undefined;
    const seal = parseSeal(row?.seal);
    if (!row || !seal || !row.seal_sig) return false;
    const key = this.key();
    if (seal.key !== key.fingerprint || !verifyText(key.publicKey, row.seal!, row.seal_sig)) return false;
    if (seal.name !== row.name || seal.status !== row.status || seal.readOnly !== (row.read_only === 1)) return false;
    return CHAINS.every((c) => this.lastSeq(c, caseId) === seal[c].last);
  }

  private lastSeq(chain: (typeof CHAINS)[number], caseId: string): number {
    const table = { custody: 'custody', evidence: 'evidence', triage: 'finding_history', notes: 'notes' }[chain];
    return (
      this.db.prepare(`SELECT coalesce(max(seq), 0) AS m FROM ${table} WHERE case_id = ?`).get(caseId) as { m: number }
    ).m;
  }

  /** Extends (or, for a new case, starts) the seal; signs it when `trusted`. */
  private reseal(caseId: string, trusted: boolean, fresh = false): void {
    const key = this.key();
    const row = this.db.prepare('SELECT seal FROM cases WHERE id = ?').get(caseId) as { seal: string | null };
    const base = fresh ? undefined : parseSeal(row.seal);
    const seal: Seal = computeSeal(this.db, caseId, key.fingerprint, base);
    const text = sealText(seal);
    this.db
      .prepare('UPDATE cases SET seal = ?, seal_sig = ? WHERE id = ?')
      .run(text, trusted ? signText(key, text) : null, caseId);
  }

  /** The case's seal as stored, with its signature and the public key that checks it: what reports carry. */
  seal(
    caseId: string,
  ): { seal: string; signature: string | null; publicKey: string; keyFingerprint: string } | undefined {
    const row = this.db.prepare('SELECT seal, seal_sig FROM cases WHERE id = ?').get(caseId) as
      { seal: string | null; seal_sig: string | null } | undefined;
    if (!row?.seal) return undefined;
    const key = readCustodyKey(this.dataDir) ?? this.key();
    return { seal: row.seal, signature: row.seal_sig, publicKey: key.publicPem, keyFingerprint: key.fingerprint };
  }

  /** Closes the database; the service is unusable afterwards. */
  dispose(): void {
    if (this.db.open) this.db.close();
  }

  // ---- cases -------------------------------------------------------------------------------------

  private row(id: string): CaseRow | undefined {
    return this.db
      .prepare(
        `SELECT c.*, (SELECT count(*) FROM findings f WHERE f.case_key = c.key) AS finding_count,
                (SELECT count(*) FROM scans s WHERE s.case_id = c.id) AS scan_count
         FROM cases c WHERE c.id = ?`,
      )
      .get(id) as CaseRow | undefined;
  }

  private view(r: CaseRow, currentId = this.currentId()): CaseView {
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      findingCount: r.finding_count,
      readOnly: r.read_only === 1,
      source: r.source ?? undefined,
      current: r.id === currentId,
      scanCount: r.scan_count,
      ...(r.bundle_signer ? { bundleSignature: JSON.parse(r.bundle_signer) as CaseView['bundleSignature'] } : {}),
    };
  }

  list(includeArchived = true): CaseView[] {
    const rows = this.db
      .prepare(
        `SELECT c.*, (SELECT count(*) FROM findings f WHERE f.case_key = c.key) AS finding_count,
                (SELECT count(*) FROM scans s WHERE s.case_id = c.id) AS scan_count
         FROM cases c ${includeArchived ? '' : "WHERE c.status != 'archived'"} ORDER BY c.updated_at DESC, c.id`,
      )
      .all() as CaseRow[];
    const cur = this.currentId();
    return rows.map((r) => this.view(r, cur));
  }

  get(caseId: string): CaseView {
    const r = this.row(caseId);
    if (!r) throw new AppError('NOT_FOUND', `No case ${caseId.slice(0, 128)}`);
    return this.view(r);
  }

  /** Cheap existence check for read paths (get() also counts findings, which costs at 100k rows). */
  private requireCase(caseId: string): void {
    if (!this.db.prepare('SELECT 1 FROM cases WHERE id = ?').get(caseId))
      throw new AppError('NOT_FOUND', `No case ${caseId.slice(0, 128)}`);
  }

  /** Finds a case by id, unique id prefix, or exact name: what a person types on the command line. */
  resolve(ref: string): CaseView {
    const exact = this.row(ref);
    if (exact) return this.view(exact);
    const all = this.list(true);
    const byName = all.filter((c) => c.name === ref);
    if (byName.length === 1) return byName[0]!;
    if (byName.length > 1)
      throw new AppError(
        'VALIDATION',
        `Several cases are named "${ref.slice(0, 256)}": use the case id (${byName.map((c) => c.id.slice(0, 8)).join(', ')})`,
      );
    const byPrefix = ref.length >= 4 ? all.filter((c) => c.id.startsWith(ref)) : [];
    if (byPrefix.length === 1) return byPrefix[0]!;
    if (byPrefix.length > 1) throw new AppError('VALIDATION', `The id prefix ${ref} matches several cases`);
    throw new AppError('NOT_FOUND', `No case named or numbered "${ref.slice(0, 256)}"`);
  }

  create(
    name: string,
    actor = this.user,
    opts: { readOnly?: boolean; source?: string; current?: boolean; signer?: CaseView['bundleSignature'] } = {},
  ): CaseView {
    const clean = name.trim();
    if (!clean || clean.length > 256) throw new AppError('VALIDATION', 'A case name must have 1 to 256 characters');
    const id = randomUUID();
    const at = now();
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO cases (id, key, name, status, created_at, updated_at, read_only, source, bundle_signer) VALUES (?, (SELECT coalesce(max(key), 0) + 1 FROM cases), ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          id,
          clean,
          'open',
          at,
          at,
          opts.readOnly ? 1 : 0,
          opts.source ?? null,
          opts.signer ? JSON.stringify(opts.signer) : null,
        );
      appendCustody(
        this.db,
        id,
        'create',
        `case "${clean}" created${opts.source ? ` from ${opts.source}` : ''}`,
        actor,
        at,
      );
      if (opts.current !== false) this.setCurrentRaw(id);
      this.reseal(id, true, true);
    })();
    return this.get(id);
  }

  currentId(): string | undefined {
    const r = this.db.prepare("SELECT value FROM settings WHERE key = 'current_case'").get() as
      { value: string } | undefined;
    return r?.value;
  }

  current(): CaseView | null {
    const id = this.currentId();
    const r = id ? this.row(id) : undefined;
    return r ? this.view(r, id) : null;
  }

  private setCurrentRaw(id: string): void {
    this.db
      .prepare(
        "INSERT INTO settings (key, value) VALUES ('current_case', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(id);
  }

  /** Makes a case current; opening a closed case reopens it (archived cases stay archived until reopened explicitly). */
  open(caseId: string, actor = this.user): CaseView {
    const c = this.get(caseId);
    if (c.status === 'closed') this.reopen(caseId, actor);
    this.setCurrentRaw(caseId);
    return this.get(caseId);
  }

  rename(caseId: string, name: string, actor = this.user): CaseView {
    const c = this.get(caseId);
    const clean = name.trim();
    if (!clean || clean.length > 256) throw new AppError('VALIDATION', 'A case name must have 1 to 256 characters');
    if (clean === c.name) return c;
    this.write(caseId, () => {
      this.db.prepare('UPDATE cases SET name = ?, updated_at = ? WHERE id = ?').run(clean, now(), caseId);
      appendCustody(this.db, caseId, 'rename', `renamed from "${c.name}" to "${clean}"`, actor);
    });
    return this.get(caseId);
  }

  private setStatus(
    caseId: string,
    status: CaseView['status'],
    action: 'close' | 'reopen' | 'archive',
    actor: string,
  ): CaseView {
    const c = this.get(caseId);
    if (c.status === status) return c;
    this.write(caseId, () => {
      this.db.prepare('UPDATE cases SET status = ?, updated_at = ? WHERE id = ?').run(status, now(), caseId);
      appendCustody(this.db, caseId, action, `status ${c.status} -> ${status}`, actor);
    });
    return this.get(caseId);
  }

  close(caseId: string, actor = this.user): CaseView {
    return this.setStatus(caseId, 'closed', 'close', actor);
  }

  reopen(caseId: string, actor = this.user): CaseView {
    return this.setStatus(caseId, 'open', 'reopen', actor);
  }

  archive(caseId: string, actor = this.user): CaseView {
    return this.setStatus(caseId, 'archived', 'archive', actor);
  }

  /** Edits need an open case; closed and archived cases are records and change only by reopening. */
  private requireOpen(caseId: string, what: string, evidenceChange = false): CaseView {
    const c = this.get(caseId);
    if (c.status !== 'open') throw new AppError('VALIDATION', `Case "${c.name}" is ${c.status}: reopen it to ${what}`);
    if (evidenceChange && c.readOnly)
      throw new AppError('FORBIDDEN', `Case "${c.name}" was imported from a bundle and its evidence is read-only`);
    return c;
  }

  private touch(caseId: string): void {
    this.db.prepare('UPDATE cases SET updated_at = ? WHERE id = ?').run(now(), caseId);
  }

  // ---- custody and evidence (case-custody.ts) -----------------------------------------------------

  recordCustody(caseId: string, action: CustodyAction, detail: string, actor = this.user): CustodyEntry {
    return this.evidenceLog.recordCustody(caseId, action, detail, actor);
  }

  custody(caseId: string): CustodyEntry[] {
    return this.evidenceLog.custody(caseId);
  }

  addEvidence(
    caseId: string,
    data: Buffer | string,
    meta: EvidenceMeta,
    actor = this.user,
    opts: { allowReadOnly?: boolean } = {},
  ): EvidenceItem {
    return this.evidenceLog.addEvidence(caseId, data, meta, actor, opts);
  }

  listEvidence(caseId: string): EvidenceItem[] {
    return this.evidenceLog.listEvidence(caseId);
  }

  readEvidence(caseId: string, sha: string): Buffer {
    return this.evidenceLog.readEvidence(caseId, sha);
  }

  addScan(
    caseId: string,
    result: ScanResult,
    evidence?: EngineEvidence,
    opts: Parameters<CaseCustody['addScan']>[3] = {},
  ): string {
    return this.evidenceLog.addScan(caseId, result, evidence, opts);
  }

  hasScan(caseId: string, result: ScanResult): boolean {
    return this.evidenceLog.hasScan(caseId, result);
  }

  scans(caseId: string): ScanRecord[] {
    return this.evidenceLog.scans(caseId);
  }

  engines(caseId: string): Array<{ id: string; name: string; endpoint: string; serverVersion?: string }> {
    return this.evidenceLog.engines(caseId);
  }

  engineEvidence(caseId: string, scanId?: string): EngineEvidence | undefined {
    return this.evidenceLog.engineEvidence(caseId, scanId);
  }

  containers(caseId: string): CaseContainer[] {
    return this.evidenceLog.containers(caseId);
  }

  containerEvidence(caseId: string, containerId: string): ContainerEvidence {
    return this.evidenceLog.containerEvidence(caseId, containerId);
  }

  /**
   * Recomputes every evidence hash and every chain of the seal, checks the seal's signature with this
   * installation's key, triage state against its history and each finding against the scan that brought it,
   * and the database's own integrity. The verification is itself a custody line, but one that never extends a
   * seal it found broken.
   */
  async verify(caseId: string, actor = this.user): Promise<VerifyResult> {
    this.requireCase(caseId);
    const result = await verifyCase(this, caseId, readCustodyKey(this.dataDir));
    const line = `verified ${result.checked} evidence blobs and ${result.custodyEntries} custody entries: ${result.ok ? 'all hashes, chains and the seal signature match' : `${result.problems.length} problem(s)`}`;
    try {
      this.recordCustody(caseId, 'verify', line, actor);
    } catch (e) {
      // A full disk does not change what was verified: the answer still stands, only its custody line is missing.
      if (!(isAppError(e) && e.code === 'DISK_FULL')) throw e;
    }
    return result;
  }

  // ---- findings and triage (case-triage.ts) ------------------------------------------------------

  findings(caseId: string, q: FindingQuery = {}): { total: number; items: Finding[] } {
    return this.triage.findings(caseId, q);
  }

  allFindings(caseId: string): Finding[] {
    return this.triage.allFindings(caseId);
  }

  hasFinding(caseId: string, findingId: string): boolean {
    return this.triage.hasFinding(caseId, findingId);
  }

  upsertFindings(caseId: string, scanId: string, findings: Finding[]): void {
    this.triage.upsertFindings(caseId, scanId, findings);
  }

  setFindingState(caseId: string, findingId: string, state: TriageState, reason?: string, actor = this.user): Finding {
    return this.triage.setFindingState(caseId, findingId, state, reason, actor);
  }

  history(caseId: string, findingId?: string): TriageChange[] {
    return this.triage.history(caseId, findingId);
  }

  // ---- notes and allowlists (case-notes.ts) ------------------------------------------------------

  addSuppression(caseId: string, entry: Omit<Suppression, 'version'>, actor = this.user): Suppression {
    return this.writing.addSuppression(caseId, entry, actor);
  }

  suppressions(caseId: string): Suppression[] {
    return this.writing.suppressions(caseId);
  }

  addNote(caseId: string, markdown: string, findingId?: string, actor = this.user): Note {
    return this.writing.addNote(caseId, markdown, findingId, actor);
  }

  editNote(caseId: string, noteId: string, markdown: string, actor = this.user): Note {
    return this.writing.editNote(caseId, noteId, markdown, actor);
  }

  notes(caseId: string, opts: { versions?: boolean } = {}): Note[] {
    return this.writing.notes(caseId, opts);
  }
}
