import type { ContainerDetail, ContainerSummary } from '@shared/domain/container.js';
import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import type { EngineEvent } from '@shared/domain/event.js';
import type { EngineRegistry } from '../connections/registry.js';
import {
  LIVE_DOCKER,
  type EngineCapabilities,
  type EngineSource,
  type EvidenceRequest,
} from '../connections/engine-source.js';
import { toAppError } from '../errors.js';
import { readEngineEvents, type TimelineQuery, type TimelineResult } from '../investigate/timeline-events.js';
import { mapContainerDetail, mapContainerSummary } from './map.js';

export interface DockerEnginesOptions {
  /** One container's evidence: the latest scan's while it is fresh, or a collection now (see ScanService). */
  evidence: (engineId: string, containerId: string, refresh: boolean) => Promise<ContainerEvidence>;
  /** Marks events our own calls caused (the footprint). */
  annotate?: (events: EngineEvent[]) => EngineEvent[];
}

/** Live Docker engines, asked through the Engine API: the source of every engine no other source claims. */
export class DockerEngines implements EngineSource {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly opts: DockerEnginesOptions,
  ) {}

  has(): boolean {
    return true;
  }

  capabilities(): EngineCapabilities {
    return LIVE_DOCKER;
  }

  async list(engineId: string, all = true): Promise<ContainerSummary[]> {
    const docker = await this.engines.client(engineId);
    try {
      const rows = await docker.listContainers({ all });
      return rows.map((r) => mapContainerSummary(r, engineId)).sort((a, b) => a.name.localeCompare(b.name));
    } catch (e) {
      throw this.fail(engineId, e);
    }
  }

  async inspect(engineId: string, containerId: string): Promise<ContainerDetail> {
    const docker = await this.engines.client(engineId);
    try {
      return mapContainerDetail(await docker.getContainer(containerId).inspect(), engineId);
    } catch (e) {
      throw this.fail(engineId, e);
    }
  }

  evidence(engineId: string, containerId: string, req: EvidenceRequest): Promise<ContainerEvidence> {
    return this.opts.evidence(engineId, containerId, req.refresh);
  }

  async timeline(engineId: string, q: TimelineQuery): Promise<TimelineResult> {
    const r = await readEngineEvents(await this.engines.client(engineId), engineId, q);
    return this.opts.annotate ? { ...r, events: this.opts.annotate(r.events) } : r;
  }

  private fail(engineId: string, e: unknown) {
    const err = toAppError(e, `engine "${engineId}"`);
    if (['ENGINE_UNREACHABLE', 'ENGINE_TIMEOUT', 'SOCKET_MISSING'].includes(err.code))
      this.engines.markLost(engineId, err.message);
    return err;
  }
}
