import { z } from 'zod';
import { defineOp } from './define.js';
import { ScanResultSchema } from '../domain/scan.js';
import { ContainerEvidenceSchema, EngineEvidenceSchema } from '../domain/evidence-set.js';

const EngineId = z.string().min(1).max(128);
const ContainerId = z.string().regex(/^[0-9a-f]{12,64}$/);

/** Docker-style durations ("30m", "24h", "7d") or an RFC 3339 time. */
export const SinceSchema = z
  .string()
  .max(64)
  .regex(
    /^(\d+(ms|s|m|h|d|w)|\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2}))$/,
    'use a duration such as 30m, 24h, 7d or an RFC 3339 time',
  );

/** What an analyst can bring to a scan from the UI besides the engine, as the CLI's --baseline and --kube-* flags. */
export const ScanOptionsSchema = z.object({
  /** Named baselines (detectors.list names them), applied before the case's allowlist. */
  baselines: z.array(z.string().max(64)).max(8).optional(),
  /** A kubeconfig context whose pods are listed, to find containers with pod labels but no pod. */
  kubeContext: z.string().min(1).max(256).optional(),
  /** API-server audit logs (JSON lines) on this machine, judged with the scan. */
  kubeAudit: z.array(z.string().min(1).max(4096)).max(8).optional(),
  /** Observe running containers for this long within the scan ("8s", "2m"), as the CLI's --observe. */
  observe: z
    .string()
    .regex(/^\d+(ms|s|m)$/, 'use a duration such as 8s or 2m')
    .max(16)
    .optional(),
  /** A suppression file (YAML or JSON) on this machine, applied before the allowlist in force (the CLI's --suppressions). */
  suppressionsFile: z.string().min(1).max(4096).optional(),
  /** The case whose allowlist is in force for this scan instead of the current case's (the CLI's --case). */
  allowlistCase: z.string().min(1).max(256).optional(),
  /** Reads only asked for: commands run inside containers the host cannot read, and stats of every running one. */
  exec: z.boolean().optional(),
  stats: z.boolean().optional(),
  /** A Kubernetes context scan limited to these namespaces. */
  namespaces: z.array(z.string().min(1).max(253)).max(64).optional(),
  /** A rules directory for this scan in place of the data directory's (which must exist). */
  rulesDir: z.string().min(1).max(4096).optional(),
});
export type ScanOptions = z.infer<typeof ScanOptionsSchema>;

/** Scanning an engine and reading the evidence one container has. */
export const scanOps = {
  /** Collects every container (running and stopped), runs the detectors and keeps the result as the engine's latest. */
  'scan.run': defineOp(
    z.object({ engineId: EngineId, since: SinceSchema.optional(), options: ScanOptionsSchema.optional() }),
    ScanResultSchema,
    { timeoutMs: 15 * 60_000 },
  ),
  'scan.latest': defineOp(z.object({ engineId: EngineId }), ScanResultSchema.nullable()),
  /** The evidence behind the latest scan (events, execs, images and every container), or null before any scan. */
  'evidence.latest': defineOp(z.object({ engineId: EngineId }), EngineEvidenceSchema.nullable(), { timeoutMs: 60_000 }),
  /**
   * Evidence of one container; cached per container until `refresh` or a new scan. A pod container of a Kubernetes
   * engine has its processes read through pods/exec (a command runs in the pod) only with `podExec`, which the view
   * sends once the analyst agreed; without it the answer holds the pod spec and the last listing, if any.
   */
  'evidence.container': defineOp(
    z.object({
      engineId: EngineId,
      containerId: ContainerId,
      refresh: z.boolean().default(false),
      podExec: z.literal(true).optional(),
    }),
    ContainerEvidenceSchema,
    {
      timeoutMs: 120_000,
    },
  ),
};
