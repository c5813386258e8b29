import type Docker from 'dockerode';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { collectEngineEvidence, type EngineCollectOptions } from '../collect/engine-evidence.js';
import { collectIncremental, type ScanBasis } from './incremental.js';

/** One engine's collection as a scan asks for it. `basis` present (even null): incremental, see collectIncremental. */
export type CollectRequest = EngineCollectOptions & { basis?: ScanBasis | null };

/** What a collection hands to detection: the evidence, and for incremental ones what was kept and the signatures. */
export interface Collected {
  evidence: EngineEvidence;
  reused?: Set<string>;
  signatures?: Map<string, string>;
}

/** Runs one engine's collection: on this thread (collectHere) or on a thread of its own (see collect-in-worker). */
export type Collector = (docker: Docker, req: CollectRequest) => Promise<Collected>;

export const collectHere: Collector = async (docker, { basis, ...opts }) =>
  basis !== undefined
    ? collectIncremental(docker, { ...opts, basis })
    : { evidence: await collectEngineEvidence(docker, opts) };

/**
 * The settings of a collection that cross to a collection thread: plain data only. Callbacks and the abort signal
 * cross as messages; the scan's other options (detectors, allowlists, history) stay with detection.
 */
export const SHIPPED_OPTIONS = [
  'engine',
  'since',
  'local',
  'procRoot',
  'callTimeoutMs',
  'exec',
  'stats',
  'busyCpuPercent',
  'concurrency',
  'containerIds',
  'eventsTimeoutMs',
  'maxExecLookups',
] as const satisfies readonly (keyof EngineCollectOptions)[];

export type ShippedOptions = Pick<EngineCollectOptions, (typeof SHIPPED_OPTIONS)[number]>;

export const shippedOptions = (req: CollectRequest): ShippedOptions => {
  const out: Record<string, unknown> = {};
  for (const k of SHIPPED_OPTIONS) if (req[k] !== undefined) out[k] = req[k];
  return out as ShippedOptions;
};
