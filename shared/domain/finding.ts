import { z } from 'zod';
import { boundedString, LIMITS } from './bounds.js';
import { WorkloadRefSchema } from './kube-evidence.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** Numeric rank, for sorting and for `--fail-on` thresholds. */
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/** ATT&CK technique id, e.g. T1611 or T1222.002. */
export const AttackIdSchema = z.string().regex(/^T\d{4}(\.\d{3})?$/);

/** What the finding was judged from: a point-in-time state, a live process/socket, or the event history. */
export const DetectorKindSchema = z.enum(['state', 'live', 'event']);

/** Which of the two ADS reports a detector implements. */
export const StrategySchema = z.enum(['ADS-evasion', 'ADS-c2-abuse']);

export const DetectorMetaSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string(),
  strategy: z.array(StrategySchema).min(1),
  attack: z.array(AttackIdSchema).min(1),
  severity: SeveritySchema,
  kind: DetectorKindSchema,
  dataSources: z.array(z.string()).min(1),
  goal: z.string(),
  blindSpots: z.array(z.string()).min(1),
  falsePositives: z.array(z.string()).min(1),
  response: z.array(z.string()).min(1),
  /** Rule-file detectors: the file and the rule's version (`rules/site.yaml:12, rule version 3`); absent for built-ins. */
  source: z.string().max(2048).optional(),
});
export type DetectorMeta = z.infer<typeof DetectorMetaSchema>;

export const TriageStateSchema = z.enum(['new', 'confirmed', 'false-positive', 'suppressed']);
export type TriageState = z.infer<typeof TriageStateSchema>;

/** A pointer from a finding to the evidence behind it, with the excerpt an analyst reads first. */
export const EvidenceRefSchema = z.object({
  kind: z.enum(['inspect', 'image', 'process', 'socket', 'file', 'event', 'stats', 'exec']),
  /** What the evidence is about: a pid, a path, a socket "1.2.3.4:80", an event id. */
  ref: boundedString(LIMITS.path),
  excerpt: boundedString(LIMITS.summary),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type EvidenceRef = z.infer<typeof EvidenceRefSchema>;

export const FindingSchema = z.object({
  id: z.string(),
  detector: z.string(),
  title: z.string(),
  severity: SeveritySchema,
  attack: z.array(AttackIdSchema),
  kind: DetectorKindSchema,
  engineId: z.string().optional(),
  container: z.object({ id: z.string(), name: boundedString(LIMITS.name) }).optional(),
  /** The Kubernetes workload a finding is about, with the container when it is about one. */
  workload: WorkloadRefSchema.optional(),
  evidence: z.array(EvidenceRefSchema).max(64),
  summary: boundedString(LIMITS.summary),
  /** What the finding was raised for, shared by the findings of one detector on one condition (informational findings group by it). */
  cause: z.string().max(256).optional(),
  firstSeen: z.string().optional(),
  state: TriageStateSchema.default('new'),
  suppressedBy: z.string().optional(),
});
export type Finding = z.infer<typeof FindingSchema>;
