import { z } from 'zod';
import { ContainerStateSchema } from './container.js';
import { FindingSchema } from './finding.js';
import { InsecureTransportSchema } from './engine.js';
import { ObservationSchema } from './observation.js';

/** A non-fatal problem during a scan: one container or call failed, the scan went on. */
export const ScanErrorSchema = z.object({
  containerId: z.string().optional(),
  /** The engine the error belongs to, in a scan of several engines. */
  engineId: z.string().optional(),
  call: z.string(),
  code: z.string(),
  message: z.string().max(2048),
});
export type ScanError = z.infer<typeof ScanErrorSchema>;

/** One engine of a scan of several: scanned (with its counts) or failed (with the reason; the others stand). */
export const EngineScanSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  endpoint: z.string(),
  serverVersion: z.string().optional(),
  status: z.enum(['scanned', 'failed']),
  durationMs: z.number(),
  containers: z.number().int(),
  findings: z.number().int(),
  error: z.object({ code: z.string(), message: z.string().max(2048) }).optional(),
});
export type EngineScanSummary = z.infer<typeof EngineScanSummarySchema>;

/** The `stowaway scan --format json` contract. */
export const ScanResultSchema = z.object({
  engine: z.object({
    id: z.string(),
    name: z.string(),
    endpoint: z.string(),
    serverVersion: z.string().optional(),
    /** Set when the engine was read over plain tcp or unverified TLS (allowed explicitly by the analyst). */
    insecure: InsecureTransportSchema.optional(),
  }),
  scannedAt: z.string(),
  durationMs: z.number(),
  containers: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      image: z.string(),
      state: ContainerStateSchema,
      risk: z.number(),
      engineId: z.string().optional(),
    }),
  ),
  findings: z.array(FindingSchema),
  /** Findings a suppression or baseline hid, each with `suppressedBy`; present only when at least one was hidden. */
  suppressed: z.array(FindingSchema).optional(),
  errors: z.array(ScanErrorSchema),
  /** Present only for observed scans (`--observe`): the sampling behind time-based findings. */
  observation: ObservationSchema.optional(),
  /** Present only for incremental rescans: containers whose earlier evidence was kept, and those read again. */
  incremental: z.object({ reused: z.number().int(), collected: z.number().int() }).optional(),
  /**
   * Present only when several engines were scanned together (`--context A --context B`, `--all-contexts`): each
   * engine's outcome. `engine` then names them all, and containers, findings and errors carry their engineId.
   */
  engines: z.array(EngineScanSummarySchema).optional(),
});
export type ScanResult = z.infer<typeof ScanResultSchema>;

export const ScanProgressSchema = z.object({
  scanId: z.string(),
  phase: z.enum(['listing', 'collecting', 'detecting', 'done']),
  done: z.number().int(),
  total: z.number().int(),
  message: z.string().max(512).optional(),
});
export type ScanProgress = z.infer<typeof ScanProgressSchema>;
