import type { ContainerDetail, ContainerSummary } from '@shared/domain/container.js';
import type { ContainerEvidence, EngineEvidence } from '@shared/domain/evidence-set.js';
import type { Finding } from '@shared/domain/finding.js';
import type { ScanResult } from '@shared/domain/scan.js';
import type { AppError } from '@shared/errors.js';
import type { TimelineQuery, TimelineResult } from '../investigate/timeline-events.js';

/**
 * What an engine can be asked. A live engine answers every question anew and can be scanned again; a read-only
 * one (an opened evidence bundle) answers from what was collected earlier, and nothing it holds ever changes.
 */
export interface EngineCapabilities {
  mode: 'live' | 'read-only';
  /** Whether it pushes engine events as they happen (a Docker event stream). */
  liveEvents: boolean;
}

export interface EvidenceRequest {
  /** Read it again instead of answering from what is held. */
  refresh: boolean;
  /** The analyst agreed to run a command in a pod container (pods/exec) to read its processes. */
  podExec: boolean;
  user: string;
}

/** A whole scan an engine was opened with: the evidence set, its result and the findings an allowlist hid. */
export interface RecordedScan {
  result: ScanResult;
  evidence: EngineEvidence;
  suppressed: Finding[];
}

/**
 * One kind of engine: Docker engines, Kubernetes contexts and opened evidence bundles each implement it, and the
 * registry asks the source of an engine instead of every caller testing what kind of engine it was given.
 */
export interface EngineSource {
  /** True for the engines this source answers for. */
  has(engineId: string): boolean;
  capabilities(engineId: string): EngineCapabilities;
  list(engineId: string, all?: boolean): Promise<ContainerSummary[]>;
  inspect(engineId: string, containerId: string): Promise<ContainerDetail>;
  /** One container's evidence: held, or collected now. */
  evidence(engineId: string, containerId: string, req: EvidenceRequest): Promise<ContainerEvidence>;
  /** The engine's events in a closed window. */
  timeline(engineId: string, q: TimelineQuery): Promise<TimelineResult>;
  /** The scan a read-only engine was opened with; live engines have none. */
  recorded?(engineId: string): RecordedScan | undefined;
  /** Why a read-only engine has no Engine API client to give (exec, logs, stats, a new scan need one). */
  refusal?(engineId: string): AppError;
}

export const LIVE_DOCKER: EngineCapabilities = { mode: 'live', liveEvents: true };
