import { z } from 'zod';
import { defineOp } from './define.js';
import { CaseSummarySchema, CustodyEntrySchema, NoteSchema } from '../domain/case.js';
import { EvidenceItemSchema } from '../domain/evidence.js';
import { FindingSchema, SeveritySchema, TriageStateSchema } from '../domain/finding.js';
import { ContainerEvidenceSchema } from '../domain/evidence-set.js';
import { ContainerStateSchema } from '../domain/container.js';
import { SuppressionSchema } from '../domain/suppression.js';
import { SinceSchema } from './scan.js';

/** An allowlist entry as the analyst writes it: the case store numbers the revisions. */
const SuppressionInputSchema = z.object({
  id: z.string(),
  reason: z.string(),
  detectors: z.array(z.string()),
  match: z.record(z.string(), z.string()),
  maxSeverity: z.enum(['low', 'medium', 'high', 'critical']).optional(),
  owner: z.string().max(256).optional(),
  expires: z.string().optional(),
});

/** A case as lists and pickers show it: read-only cases come from imported bundles and refuse edits. */
export const CaseViewSchema = CaseSummarySchema.extend({
  readOnly: z.boolean().default(false),
  /** Where the case came from, e.g. the bundle file it was imported from. */
  source: z.string().max(4096).optional(),
  current: z.boolean().default(false),
  scanCount: z.number().int().default(0),
  /** For a case imported from a bundle: whether the collector's signature over the bundle verified, and its key. */
  bundleSignature: z
    .object({
      status: z.enum(['verified', 'unsigned', 'invalid']),
      fingerprint: z.string().max(128).optional(),
      summary: z.string().max(512),
    })
    .optional(),
});
export type CaseView = z.infer<typeof CaseViewSchema>;

export const CaseRef = z.object({ caseId: z.string().min(1).max(128) });
const CaseName = z.string().trim().min(1).max(256);

export const TriageChangeSchema = z.object({
  seq: z.number().int(),
  findingId: z.string(),
  at: z.string(),
  actor: z.string(),
  from: TriageStateSchema,
  to: TriageStateSchema,
  reason: z.string().max(4096).optional(),
});
export type TriageChange = z.infer<typeof TriageChangeSchema>;

export const VerifyProblemSchema = z.object({
  kind: z.enum([
    'blob-missing',
    'hash-mismatch',
    'custody-chain',
    'integrity',
    'seal',
    'signature',
    'triage',
    'finding',
  ]),
  sha256: z.string().optional(),
  detail: z.string().max(2048),
});
export const VerifyResultSchema = z.object({
  caseId: z.string(),
  checked: z.number().int(),
  custodyEntries: z.number().int(),
  ok: z.boolean(),
  problems: z.array(VerifyProblemSchema),
});
export type VerifyResult = z.infer<typeof VerifyResultSchema>;

export const REPORT_FORMATS = ['html', 'pdf', 'json', 'md', 'navigator'] as const;
export const ReportFormatSchema = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

/** A generated report: text formats inline, PDF as base64; the hash lets the analyst cite the exact export. */
export const ReportOutputSchema = z.object({
  format: ReportFormatSchema,
  mediaType: z.string(),
  filename: z.string(),
  text: z.string().optional(),
  base64: z.string().optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int(),
});
export type ReportOutput = z.infer<typeof ReportOutputSchema>;

export const CaseContainerSchema = z.object({
  scanId: z.string(),
  id: z.string(),
  name: z.string(),
  image: z.string(),
  state: ContainerStateSchema,
  risk: z.number(),
  hasEvidence: z.boolean(),
});
export type CaseContainer = z.infer<typeof CaseContainerSchema>;

/** One scan recorded in a case. */
export const CaseScanSchema = z.object({
  id: z.string(),
  engineId: z.string(),
  scannedAt: z.string(),
  durationMs: z.number(),
  resultSha256: z.string(),
  evidenceSha256: z.string().optional(),
  containerCount: z.number().int(),
  findingCount: z.number().int(),
  errorCount: z.number().int(),
});

/** What checking an exported report found: its seal signature and, for JSON, its custody log. */
export const ReportCheckSchema = z.object({
  ok: z.boolean(),
  keyFingerprint: z.string().max(128).optional(),
  custody: z.object({ count: z.number().int(), head: z.string().max(128) }).optional(),
  problems: z.array(z.string().max(2048)).max(10_000),
});
export type ReportCheck = z.infer<typeof ReportCheckSchema>;

/** Case store, triage, notes, evidence, custody, reports and offline bundles. */
export const caseOps = {
  'cases.list': defineOp(z.object({ includeArchived: z.boolean().default(true) }), z.array(CaseViewSchema)),
  /** The case with this id, name or id prefix; with `create`, a new case of that name when none matches. */
  'cases.resolve': defineOp(
    z.object({ ref: z.string().trim().min(1).max(256), create: z.boolean().default(false) }),
    CaseViewSchema,
  ),
  /** The scans recorded in the case, newest first. */
  'cases.scans': defineOp(CaseRef, z.array(CaseScanSchema)),
  'cases.create': defineOp(z.object({ name: CaseName }), CaseViewSchema),
  /** Makes the case current (and reopens it when it was closed). */
  'cases.open': defineOp(CaseRef, CaseViewSchema),
  'cases.current': defineOp(z.object({}), CaseViewSchema.nullable()),
  'cases.rename': defineOp(CaseRef.extend({ name: CaseName }), CaseViewSchema),
  'cases.close': defineOp(CaseRef, CaseViewSchema),
  'cases.reopen': defineOp(CaseRef, CaseViewSchema),
  'cases.archive': defineOp(CaseRef, CaseViewSchema),
  /** Records the engine's latest scan (and its evidence set) in the case. */
  'cases.addScan': defineOp(CaseRef.extend({ engineId: z.string().min(1).max(128) }), CaseViewSchema, {
    timeoutMs: 120_000,
  }),
  'cases.containers': defineOp(CaseRef, z.array(CaseContainerSchema)),
  /** Evidence of one container as recorded in the case (live scan or imported bundle), newest scan first. */
  'cases.containerEvidence': defineOp(
    CaseRef.extend({ containerId: z.string().min(1).max(128) }),
    ContainerEvidenceSchema,
  ),
  'findings.list': defineOp(
    CaseRef.extend({
      severity: SeveritySchema.optional(),
      state: TriageStateSchema.optional(),
      containerId: z.string().max(128).optional(),
      limit: z.number().int().min(1).max(10_000).default(1000),
      offset: z.number().int().min(0).default(0),
    }),
    z.object({ total: z.number().int(), items: z.array(FindingSchema) }),
  ),
  'findings.setState': defineOp(
    CaseRef.extend({
      findingId: z.string().min(1).max(512),
      state: TriageStateSchema,
      reason: z.string().max(4096).optional(),
    }),
    FindingSchema,
  ),
  'findings.history': defineOp(
    CaseRef.extend({ findingId: z.string().max(512).optional() }),
    z.array(TriageChangeSchema),
  ),
  'suppressions.list': defineOp(CaseRef, z.array(SuppressionSchema)),
  /** Adds an allowlist entry to the case (a new revision when the id exists); later scans honour it. */
  'suppressions.add': defineOp(CaseRef.extend({ suppression: SuppressionInputSchema }), SuppressionSchema),
  'notes.add': defineOp(
    CaseRef.extend({ markdown: z.string().min(1).max(200_000), findingId: z.string().max(512).optional() }),
    NoteSchema,
  ),
  /** An edit is a new version that supersedes the note; the earlier text stays in the case. */
  'notes.edit': defineOp(
    CaseRef.extend({ noteId: z.string().min(1).max(128), markdown: z.string().min(1).max(200_000) }),
    NoteSchema,
  ),
  /** The newest version of each note; with `versions`, every version (edits name the one they supersede). */
  'notes.list': defineOp(CaseRef.extend({ versions: z.boolean().optional() }), z.array(NoteSchema)),
  'evidence.list': defineOp(CaseRef, z.array(EvidenceItemSchema)),
  'evidence.verify': defineOp(CaseRef, VerifyResultSchema, { timeoutMs: 300_000 }),
  'custody.list': defineOp(CaseRef, z.array(CustodyEntrySchema)),
  /** This installation's public custody key, which signs case seals, reports and bundles. */
  'custody.key': defineOp(
    z.object({}),
    z.object({ publicPem: z.string().max(8192), fingerprint: z.string().max(128) }),
  ),
  'reports.generate': defineOp(CaseRef.extend({ format: ReportFormatSchema }), ReportOutputSchema, {
    timeoutMs: 120_000,
  }),
  /** Checks a report file on this machine against its seal, and against a trusted public key file when named. */
  'reports.verify': defineOp(
    z.object({ path: z.string().min(1).max(4096), keyPath: z.string().min(1).max(4096).optional() }),
    ReportCheckSchema,
  ),
  /** Imports an offline evidence bundle into a new read-only case, after validating it. */
  'bundles.open': defineOp(z.object({ path: z.string().min(1).max(4096) }), CaseViewSchema, { timeoutMs: 300_000 }),
  /**
   * Scans an engine and writes the outcome as an offline bundle file on this machine, signed with this installation's
   * custody key; `engineName` names the engine in the bundle (collection Jobs pass their node's name).
   */
  'bundles.collect': defineOp(
    z.object({
      engineId: z.string().min(1).max(128),
      out: z.string().min(1).max(4096),
      since: SinceSchema.optional(),
      exec: z.boolean().optional(),
      stats: z.boolean().optional(),
      engineName: z.string().min(1).max(256).optional(),
    }),
    z.object({ path: z.string(), containers: z.number().int(), findings: z.number().int(), files: z.number().int() }),
    { timeoutMs: 15 * 60_000 },
  ),
};
