import { randomUUID } from 'node:crypto';
import { AppError } from '@shared/errors.js';
import type { CustodyEntry } from '@shared/domain/case.js';
import type { EvidenceItem } from '@shared/domain/evidence.js';
import type { Finding } from '@shared/domain/finding.js';
import type { ScanResult } from '@shared/domain/scan.js';
import {
  ContainerEvidenceSchema,
  EngineEvidenceSchema,
  type ContainerEvidence,
  type EngineEvidence,
} from '@shared/domain/evidence-set.js';
import type { CaseContainer } from '@shared/api/cases.js';
import { VERSION } from '../version.js';
import { sha256Hex } from './blob-store.js';
import { withDeferredCheckpoint } from './case-db.js';
import { appendCustody, now, type CaseCore, type CustodyAction } from './case-core.js';
import type { CaseTriage } from './case-triage.js';
import { fromRow, fromRows } from './rows.js';

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

const MEDIA_JSON = 'application/json';

/**
 * A case's custody log and its evidence: content-addressed blobs with who collected them, how and when, and the
 * scans that brought them (engine, containers, findings). Rows here are only ever added.
 */
export class CaseCustody {
  constructor(
    private readonly core: CaseCore,
    /** A recorded scan's findings go to triage, keeping the state of findings seen before. */
    private readonly triage: CaseTriage,
  ) {}

  /** For other services (terminal exec, isolate, export): one line in the case's custody log. */
  recordCustody(caseId: string, action: CustodyAction, detail: string, actor: string): CustodyEntry {
    this.core.requireCase(caseId);
    this.core.write(caseId, () => {
      appendCustody(this.core.db, caseId, action, detail, actor);
      this.core.touch(caseId);
    });
    return this.custody(caseId).at(-1)!;
  }

  custody(caseId: string): CustodyEntry[] {
    return fromRows<CustodyEntry>(
      this.core.db
        .prepare('SELECT seq, case_id, at, actor, action, detail FROM custody WHERE case_id = ? ORDER BY seq')
        .all(caseId),
    );
  }

  /** Stores bytes once by hash and records who collected them, how and when, in this case. */
  addEvidence(
    caseId: string,
    data: Buffer | string,
    meta: EvidenceMeta,
    actor: string,
    opts: { allowReadOnly?: boolean } = {},
  ): EvidenceItem {
    this.core.requireOpen(caseId, 'add evidence', !opts.allowReadOnly);
    return this.core.write(caseId, () => {
      const item = this.insertEvidence(caseId, data, meta, actor);
      // A terminal recording is the trace of a command run inside a container: the custody log calls it an exec.
      const action: CustodyAction = item.kind === 'terminal-recording' ? 'exec' : 'evidence';
      appendCustody(
        this.core.db,
        caseId,
        action,
        `${item.kind} ${item.sha256} (${item.size} bytes) from ${item.sourceCall}`,
        actor,
      );
      this.core.touch(caseId);
      return item;
    });
  }

  private insertEvidence(caseId: string, data: Buffer | string, meta: EvidenceMeta, actor: string): EvidenceItem {
    const { sha256, size, repaired } = this.core.blobs.put(data);
    if (repaired)
      appendCustody(
        this.core.db,
        caseId,
        'evidence',
        `blob ${sha256} in the store no longer matched its hash and was restored from a new copy of the same bytes`,
        actor,
      );
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
    this.core.db
      .prepare(
        `INSERT OR IGNORE INTO evidence (case_id, seq, sha256, kind, source_call, engine_id, container_id, collected_at, collected_by, collector_version, size, media_type)
         VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM evidence WHERE case_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        caseId,
        caseId,
        item.sha256,
        item.kind,
        item.sourceCall,
        item.engineId,
        item.containerId ?? null,
        item.collectedAt,
        item.collectedBy,
        item.collectorVersion,
        item.size,
        item.mediaType,
      );
    return item;
  }

  listEvidence(caseId: string): EvidenceItem[] {
    this.core.requireCase(caseId);
    const rows = this.core.db
      .prepare(
        'SELECT sha256, kind, source_call, engine_id, container_id, collected_at, collected_by, collector_version, size, media_type FROM evidence WHERE case_id = ? ORDER BY collected_at, sha256',
      )
      .all(caseId);
    return fromRows<EvidenceItem>(rows);
  }

  readEvidence(caseId: string, sha: string): Buffer {
    const row = this.core.db
      .prepare('SELECT 1 FROM evidence WHERE case_id = ? AND sha256 = ? LIMIT 1')
      .get(caseId, sha);
    if (!row) throw new AppError('NOT_FOUND', `Case has no evidence ${sha.slice(0, 64)}`);
    return this.core.blobs.get(sha);
  }

  /**
   * Records a scan in a case: engine, containers, findings (keeping triage of findings seen before),
   * and the scan result and evidence set as content-addressed evidence.
   */
  addScan(
    caseId: string,
    result: ScanResult,
    evidence?: EngineEvidence,
    opts: {
      actor?: string;
      source?: string;
      allowReadOnly?: boolean;
      collectedBy?: string;
      collectorVersion?: string;
      suppressed?: Finding[];
    } = {},
  ): string {
    const actor = opts.actor ?? this.core.user;
    const c = this.core.get(caseId);
    if (c.status !== 'open')
      throw new AppError('VALIDATION', `Case "${c.name}" is ${c.status}: reopen it to add a scan`);
    if (c.readOnly && !opts.allowReadOnly)
      throw new AppError('FORBIDDEN', `Case "${c.name}" was imported from a bundle and its evidence is read-only`);
    const scanId = randomUUID();
    const engineId = result.engine.id;
    const collectedAt = evidence?.collectedAt ?? result.scannedAt;
    const base = {
      engineId,
      collectedAt,
      collectedBy: opts.collectedBy ?? actor,
      collectorVersion: opts.collectorVersion,
      mediaType: MEDIA_JSON,
    };
    withDeferredCheckpoint(this.core.db, () =>
      this.core.write(
        caseId,
        () => {
          const resultItem = this.insertEvidence(
            caseId,
            JSON.stringify(result),
            { ...base, kind: 'scan-result', sourceCall: opts.source ?? `scan ${result.engine.endpoint}` },
            actor,
          );
          const evItem = evidence
            ? this.insertEvidence(
                caseId,
                JSON.stringify(evidence),
                { ...base, kind: 'engine-evidence', sourceCall: opts.source ?? `collect ${result.engine.endpoint}` },
                actor,
              )
            : undefined;
          const supItem = opts.suppressed?.length
            ? this.insertEvidence(
                caseId,
                JSON.stringify(opts.suppressed),
                { ...base, kind: 'suppressed-findings', sourceCall: opts.source ?? `scan ${result.engine.endpoint}` },
                actor,
              )
            : undefined;
          this.core.db
            .prepare(
              'INSERT INTO engines (case_id, id, name, endpoint, server_version) VALUES (?, ?, ?, ?, ?) ON CONFLICT(case_id, id) DO UPDATE SET name = excluded.name, endpoint = excluded.endpoint, server_version = excluded.server_version',
            )
            .run(caseId, engineId, result.engine.name, result.engine.endpoint, result.engine.serverVersion ?? null);
          this.core.db
            .prepare(
              `INSERT INTO scans (id, key, case_id, engine_id, scanned_at, duration_ms, result_sha256, evidence_sha256, suppressed_sha256, container_count, finding_count, error_count)
           VALUES (?, (SELECT coalesce(max(key), 0) + 1 FROM scans), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              scanId,
              caseId,
              engineId,
              result.scannedAt,
              result.durationMs,
              resultItem.sha256,
              evItem?.sha256 ?? null,
              supItem?.sha256 ?? null,
              result.containers.length,
              result.findings.length,
              result.errors.length,
            );
          const perContainer = new Map<string, string>();
          for (const ce of evidence?.containers ?? []) {
            const item = this.insertEvidence(
              caseId,
              JSON.stringify(ce),
              {
                ...base,
                kind: 'container-evidence',
                containerId: ce.container.id,
                sourceCall: `evidence ${ce.container.id}`,
              },
              actor,
            );
            perContainer.set(ce.container.id, item.sha256);
            for (const fc of ce.fileContents) {
              // Keep file text as its own blob only when it is the whole file, so its hash is the file's hash.
              if (fc.text !== undefined && sha256Hex(fc.text) === fc.sha256) {
                this.insertEvidence(
                  caseId,
                  fc.text,
                  {
                    ...base,
                    kind: 'file',
                    containerId: ce.container.id,
                    sourceCall: `archive:${fc.path}`,
                    mediaType: 'text/plain',
                  },
                  actor,
                );
              }
            }
          }
          const insC = this.core.db.prepare(
            'INSERT OR REPLACE INTO containers (scan_id, case_id, id, name, image, state, risk, evidence_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          );
          for (const ct of result.containers)
            insC.run(scanId, caseId, ct.id, ct.name, ct.image, ct.state, ct.risk, perContainer.get(ct.id) ?? null);
          for (const ce of evidence?.containers ?? []) {
            if (!result.containers.some((ct) => ct.id === ce.container.id)) {
              insC.run(
                scanId,
                caseId,
                ce.container.id,
                ce.container.name,
                ce.container.image,
                ce.container.state,
                ce.container.risk ?? 0,
                perContainer.get(ce.container.id) ?? null,
              );
            }
          }
          // Triage state is the case's own judgement, recorded in its history: a scan (or a bundle) brings findings as new,
          // whatever state they carried; a bundle's triage stays readable in its scan-result evidence.
          this.triage.upsertFindings(
            caseId,
            scanId,
            result.findings.map((f) => ({ ...f, state: 'new' as const, suppressedBy: undefined })),
          );
          // Findings an allowlist hid are kept in the case, marked, so a report can show what was hidden and by which entry.
          if (opts.suppressed?.length) this.triage.addSuppressedFindings(caseId, scanId, opts.suppressed, actor);
          appendCustody(
            this.core.db,
            caseId,
            'scan',
            `scan of ${result.engine.name} (${result.engine.endpoint}): ${result.containers.length} containers, ${result.findings.length} findings, ${result.errors.length} errors; result ${resultItem.sha256}${evItem ? `, evidence ${evItem.sha256}` : ''}`,
            actor,
          );
          this.core.touch(caseId);
        },
        `the scan of ${result.engine.name.slice(0, 128)}`,
      ),
    );
    return scanId;
  }

  /** Whether this exact scan result (by hash) is already recorded in the case. */
  hasScan(caseId: string, result: ScanResult): boolean {
    return !!this.core.db
      .prepare('SELECT 1 FROM scans WHERE case_id = ? AND result_sha256 = ?')
      .get(caseId, sha256Hex(JSON.stringify(result)));
  }

  scans(caseId: string): ScanRecord[] {
    const rows = this.core.db
      .prepare(
        'SELECT id, engine_id, scanned_at, duration_ms, result_sha256, evidence_sha256, container_count, finding_count, error_count FROM scans WHERE case_id = ? ORDER BY scanned_at DESC, rowid DESC',
      )
      .all(caseId);
    return fromRows<ScanRecord>(rows);
  }

  engines(caseId: string): Array<{ id: string; name: string; endpoint: string; serverVersion?: string }> {
    return fromRows(
      this.core.db
        .prepare('SELECT id, name, endpoint, server_version FROM engines WHERE case_id = ? ORDER BY id')
        .all(caseId),
    );
  }

  /** The evidence set of a scan (latest by default), read back from its blob and re-validated. */
  engineEvidence(caseId: string, scanId?: string): EngineEvidence | undefined {
    const scan = scanId
      ? this.scans(caseId).find((s) => s.id === scanId)
      : this.scans(caseId).find((s) => s.evidenceSha256);
    if (!scan?.evidenceSha256) return undefined;
    return EngineEvidenceSchema.parse(JSON.parse(this.core.blobs.get(scan.evidenceSha256).toString('utf8')));
  }

  /** Containers seen in the case, the newest record of each. */
  containers(caseId: string): CaseContainer[] {
    this.core.requireCase(caseId);
    const rows = this.core.db
      .prepare(
        `SELECT ct.scan_id, ct.id, ct.name, ct.image, ct.state, ct.risk, ct.evidence_sha256 IS NOT NULL AS has_evidence FROM containers ct JOIN scans s ON s.id = ct.scan_id
         WHERE ct.case_id = ? ORDER BY s.scanned_at DESC, s.rowid DESC`,
      )
      .all(caseId);
    const seen = new Map<string, CaseContainer>();
    for (const r of rows) {
      const c = fromRow<Omit<CaseContainer, 'hasEvidence'> & { hasEvidence: number }>(r);
      if (!seen.has(c.id)) seen.set(c.id, { ...c, hasEvidence: c.hasEvidence === 1 });
    }
    return [...seen.values()];
  }

  containerEvidence(caseId: string, containerId: string): ContainerEvidence {
    this.core.requireCase(caseId);
    const row = this.core.db
      .prepare(
        `SELECT ct.evidence_sha256 FROM containers ct JOIN scans s ON s.id = ct.scan_id
         WHERE ct.case_id = ? AND ct.evidence_sha256 IS NOT NULL AND (ct.id = ? OR ct.id LIKE ? || '%')
         ORDER BY s.scanned_at DESC, s.rowid DESC LIMIT 1`,
      )
      .get(caseId, containerId, containerId.length >= 12 ? containerId : '\u0000') as
      { evidence_sha256: string } | undefined;
    if (!row) throw new AppError('NOT_FOUND', `The case has no evidence of container ${containerId.slice(0, 64)}`);
    return ContainerEvidenceSchema.parse(JSON.parse(this.core.blobs.get(row.evidence_sha256).toString('utf8')));
  }
}
