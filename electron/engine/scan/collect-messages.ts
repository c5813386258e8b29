import type { Endpoint } from '@shared/domain/engine.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import type { ErrorPayload } from '@shared/errors.js';
import type { ShippedOptions } from './collect-job.js';

/** What a collection thread needs to reach the engine itself: its own client, built from the endpoint alone. */
export interface CollectJob {
  endpoint: Endpoint;
  apiVersion?: string;
  timeoutMs: number;
  options: ShippedOptions;
  /** Incremental collections: the earlier evidence and signatures (null: none yet). Absent: a full collection. */
  basis?: { evidence: EngineEvidence; signatures: [string, string][] } | null;
  /** The caller's signal had fired before the job was sent: the thread starts it aborted, not on a later message. */
  aborted?: boolean;
}

export type ToCollector = { type: 'collect'; id: number; job: CollectJob } | { type: 'abort'; id: number };

export type FromCollector =
  | { type: 'progress'; id: number; done: number; total: number; message: string }
  | {
      type: 'done';
      id: number;
      /** Without the containers kept from the basis when `order` is present: the caller holds those already. */
      evidence: unknown;
      /** Every container's ID in the evidence's order, the kept ones included. */
      order?: string[];
      reused?: string[];
      signatures?: [string, string][];
    }
  | { type: 'failed'; id: number; error: ErrorPayload };
