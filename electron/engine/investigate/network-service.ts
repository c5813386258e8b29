import { existsSync } from 'node:fs';
import type { NetGraph } from '@shared/api/investigate-network.js';
import type { ContainerDetail, ContainerSummary } from '@shared/domain/container.js';
import type { NetworkSnapshot } from '@shared/domain/network.js';
import type { EngineRegistry } from '../connections/registry.js';
import type { ContainerService } from './containers.js';
import { createLimiter } from '../collect/limiter.js';
import { toAppError } from '../errors.js';
import type { PartialHandlers } from '../handlers.js';
import { buildNetworkGraph, type ContainerSockets } from './network-graph.js';
import { netnsOf, readNamespaceSockets, socketOwners } from './network-proc.js';

/** Evidence another service already collected for a container (sockets with pid mapping), when it has some. */
export type SocketEvidenceSource = (
  engineId: string,
  containerId: string,
) => Promise<{ container: ContainerDetail; sockets: NetworkSnapshot[] } | undefined>;

/** Engines whose graph is drawn elsewhere: a cluster's is what it declares (see KubeNetwork). */
export interface OtherGraphs {
  has(engineId: string): boolean;
  graph(engineId: string): Promise<NetGraph>;
}

/**
 * Builds the network graph of every running container of an engine. On a local engine the socket tables are read
 * host-side from /proc (nothing runs in the containers); otherwise it uses collected evidence when given one.
 */
export class NetworkService {
  private readonly limit = createLimiter(8);

  constructor(
    private readonly engines: EngineRegistry,
    private readonly containers: ContainerService,
    private readonly evidence?: SocketEvidenceSource,
    private readonly procRoot = '/proc',
  ) {}

  handlers(others?: OtherGraphs): Pick<Required<PartialHandlers>, 'investigate.network'> {
    return {
      'investigate.network': async ({ engineId }) =>
        others?.has(engineId) ? others.graph(engineId) : this.graph(engineId),
    };
  }

  async graph(engineId: string): Promise<NetGraph> {
    const running = (await this.containers.list(engineId, false)).filter((c) => c.state === 'running');
    const { rows, access, errors } = await this.sockets(engineId, running);
    return buildNetworkGraph(engineId, rows, { access, errors });
  }

  /** The socket tables of some running containers of an engine: host-side when it is local, else from evidence. */
  async sockets(
    engineId: string,
    running: ContainerSummary[],
  ): Promise<{ rows: ContainerSockets[]; access: NetGraph['access']; errors: NetGraph['errors'] }> {
    const endpoint = this.engines.config(engineId).endpoint;
    // A read-only engine (an opened evidence bundle) has no engine to call: its graph comes from the socket evidence it holds.
    const docker =
      this.engines.capabilities(engineId).mode === 'read-only' ? undefined : await this.engines.client(engineId);
    const hostSide =
      docker !== undefined &&
      endpoint.type === 'unix' &&
      process.platform === 'linux' &&
      existsSync(`${this.procRoot}/self/net/tcp`);
    const errors: NetGraph['errors'] = [];

    const rows = await Promise.all(
      running.map((summary) =>
        this.limit(async (): Promise<ContainerSockets | undefined> => {
          try {
            const detail = await this.containers.inspect(engineId, summary.id);
            const base = { id: detail.id, name: detail.name, networks: detail.networks };
            if (hostSide && docker && detail.hostPid) {
              const top = (await docker
                .getContainer(detail.id)
                .top({ ps_args: '-eo pid' })
                .catch(() => undefined)) as { Titles?: string[]; Processes?: string[][] } | undefined;
              const pids = (top?.Processes ?? []).map((p) => Number(p[0])).filter((n) => Number.isInteger(n) && n > 0);
              if (!pids.includes(detail.hostPid)) pids.unshift(detail.hostPid);
              const [sockets, owners, netns] = await Promise.all([
                readNamespaceSockets(detail.hostPid, this.procRoot),
                socketOwners(pids, this.procRoot),
                netnsOf(detail.hostPid, this.procRoot),
              ]);
              for (const s of sockets) {
                const o = owners.get(s.inode);
                if (o) {
                  s.pid = o.pid;
                  s.process = o.comm;
                }
              }
              return { ...base, netns, sockets, socketsKnown: true };
            }
            const ev = await this.evidence?.(engineId, detail.id).catch(() => undefined);
            const last = ev?.sockets.at(-1);
            return { ...base, sockets: last?.sockets ?? [], socketsKnown: Boolean(last) };
          } catch (e) {
            // A container that exited mid-walk is not an error worth a red banner; anything else is reported.
            const err = toAppError(e, `engine "${engineId}"`);
            if (err.code !== 'NOT_FOUND') errors.push({ containerId: summary.id, message: err.message });
            return undefined;
          }
        }),
      ),
    );
    const list = rows.filter((r): r is ContainerSockets => Boolean(r));
    const access: NetGraph['access'] = hostSide ? 'host' : list.some((r) => r.socketsKnown) ? 'api' : 'none';
    return { rows: list, access, errors };
  }
}
