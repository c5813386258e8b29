import { z } from 'zod';
import { CustodyEntrySchema, NoteSchema } from '@shared/domain/case.js';
import { EvidenceItemSchema } from '@shared/domain/evidence.js';
import { DetectorMetaSchema, FindingSchema, type DetectorMeta } from '@shared/domain/finding.js';
import { CaseContainerSchema, CaseScanSchema, CaseViewSchema, TriageChangeSchema } from '@shared/api/cases.js';
import { VERSION } from '../version.js';
import { SuppressionSchema } from '@shared/domain/suppression.js';
import { sha256Hex } from '../cases/blob-store.js';
import type { CaseService } from '../cases/case-service.js';
import { InsecureTransportSchema } from '@shared/domain/engine.js';
import { insecureEngines } from './scan-transport.js';
import { ReportSealSchema } from './report-seal.js';
import { ATTACK_VERSION, attackName, attackTactics } from '@shared/domain/attack-techniques.js';

/**
 * The JSON export of a case (`stowaway report CASE --format json`). Stable and versioned: fields are
 * only ever added within a version; renaming or removing one means `version: 2`.
 *
 * - `case`: id, name, status, times, counts; `readOnly` for cases imported from bundles.
 * - `caseSha256`: hash of the case content (everything below except the generation stamp), printed on
 *   every page of the PDF so a printout can be matched to the data it came from.
 * - `engines`, `scans`: what was scanned, when, with the hashes of each stored scan result and evidence set;
 *   an engine read over plain tcp or unverified TLS carries `insecure`.
 * - `containers`: newest record of each container seen in the case.
 * - `findings`: with triage `state`; `triage`: every state change (who, when, from, to, why).
 * - `notes` (Markdown, as written), `evidence` (content-addressed items with provenance), `custody`
 *   (append-only action log), `detectors` (metadata of the detectors behind the findings: ATT&CK,
 *   which ADS report they implement, blind spots, response), `suppressions` (the case's allowlist).
 * - `seal`: the case's signed seal at export (custody head and count, and the chains of evidence, triage and
 *   notes), its Ed25519 signature and the signing public key; `stowaway case verify --report FILE` checks it.
 * - `attack`: the ATT&CK version of the bundled table and, for every technique the findings and detectors name,
 *   its name and tactics (an id the table does not know keeps its id as name and no tactics). Derived from the
 *   table, so it is not part of `caseSha256`.
 */
export const CASE_EXPORT_VERSION = 1;

export const CaseExportSchema = z.object({
  schema: z.literal('stowaway.case'),
  version: z.literal(CASE_EXPORT_VERSION),
  generatedAt: z.string(),
  generatedBy: z.string(),
  stowawayVersion: z.string(),
  caseSha256: z.string().regex(/^[0-9a-f]{64}$/),
  case: CaseViewSchema,
  engines: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      endpoint: z.string(),
      serverVersion: z.string().optional(),
      insecure: InsecureTransportSchema.optional(),
    }),
  ),
  scans: z.array(CaseScanSchema),
  containers: z.array(CaseContainerSchema),
  findings: z.array(FindingSchema),
  triage: z.array(TriageChangeSchema),
  notes: z.array(NoteSchema),
  evidence: z.array(EvidenceItemSchema),
  custody: z.array(CustodyEntrySchema),
  detectors: z.array(DetectorMetaSchema),
  /** The case's allowlist entries (newest revision of each); their history is in `custody`. */
  suppressions: z.array(SuppressionSchema).default([]),
  seal: ReportSealSchema.optional(),
  attack: z
    .object({
      version: z.string(),
      techniques: z.array(z.object({ id: z.string(), name: z.string(), tactics: z.array(z.string()) })),
    })
    .optional(),
});
export type CaseExport = z.infer<typeof CaseExportSchema>;

/** Collects everything about a case in one object: the common input of every report format. */
export function buildCaseExport(
  cases: CaseService,
  caseId: string,
  detectors: readonly DetectorMeta[],
  actor = cases.user,
): CaseExport {
  const c = cases.get(caseId);
  const findings = cases.allFindings(caseId);
  const used = new Set(findings.map((f) => f.detector));
  const insecure = insecureEngines(cases, caseId);
  const body = {
    case: { ...c, current: false },
    engines: cases.engines(caseId).map((g) => (insecure.has(g.id) ? { ...g, insecure: insecure.get(g.id) } : g)),
    scans: cases.scans(caseId),
    containers: cases.containers(caseId),
    findings,
    triage: cases.history(caseId),
    notes: cases.notes(caseId),
    evidence: cases.listEvidence(caseId),
    custody: cases.custody(caseId),
    detectors: detectors.filter((d) => used.has(d.id)),
    suppressions: cases.suppressions(caseId),
  };
  const ids = new Set([...findings.flatMap((f) => f.attack), ...body.detectors.flatMap((d) => d.attack)]);
  return {
    schema: 'stowaway.case',
    version: CASE_EXPORT_VERSION,
    generatedAt: new Date().toISOString(),
    generatedBy: actor,
    stowawayVersion: VERSION,
    caseSha256: sha256Hex(JSON.stringify(body)),
    ...body,
    seal: sealOf(cases, caseId),
    attack: {
      version: ATTACK_VERSION,
      techniques: [...ids].sort().map((id) => ({ id, name: attackName(id), tactics: [...attackTactics(id)] })),
    },
  };
}

function sealOf(cases: CaseService, caseId: string) {
  const s = cases.seal(caseId);
  return s && { payload: s.seal, signature: s.signature, publicKey: s.publicKey, keyFingerprint: s.keyFingerprint };
}
