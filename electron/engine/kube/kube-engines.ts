import type { ContainerDetail, ContainerSummary } from '@shared/domain/container.js';
import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import type { EngineCapabilities, EngineSource, EvidenceRequest } from '../connections/engine-source.js';
import type { TimelineQuery, TimelineResult } from '../investigate/timeline-events.js';
import type { KubeContainers } from './kube-containers.js';
import type { KubeExec } from './kube-exec.js';

/** A cluster is live, but has no Docker event stream to follow. */
const CLUSTER: EngineCapabilities = { mode: 'live', liveEvents: false };

/** Kubernetes contexts as engines: pod containers from the API server, their processes through pods/exec. */
export class KubeEngines implements EngineSource {
  constructor(
    private readonly containers: KubeContainers,
    private readonly exec: KubeExec,
  ) {}

  has(engineId: string): boolean {
    return this.containers.has(engineId);
  }

  capabilities(): EngineCapabilities {
    return CLUSTER;
  }

  list(engineId: string, all?: boolean): Promise<ContainerSummary[]> {
    return this.containers.list(engineId, all);
  }

  inspect(engineId: string, containerId: string): Promise<ContainerDetail> {
    return this.containers.inspect(engineId, containerId);
  }

  /** The process list runs a command in the pod: only with the analyst's yes (podExec), else what is held. */
  evidence(engineId: string, containerId: string, req: EvidenceRequest): Promise<ContainerEvidence> {
    return this.exec.evidence(engineId, containerId, { run: req.podExec, refresh: req.refresh, user: req.user });
  }

  timeline(engineId: string, q: TimelineQuery): Promise<TimelineResult> {
    return this.containers.timeline(engineId, q);
  }
}
