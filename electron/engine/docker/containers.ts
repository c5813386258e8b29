import type { ContainerDetail, ContainerSummary } from '../../../shared/domain/container.js';
import type { EngineRegistry } from '../connections/registry.js';
import { toAppError } from '../errors.js';
import { mapContainerDetail, mapContainerSummary } from './map.js';

/** Engines answered from collected evidence instead of the Engine API (opened evidence bundles). */
export interface OfflineContainers {
  has(engineId: string): boolean;
  list(engineId: string, all?: boolean): ContainerSummary[];
  inspect(engineId: string, containerId: string): ContainerDetail;
}

/** Engines answered from a cluster's API server (Kubernetes contexts). */
export interface ClusterContainers {
  has(engineId: string): boolean;
  list(engineId: string, all?: boolean): Promise<ContainerSummary[]>;
  inspect(engineId: string, containerId: string): Promise<ContainerDetail>;
}

/** Read-only container queries through the Engine API. */
export class ContainerService {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly offline?: OfflineContainers,
    /** Kubernetes contexts: pod containers as the API server declares them. */
    private readonly cluster?: ClusterContainers,
  ) {}

  async list(engineId: string, all = true): Promise<ContainerSummary[]> {
    if (this.offline?.has(engineId)) return this.offline.list(engineId, all);
    if (this.cluster?.has(engineId)) return this.cluster.list(engineId, all);
    const docker = await this.engines.client(engineId);
    try {
      const rows = await docker.listContainers({ all });
      return rows.map((r) => mapContainerSummary(r, engineId)).sort((a, b) => a.name.localeCompare(b.name));
    } catch (e) {
      throw this.fail(engineId, e);
    }
  }

  async inspect(engineId: string, containerId: string): Promise<ContainerDetail> {
    if (this.offline?.has(engineId)) return this.offline.inspect(engineId, containerId);
    if (this.cluster?.has(engineId)) return this.cluster.inspect(engineId, containerId);
    const docker = await this.engines.client(engineId);
    try {
      return mapContainerDetail(await docker.getContainer(containerId).inspect(), engineId);
    } catch (e) {
      throw this.fail(engineId, e);
    }
  }

  private fail(engineId: string, e: unknown) {
    const err = toAppError(e, `engine "${engineId}"`);
    if (['ENGINE_UNREACHABLE', 'ENGINE_TIMEOUT', 'SOCKET_MISSING'].includes(err.code)) this.engines.markLost(engineId, err.message);
    return err;
  }
}
