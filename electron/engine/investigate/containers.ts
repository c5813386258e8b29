import type { ContainerDetail, ContainerSummary } from '@shared/domain/container.js';
import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import type { EngineRegistry } from '../connections/registry.js';
import type { EngineSource, EvidenceRequest } from '../connections/engine-source.js';
import type { PartialHandlers } from '../handlers.js';
import type { TimelineQuery, TimelineResult } from './timeline-events.js';
import { containerStats } from './container-stats.js';

/**
 * Containers, their evidence and their engine's events, asked of whatever source answers for the engine (a Docker
 * engine, a Kubernetes context, an opened evidence bundle), so no view needs to know which kind it looks at.
 */
export class ContainerService {
  constructor(
    private readonly engines: EngineRegistry,
    /** Answers for engines no registered source claims (unknown ids get the registry's "no engine" error from it). */
    private readonly fallback: EngineSource,
  ) {}

  list(engineId: string, all = true): Promise<ContainerSummary[]> {
    return this.source(engineId).list(engineId, all);
  }

  inspect(engineId: string, containerId: string): Promise<ContainerDetail> {
    return this.source(engineId).inspect(engineId, containerId);
  }

  evidence(engineId: string, containerId: string, req: EvidenceRequest): Promise<ContainerEvidence> {
    return this.source(engineId).evidence(engineId, containerId, req);
  }

  timeline(engineId: string, q: TimelineQuery): Promise<TimelineResult> {
    return this.source(engineId).timeline(engineId, q);
  }

  handlers(): Pick<
    Required<PartialHandlers>,
    'containers.list' | 'containers.inspect' | 'containers.stats' | 'evidence.container' | 'timeline.events'
  > {
    return {
      'containers.list': async ({ engineId, all }) => this.list(engineId, all),
      'containers.inspect': async ({ engineId, containerId }) => this.inspect(engineId, containerId),
      // Stats need a live Docker engine: the registry refuses a client for any other kind, with its reason.
      'containers.stats': async ({ engineId, containerId }) => containerStats(this.engines, engineId, containerId),
      'evidence.container': async ({ engineId, containerId, refresh, podExec }, ctx) =>
        this.evidence(engineId, containerId, { refresh, podExec: podExec === true, user: ctx.user }),
      'timeline.events': async ({ engineId, since, until, containerId }) =>
        this.timeline(engineId, { since, until, containerId }),
    };
  }

  private source(engineId: string): EngineSource {
    return this.engines.source(engineId) ?? this.fallback;
  }
}
