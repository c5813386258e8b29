import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { AppError, isAppError } from '../../../shared/errors.js';
import type { CustodyEntry, Note } from '../../../shared/domain/case.js';
import type { EvidenceItem } from '../../../shared/domain/evidence.js';
import type { Finding, TriageState } from '../../../shared/domain/finding.js';
import type { ScanResult } from '../../../shared/domain/scan.js';
import { ContainerEvidenceSchema, EngineEvidenceSchema, type ContainerEvidence, type EngineEvidence } from '../../../shared/domain/evidence-set.js';
import type { CaseContainer, CaseView, TriageChange, VerifyResult } from '../../../shared/api/cases.js';
import { VERSION } from '../version.js';
import { SuppressionSchema, type Suppression } from '../../../shared/domain/suppression.js';
import { BlobStore, sha256Hex } from './blob-store.js';
import { openCaseDb, withDeferredCheckpoint } from './case-db.js';
import { custodyHash, GENESIS } from './custody-chain.js';
import { FindingStore, type FindingQuery } from './finding-store.js';
import { custodyKey, readCustodyKey, signText, verifyText, type CustodyKey } from './custody-key.js';
import { CHAINS, computeSeal, parseSeal, sealText, type Seal } from './case-seal.js';
import { verifyCase } from './verify-case.js';
import { diskError } from './disk-errors.js';

export type { FindingQuery } from './finding-store.js';

export type CustodyAction = CustodyEntry['action'];

export interface EvidenceMeta {
  kind: string;
  sourceCall: string;
  engineId: string;
  containerId?: string;
  collectedAt?: string;
  collectedBy?: string;
  collectorVersion?: string;
  mediaType?: string;
}

export interface ScanRecord {
  id: string;
  engineId: string;
  scannedAt: string;
  durationMs: number;
  resultSha256: string;
  evidenceSha256?: string;
  containerCount: number;
  findingCount: number;
  errorCount: number;
}

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

const now = () => new Date().toISOString();
const MEDIA_JSON = 'application/json';

/**
 * The case store: one SQLite database plus a content-addressed blob directory in the data directory.
 * Everything an analyst does in a case leaves a custody line; evidence rows, triage history and custody
 * are append-only in the database itself.
 */
export class CaseService {
  readonly db: Database.Database;
  readonly blobs: BlobStore;
  private readonly findingRows: FindingStore;
  private signingKey?: CustodyKey;

  constructor(
    readonly dataDir: string,
    readonly user: string,
    opts: { migrateTo?: number } = {},
  ) {
    let sealedBefore = true;
    try {
      this.db = openCaseDb(path.join(dataDir, 'cases.db'), { ...opts, onMigrate: (from, to) => (sealedBefore = from >= 6 || to < 6) });
    } catch (e) {
      throw new AppError('DB', `Cannot open the case database in ${dataDir}: ${(e as Error).message}`, undefined, { cause: e });
    }
    this.blobs = new BlobStore(path.join(dataDir, 'blobs'));
    this.findingRows = new FindingStore(this.db);
    // Cases of a database that predates seals are sealed once, by the upgrade that adds them: what they held then
    // is what the first seal vouches for. A seal removed later is never replaced, it fails verification.
    if (!sealedBefore) {
      const ids = (this.db.prepare('SELECT id FROM cases WHERE seal IS NULL').all() as Array<{ id: string }>).map((r) => r.id);
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
    const row = this.db.prepare('SELECT name, status, read_only, seal, seal_sig FROM cases WHERE id = ?').get(caseId) as
      | { name: string; status: string; read_only: number; seal: string | null; seal_sig: string | null }
      | undefined;
    const seal = parseSeal(row?.seal);
    if (!row || !seal || !row.seal_sig) return false;
    const key = this.key();
    if (seal.key !== key.fingerprint || !verifyText(key.publicKey, row.seal!, row.seal_sig)) return false;
    if (seal.name !== row.name || seal.status !== row.status || seal.readOnly !== (row.read_only === 1)) return false;
    return CHAINS.every((c) => this.lastSeq(c, caseId) === seal[c].last);
  }

  private lastSeq(chain: (typeof CHAINS)[number], caseId: string): number {
    const table = { custody: 'custody', evidence: 'evidence', triage: 'finding_history', notes: 'notes' }[chain];
    return (this.db.prepare(`SELECT coalesce(max(seq), 0) AS m FROM ${table} WHERE case_id = ?`).get(caseId) as { m: number }).m;
  }

  /** Extends (or, for a new case, starts) the seal; signs it when `trusted`. */
  private reseal(caseId: string, trusted: boolean, fresh = false): void {
    const key = this.key();
    const row = this.db.prepare('SELECT seal FROM cases WHERE id = ?').get(caseId) as { seal: string | null };
    const base = fresh ? undefined : parseSeal(row.seal);
    const seal: Seal = computeSeal(this.db, caseId, key.fingerprint, base);
    const text = sealText(seal);
    this.db.prepare('UPDATE cases SET seal = ?, seal_sig = ? WHERE id = ?').run(text, trusted ? signText(key, text) : null, caseId);
  }

  /** The case's seal as stored, with its signature and the public key that checks it: what reports carry. */
  seal(caseId: string): { seal: string; signature: string | null; publicKey: string; keyFingerprint: string } | undefined {
    const row = this.db.prepare('SELECT seal, seal_sig FROM cases WHERE id = ?').get(caseId) as { seal: string | null; seal_sig: string | null } | undefined;
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
    if (!this.db.prepare('SELECT 1 FROM cases WHERE id = ?').get(caseId)) throw new AppError('NOT_FOUND', `No case ${caseId.slice(0, 128)}`);
  }

  /** Finds a case by id, unique id prefix, or exact name: what a person types on the command line. */
  resolve(ref: string): CaseView {
    const exact = this.row(ref);
    if (exact) return this.view(exact);
    const all = this.list(true);
    const byName = all.filter((c) => c.name === ref);
    if (byName.length === 1) return byName[0]!;
    if (byName.length > 1) throw new AppError('VALIDATION', `Several cases are named "${ref.slice(0, 256)}": use the case id (${byName.map((c) => c.id.slice(0, 8)).join(', ')})`);
    const byPrefix = ref.length >= 4 ? all.filter((c) => c.id.startsWith(ref)) : [];
    if (byPrefix.length === 1) return byPrefix[0]!;
    if (byPrefix.length > 1) throw new AppError('VALIDATION', `The id prefix ${ref} matches several cases`);
    throw new AppError('NOT_FOUND', `No case named or numbered "${ref.slice(0, 256)}"`);
  }

  create(name: string, actor = this.user, opts: { readOnly?: boolean; source?: string; current?: boolean; signer?: CaseView['bundleSignature'] } = {}): CaseView {
    const clean = name.trim();
    if (!clean || clean.length > 256) throw new AppError('VALIDATION', 'A case name must have 1 to 256 characters');
    const id = randomUUID();
    const at = now();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO cases (id, key, name, status, created_at, updated_at, read_only, source, bundle_signer) VALUES (?, (SELECT coalesce(max(key), 0) + 1 FROM cases), ?, ?, ?, ?, ?, ?, ?)')
        .run(id, clean, 'open', at, at, opts.readOnly ? 1 : 0, opts.source ?? null, opts.signer ? JSON.stringify(opts.signer) : null);
      this.appendCustody(id, 'create', `case "${clean}" created${opts.source ? ` from ${opts.source}` : ''}`, actor, at);
      if (opts.current !== false) this.setCurrentRaw(id);
      this.reseal(id, true, true);
    })();
    return this.get(id);
  }

  currentId(): string | undefined {
    const r = this.db.prepare("SELECT value FROM settings WHERE key = 'current_case'").get() as { value: string } | undefined;
    return r?.value;
  }

  current(): CaseView | null {
    const id = this.currentId();
    const r = id ? this.row(id) : undefined;
    return r ? this.view(r, id) : null;
  }

  private setCurrentRaw(id: string): void {
    this.db.prepare("INSERT INTO settings (key, value) VALUES ('current_case', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(id);
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
      this.appendCustody(caseId, 'rename', `renamed from "${c.name}" to "${clean}"`, actor);
    });
    return this.get(caseId);
  }

  private setStatus(caseId: string, status: CaseView['status'], action: 'close' | 'reopen' | 'archive', actor: string): CaseView {
    const c = this.get(caseId);
    if (c.status === status) return c;
    this.write(caseId, () => {
      this.db.prepare('UPDATE cases SET status = ?, updated_at = ? WHERE id = ?').run(status, now(), caseId);
      this.appendCustody(caseId, action, `status ${c.status} -> ${status}`, actor);
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
    if (evidenceChange && c.readOnly) throw new AppError('FORBIDDEN', `Case "${c.name}" was imported from a bundle and its evidence is read-only`);
    return c;
  }

  private touch(caseId: string): void {
    this.db.prepare('UPDATE cases SET updated_at = ? WHERE id = ?').run(now(), caseId);
  }

  // ---- custody -----------------------------------------------------------------------------------

  private appendCustody(caseId: string, action: CustodyAction, detail: string, actor: string, at = now()): void {
    const last = this.db.prepare('SELECT hash FROM custody WHERE case_id = ? ORDER BY seq DESC LIMIT 1').get(caseId) as { hash: string | null } | undefined;
    const prev = last?.hash ?? GENESIS;
    const d = detail.slice(0, 8192);
    const a = actor.slice(0, 256);
    const hash = custodyHash(prev, { caseId, at, actor: a, action, detail: d });
    this.db.prepare('INSERT INTO custody (case_id, at, actor, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(caseId, at, a, action, d, prev, hash);
  }

  /** For other services (terminal exec, isolate, export): one line in the case's custody log. */
  recordCustody(caseId: string, action: CustodyAction, detail: string, actor = this.user): CustodyEntry {
    this.requireCase(caseId);
    this.write(caseId, () => {
      this.appendCustody(caseId, action, detail, actor);
      this.touch(caseId);
    });
    return this.custody(caseId).at(-1)!;
  }

  custody(caseId: string): CustodyEntry[] {
    return (this.db.prepare('SELECT seq, case_id, at, actor, action, detail FROM custody WHERE case_id = ? ORDER BY seq').all(caseId) as Array<Record<string, unknown>>).map((r) => ({
      seq: r.seq as number,
      caseId: r.case_id as string,
      at: r.at as string,
      actor: r.actor as string,
      action: r.action as CustodyAction,
      detail: r.detail as string,
    }));
  }

  // ---- evidence ----------------------------------------------------------------------------------

  /** Stores bytes once by hash and records who collected them, how and when, in this case. */
  addEvidence(caseId: string, data: Buffer | string, meta: EvidenceMeta, actor = this.user, opts: { allowReadOnly?: boolean } = {}): EvidenceItem {
    this.requireOpen(caseId, 'add evidence', !opts.allowReadOnly);
    return this.write(caseId, () => {
      const item = this.insertEvidence(caseId, data, meta, actor);
      // A terminal recording is the trace of a command run inside a container: the custody log calls it an exec.
      const action: CustodyAction = item.kind === 'terminal-recording' ? 'exec' : 'evidence';
      this.appendCustody(caseId, action, `${item.kind} ${item.sha256} (${item.size} bytes) from ${item.sourceCall}`, actor);
      this.touch(caseId);
      return item;
    });
  }

  private insertEvidence(caseId: string, data: Buffer | string, meta: EvidenceMeta, actor: string): EvidenceItem {
    const { sha256, size, repaired } = this.blobs.put(data);
    if (repaired) this.appendCustody(caseId, 'evidence', `blob ${sha256} in the store no longer matched its hash and was restored from a new copy of the same bytes`, actor);
    const item: EvidenceItem = {
      sha256,
      kind: meta.kind.slice(0, 64),
      sourceCall: meta.sourceCall.slice(0, 2048),
      engineId: meta.engineId,
      containerId: meta.containerId,
      collectedAt: meta.collectedAt ?? now(),
      collectedBy: (meta.collectedBy ?? actor).slice(0, 256),
      collectorVersion: (meta.collectorVersion ?? VERSION).slice(0, 64),
      size,
      mediaType: (meta.mediaType ?? 'application/octet-stream').slice(0, 128),
    };
    this.db
      .prepare(
        `INSERT OR IGNORE INTO evidence (case_id, seq, sha256, kind, source_call, engine_id, container_id, collected_at, collected_by, collector_version, size, media_type)
         VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM evidence WHERE case_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(caseId, caseId, item.sha256, item.kind, item.sourceCall, item.engineId, item.containerId ?? null, item.collectedAt, item.collectedBy, item.collectorVersion, item.size, item.mediaType);
    return item;
  }

  listEvidence(caseId: string): EvidenceItem[] {
    this.requireCase(caseId);
    return (this.db.prepare('SELECT * FROM evidence WHERE case_id = ? ORDER BY collected_at, sha256').all(caseId) as Array<Record<string, unknown>>).map((r) => ({
      sha256: r.sha256 as string,
      kind: r.kind as string,
      sourceCall: r.source_call as string,
      engineId: r.engine_id as string,
      containerId: (r.container_id as string | null) ?? undefined,
      collectedAt: r.collected_at as string,
      collectedBy: r.collected_by as string,
      collectorVersion: r.collector_version as string,
      size: r.size as number,
      mediaType: r.media_type as string,
    }));
  }

  readEvidence(caseId: string, sha: string): Buffer {
    const row = this.db.prepare('SELECT 1 FROM evidence WHERE case_id = ? AND sha256 = ? LIMIT 1').get(caseId, sha);
    if (!row) throw new AppError('NOT_FOUND', `Case has no evidence ${sha.slice(0, 64)}`);
    return this.blobs.get(sha);
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

  // ---- scans -------------------------------------------------------------------------------------

  /**
   * Records a scan in a case: engine, containers, findings (keeping triage of findings seen before),
   * and the scan result and evidence set as content-addressed evidence.
   */
  addScan(
    caseId: string,
    result: ScanResult,
    evidence?: EngineEvidence,
    opts: { actor?: string; source?: string; allowReadOnly?: boolean; collectedBy?: string; collectorVersion?: string; suppressed?: Finding[] } = {},
  ): string {
    const actor = opts.actor ?? this.user;
    const c = this.get(caseId);
    if (c.status !== 'open') throw new AppError('VALIDATION', `Case "${c.name}" is ${c.status}: reopen it to add a scan`);
    if (c.readOnly && !opts.allowReadOnly) throw new AppError('FORBIDDEN', `Case "${c.name}" was imported from a bundle and its evidence is read-only`);
    const scanId = randomUUID();
    const engineId = result.engine.id;
    const collectedAt = evidence?.collectedAt ?? result.scannedAt;
    const base = { engineId, collectedAt, collectedBy: opts.collectedBy ?? actor, collectorVersion: opts.collectorVersion, mediaType: MEDIA_JSON };
    withDeferredCheckpoint(this.db, () => this.write(caseId, () => {
      const resultItem = this.insertEvidence(caseId, JSON.stringify(result), { ...base, kind: 'scan-result', sourceCall: opts.source ?? `scan ${result.engine.endpoint}` }, actor);
      const evItem = evidence ? this.insertEvidence(caseId, JSON.stringify(evidence), { ...base, kind: 'engine-evidence', sourceCall: opts.source ?? `collect ${result.engine.endpoint}` }, actor) : undefined;
      const supItem = opts.suppressed?.length ? this.insertEvidence(caseId, JSON.stringify(opts.suppressed), { ...base, kind: 'suppressed-findings', sourceCall: opts.source ?? `scan ${result.engine.endpoint}` }, actor) : undefined;
      this.db
        .prepare('INSERT INTO engines (case_id, id, name, endpoint, server_version) VALUES (?, ?, ?, ?, ?) ON CONFLICT(case_id, id) DO UPDATE SET name = excluded.name, endpoint = excluded.endpoint, server_version = excluded.server_version')
        .run(caseId, engineId, result.engine.name, result.engine.endpoint, result.engine.serverVersion ?? null);
      this.db
        .prepare(
          `INSERT INTO scans (id, key, case_id, engine_id, scanned_at, duration_ms, result_sha256, evidence_sha256, suppressed_sha256, container_count, finding_count, error_count)
           VALUES (?, (SELECT coalesce(max(key), 0) + 1 FROM scans), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(scanId, caseId, engineId, result.scannedAt, result.durationMs, resultItem.sha256, evItem?.sha256 ?? null, supItem?.sha256 ?? null, result.containers.length, result.findings.length, result.errors.length);
      const perContainer = new Map<string, string>();
      for (const ce of evidence?.containers ?? []) {
        const item = this.insertEvidence(caseId, JSON.stringify(ce), { ...base, kind: 'container-evidence', containerId: ce.container.id, sourceCall: `evidence ${ce.container.id}` }, actor);
        perContainer.set(ce.container.id, item.sha256);
        for (const fc of ce.fileContents) {
          // Keep file text as its own blob only when it is the whole file, so its hash is the file's hash.
          if (fc.text !== undefined && sha256Hex(fc.text) === fc.sha256) {
            this.insertEvidence(caseId, fc.text, { ...base, kind: 'file', containerId: ce.container.id, sourceCall: `archive:${fc.path}`, mediaType: 'text/plain' }, actor);
          }
        }
      }
      const insC = this.db.prepare('INSERT OR REPLACE INTO containers (scan_id, case_id, id, name, image, state, risk, evidence_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      for (const ct of result.containers) insC.run(scanId, caseId, ct.id, ct.name, ct.image, ct.state, ct.risk, perContainer.get(ct.id) ?? null);
      for (const ce of evidence?.containers ?? []) {
        if (!result.containers.some((ct) => ct.id === ce.container.id)) {
          insC.run(scanId, caseId, ce.container.id, ce.container.name, ce.container.image, ce.container.state, ce.container.risk ?? 0, perContainer.get(ce.container.id) ?? null);
        }
      }
      // Triage state is the case's own judgement, recorded in its history: a scan (or a bundle) brings findings as new,
      // whatever state they carried; a bundle's triage stays readable in its scan-result evidence.
      this.upsertFindings(caseId, scanId, result.findings.map((f) => ({ ...f, state: 'new' as const, suppressedBy: undefined })));
      // Findings an allowlist hid are kept in the case, marked, so a report can show what was hidden and by which entry.
      if (opts.suppressed?.length) this.addSuppressedFindings(caseId, scanId, opts.suppressed, actor);
      this.appendCustody(
        caseId,
        'scan',
        `scan of ${result.engine.name} (${result.engine.endpoint}): ${result.containers.length} containers, ${result.findings.length} findings, ${result.errors.length} errors; result ${resultItem.sha256}${evItem ? `, evidence ${evItem.sha256}` : ''}`,
        actor,
      );
      this.touch(caseId);
    }, `the scan of ${result.engine.name.slice(0, 128)}`));
    return scanId;
  }

  /** Allowlisted findings first seen in this scan arrive suppressed, and their history says so. */
  private addSuppressedFindings(caseId: string, scanId: string, suppressed: Finding[], actor: string): void {
    const known = new Set(suppressed.filter((f) => this.findingRows.has(caseId, f.id)).map((f) => f.id));
    this.upsertFindings(caseId, scanId, suppressed.map((f) => ({ ...f, state: 'suppressed' as const })));
    const hist = this.db.prepare("INSERT INTO finding_history (case_id, finding_id, at, actor, from_state, to_state, reason) VALUES (?, ?, ?, ?, 'new', 'suppressed', ?)");
    const at = now();
    for (const f of suppressed) if (!known.has(f.id)) hist.run(caseId, f.id, at, actor, `allowlist ${f.suppressedBy ?? ''}`.trim());
  }

  /** Whether this exact scan result (by hash) is already recorded in the case. */
  hasScan(caseId: string, result: ScanResult): boolean {
    return !!this.db.prepare('SELECT 1 FROM scans WHERE case_id = ? AND result_sha256 = ?').get(caseId, sha256Hex(JSON.stringify(result)));
  }

  hasFinding(caseId: string, findingId: string): boolean {
    return this.findingRows.has(caseId, findingId);
  }

  /** Bulk insert used by scans (and benchmarks): triage state of known findings survives a rescan. */
  upsertFindings(caseId: string, scanId: string, findings: Finding[]): void {
    this.findingRows.upsert(caseId, scanId, findings);
  }

  scans(caseId: string): ScanRecord[] {
    return (this.db.prepare('SELECT * FROM scans WHERE case_id = ? ORDER BY scanned_at DESC, rowid DESC').all(caseId) as Array<Record<string, unknown>>).map((r) => ({
      id: r.id as string,
      engineId: r.engine_id as string,
      scannedAt: r.scanned_at as string,
      durationMs: r.duration_ms as number,
      resultSha256: r.result_sha256 as string,
      evidenceSha256: (r.evidence_sha256 as string | null) ?? undefined,
      containerCount: r.container_count as number,
      findingCount: r.finding_count as number,
      errorCount: r.error_count as number,
    }));
  }

  engines(caseId: string): Array<{ id: string; name: string; endpoint: string; serverVersion?: string }> {
    return (this.db.prepare('SELECT id, name, endpoint, server_version FROM engines WHERE case_id = ? ORDER BY id').all(caseId) as Array<Record<string, string | null>>).map((r) => ({
      id: r.id!,
      name: r.name!,
      endpoint: r.endpoint!,
      serverVersion: r.server_version ?? undefined,
    }));
  }

  /** The evidence set of a scan (latest by default), read back from its blob and re-validated. */
  engineEvidence(caseId: string, scanId?: string): EngineEvidence | undefined {
    const scan = scanId ? this.scans(caseId).find((s) => s.id === scanId) : this.scans(caseId).find((s) => s.evidenceSha256);
    if (!scan?.evidenceSha256) return undefined;
    return EngineEvidenceSchema.parse(JSON.parse(this.blobs.get(scan.evidenceSha256).toString('utf8')));
  }

  /** Containers seen in the case, the newest record of each. */
  containers(caseId: string): CaseContainer[] {
    this.requireCase(caseId);
    const rows = this.db
      .prepare(
        `SELECT ct.* FROM containers ct JOIN scans s ON s.id = ct.scan_id
         WHERE ct.case_id = ? ORDER BY s.scanned_at DESC, s.rowid DESC`,
      )
      .all(caseId) as Array<Record<string, unknown>>;
    const seen = new Map<string, CaseContainer>();
    for (const r of rows) {
      const id = r.id as string;
      if (seen.has(id)) continue;
      seen.set(id, {
        scanId: r.scan_id as string,
        id,
        name: r.name as string,
        image: r.image as string,
        state: r.state as CaseContainer['state'],
        risk: r.risk as number,
        hasEvidence: r.evidence_sha256 != null,
      });
    }
    return [...seen.values()];
  }

  containerEvidence(caseId: string, containerId: string): ContainerEvidence {
    this.requireCase(caseId);
    const row = this.db
      .prepare(
        `SELECT ct.evidence_sha256 FROM containers ct JOIN scans s ON s.id = ct.scan_id
         WHERE ct.case_id = ? AND ct.evidence_sha256 IS NOT NULL AND (ct.id = ? OR ct.id LIKE ? || '%')
         ORDER BY s.scanned_at DESC, s.rowid DESC LIMIT 1`,
      )
      .get(caseId, containerId, containerId.length >= 12 ? containerId : '\u0000') as { evidence_sha256: string } | undefined;
    if (!row) throw new AppError('NOT_FOUND', `The case has no evidence of container ${containerId.slice(0, 64)}`);
    return ContainerEvidenceSchema.parse(JSON.parse(this.blobs.get(row.evidence_sha256).toString('utf8')));
  }

  // ---- findings and triage -----------------------------------------------------------------------

  findings(caseId: string, q: FindingQuery = {}): { total: number; items: Finding[] } {
    this.requireCase(caseId);
    return this.findingRows.query(caseId, q);
  }

  allFindings(caseId: string): Finding[] {
    return this.findingRows.all(caseId);
  }

  setFindingState(caseId: string, findingId: string, state: TriageState, reason?: string, actor = this.user): Finding {
    this.requireOpen(caseId, 'triage findings');
    const row = this.findingRows.get(caseId, findingId);
    if (!row) throw new AppError('NOT_FOUND', `No finding ${findingId.slice(0, 128)} in this case`);
    if (row.state === state) return row;
    const from = row.state ?? 'new';
    this.write(caseId, () => {
      const at = now();
      this.findingRows.setState(caseId, findingId, state, state === 'suppressed' ? actor : null);
      this.db
        .prepare('INSERT INTO finding_history (case_id, finding_id, at, actor, from_state, to_state, reason) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(caseId, findingId, at, actor, from, state, reason ?? null);
      this.appendCustody(caseId, 'triage', `finding ${findingId} (${row.title}): ${from} -> ${state}${reason ? `: ${reason}` : ''}`, actor, at);
      this.touch(caseId);
    });
    return this.findingRows.get(caseId, findingId)!;
  }

  history(caseId: string, findingId?: string): TriageChange[] {
    const rows = (
      findingId
        ? this.db.prepare('SELECT * FROM finding_history WHERE case_id = ? AND finding_id = ? ORDER BY seq').all(caseId, findingId)
        : this.db.prepare('SELECT * FROM finding_history WHERE case_id = ? ORDER BY seq').all(caseId)
    ) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      seq: r.seq as number,
      findingId: r.finding_id as string,
      at: r.at as string,
      actor: r.actor as string,
      from: r.from_state as TriageState,
      to: r.to_state as TriageState,
      reason: (r.reason as string | null) ?? undefined,
    }));
  }

  // ---- suppressions -----------------------------------------------------------------------------

  /**
   * Adds an allowlist entry to the case, or a new revision of one (same id, next version). Entries use the
   * detectors' suppression format, so scans run while the case is current honour them.
   */
  addSuppression(caseId: string, entry: Omit<Suppression, 'version'>, actor = this.user): Suppression {
    this.requireOpen(caseId, 'change its allowlist');
    const last = this.db.prepare('SELECT max(version) AS v FROM case_suppressions WHERE case_id = ? AND id = ?').get(caseId, entry.id) as { v: number | null };
    const parsed = SuppressionSchema.safeParse({ ...entry, version: (last.v ?? 0) + 1, owner: entry.owner ?? actor });
    if (!parsed.success) throw new AppError('VALIDATION', `Invalid suppression: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    const s = parsed.data;
    this.write(caseId, () => {
      this.db.prepare('INSERT INTO case_suppressions (case_id, id, version, body, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)').run(caseId, s.id, s.version, JSON.stringify(s), now(), actor);
      this.appendCustody(caseId, 'suppress', `allowlist ${s.id}@v${s.version} for ${s.detectors.join(', ')} where ${JSON.stringify(s.match)}: ${s.reason}`, actor);
      this.touch(caseId);
    });
    return s;
  }

  /** The newest revision of each allowlist entry of the case. */
  suppressions(caseId: string): Suppression[] {
    this.requireCase(caseId);
    const rows = this.db
      .prepare('SELECT body FROM case_suppressions s WHERE case_id = ? AND version = (SELECT max(version) FROM case_suppressions t WHERE t.case_id = s.case_id AND t.id = s.id) ORDER BY id')
      .all(caseId) as Array<{ body: string }>;
    return rows.map((r) => SuppressionSchema.parse(JSON.parse(r.body)));
  }

  // ---- notes -------------------------------------------------------------------------------------

  addNote(caseId: string, markdown: string, findingId?: string, actor = this.user): Note {
    return this.insertNote(caseId, markdown, findingId, actor);
  }

  /** Edits a note: the edit is a new version that supersedes it; the old text stays in the case. */
  editNote(caseId: string, noteId: string, markdown: string, actor = this.user): Note {
    const old = this.db.prepare('SELECT finding_id FROM notes WHERE case_id = ? AND id = ?').get(caseId, noteId) as { finding_id: string | null } | undefined;
    if (!old) throw new AppError('NOT_FOUND', `No note ${noteId.slice(0, 128)} in this case`);
    if (this.db.prepare('SELECT 1 FROM notes WHERE case_id = ? AND supersedes = ?').get(caseId, noteId)) throw new AppError('VALIDATION', `Note ${noteId.slice(0, 128)} was already edited: edit its newest version`);
    return this.insertNote(caseId, markdown, old.finding_id ?? undefined, actor, noteId);
  }

  private insertNote(caseId: string, markdown: string, findingId: string | undefined, actor: string, supersedes?: string): Note {
    this.requireOpen(caseId, 'add notes');
    if (!markdown.trim()) throw new AppError('VALIDATION', 'A note cannot be empty');
    if (markdown.length > 200_000) throw new AppError('VALIDATION', 'A note is limited to 200,000 characters');
    const note: Note = { id: randomUUID(), caseId, author: actor.slice(0, 256), createdAt: now(), markdown, findingId };
    if (supersedes) note.supersedes = supersedes;
    this.write(caseId, () => {
      this.db
        .prepare('INSERT INTO notes (id, seq, case_id, author, created_at, markdown, finding_id, supersedes) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM notes WHERE case_id = ?), ?, ?, ?, ?, ?, ?)')
        .run(note.id, caseId, caseId, note.author, note.createdAt, markdown, findingId ?? null, supersedes ?? null);
      const what = `note ${note.id}${supersedes ? ` (edit of ${supersedes})` : ''}${findingId ? ` on finding ${findingId}` : ''}`;
      this.appendCustody(caseId, 'note', `${what} (${markdown.length} chars, sha256 ${sha256Hex(markdown)})`, actor, note.createdAt);
      this.touch(caseId);
    });
    return note;
  }

  /** The newest version of each note, in the order they were first written. */
  notes(caseId: string, opts: { versions?: boolean } = {}): Note[] {
    this.requireCase(caseId);
    const where = opts.versions ? '' : 'AND NOT EXISTS (SELECT 1 FROM notes m WHERE m.case_id = n.case_id AND m.supersedes = n.id)';
    return (this.db.prepare(`SELECT * FROM notes n WHERE case_id = ? ${where} ORDER BY seq`).all(caseId) as Array<Record<string, string | null>>).map((r) => ({
      id: r.id!,
      caseId: r.case_id!,
      author: r.author!,
      createdAt: r.created_at!,
      markdown: r.markdown!,
      findingId: r.finding_id ?? undefined,
      ...(r.supersedes ? { supersedes: r.supersedes } : {}),
    }));
  }
}
