import type { DetectorMeta, EvidenceRef, Severity } from '@shared/domain/finding.js';
import type { ContainerEvidence, EngineEvidence } from '@shared/domain/evidence-set.js';
import type { WorkloadRef } from '@shared/domain/kube-evidence.js';
import type { DetectPolicy } from './policy.js';

/**
 * One observation a detector makes. `ref` names the specific thing (a path, a pid + exe, a socket, an event)
 * and goes into the finding's stable id, so it must not contain values that change between scans of the
 * same condition (no timestamps, no counters).
 */
export interface Hit {
  /** Absent for engine-level observations (Kubernetes audit, images without a container). */
  container?: ContainerEvidence;
  /** A container known only from events or audit records (already removed, or a Kubernetes workload). */
  subject?: { id: string; name: string; image?: string; labels?: Record<string, string> };
  /** The Kubernetes workload (and container) the observation is about. */
  workload?: WorkloadRef;
  /** When it happened, for event findings (an audit record's time): the finding's place on the timeline. */
  at?: string;
  /** Who made the change, for identity allowlists (`match.user`). */
  user?: string;
  ref: string;
  summary: string;
  evidence: EvidenceRef[];
  /** Overrides the detector's default severity when the observation is worse or milder than usual. */
  severity?: Severity;
  /** The condition this observation is an instance of, to group findings (default: the ref up to its first colon). */
  cause?: string;
  /** The precise techniques of this observation, a subset of the detector's list. */
  attack?: string[];
}

export interface DetectContext {
  policy: DetectPolicy;
}

/** A detector: documented metadata plus a pure function from collected evidence to observations. */
export interface Detector {
  meta: DetectorMeta;
  detect(evidence: EngineEvidence, ctx: DetectContext): Hit[];
}
