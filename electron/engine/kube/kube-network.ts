import type { NetGraph } from '@shared/api/investigate-network.js';
import type { ContainerSummary } from '@shared/domain/container.js';
import { clip, LIMITS } from '@shared/domain/bounds.js';
import { AppError } from '@shared/errors.js';
import type { ContainerService } from '../investigate/containers.js';
import type { EngineRegistry } from '../connections/registry.js';
import { toAppError } from '../errors.js';
import type { NetworkService } from '../investigate/network-service.js';
import { buildDeclaredGraph, type ObservedPod } from './declared-graph.js';
import { readDeclaredNetwork, type DeclaredPod } from './declared-network.js';
import { loadKubeConfig } from './kube-config.js';
import { kubeHttp } from './kube-http.js';

/**
 * investigate.network for a kubeconfig context: the declared graph from the API server, and, for every connected
 * Docker engine that runs some of the cluster's pods (the kubelet's pod labels, or the docker:// ids the API
 * reports), the sockets that engine's containers hold, joined onto the pods they belong to.
 */

const POD_UID = 'io.kubernetes.pod.uid';

export class KubeNetwork {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly containers: ContainerService,
    private readonly network: NetworkService,
    private readonly opts: { env?: NodeJS.ProcessEnv; home?: string; timeoutMs?: number } = {},
  ) {}

  has(engineId: string): boolean {
    try {
      return this.engines.config(engineId).endpoint.type === 'kubernetes';
    } catch {
      return false;
    }
  }

  async graph(engineId: string): Promise<NetGraph> {
    const ep = this.engines.config(engineId).endpoint;
    if (ep.type !== 'kubernetes')
      throw new AppError('VALIDATION', `"${clip(engineId, 128)}" is not a Kubernetes context`);
    const kc = await loadKubeConfig(ep.context, { env: this.opts.env, home: this.opts.home });
    const api = await kubeHttp(kc, { timeoutMs: this.opts.timeoutMs });
    let net;
    try {
      net = await readDeclaredNetwork(api);
    } finally {
      api.close();
    }
    const { observed, access, errors } = await this.observe(net.pods);
    return buildDeclaredGraph(engineId, net, { observed, access, errors });
  }

  /** Sockets of the pods' containers on the connected node engines; a node that fails is an error line, not a failure. */
  private async observe(
    pods: DeclaredPod[],
  ): Promise<{ observed: ObservedPod[]; access?: NetGraph['access']; errors: NetGraph['errors'] }> {
    const byUid = new Map(pods.map((p) => [p.uid, p]));
    const byRuntimeId = new Map<string, DeclaredPod>();
    for (const p of pods) for (const id of p.containerIds) byRuntimeId.set(id.replace(/^[a-z]+:\/\//, ''), p);
    const observed = new Map<string, ObservedPod>();
    const errors: NetGraph['errors'] = [];
    let access: NetGraph['access'] | undefined;
    const nodes = this.engines
      .list()
      .filter(
        (e) =>
          e.kind !== 'kubernetes' &&
          e.endpoint.type !== 'bundle' &&
          e.endpoint.type !== 'kubernetes' &&
          e.state.status === 'connected',
      );
    for (const node of nodes) {
      try {
        const mine: { summary: ContainerSummary; pod: DeclaredPod }[] = [];
        for (const c of await this.containers.list(node.id, false)) {
          const pod = byUid.get(c.labels[POD_UID] ?? '') ?? byRuntimeId.get(c.id);
          if (pod && c.state === 'running') mine.push({ summary: c, pod });
        }
        if (!mine.length) continue;
        const r = await this.network.sockets(
          node.id,
          mine.map((m) => m.summary),
        );
        errors.push(
          ...r.errors.map((e) => ({ ...e, message: clip(`node engine ${node.name}: ${e.message}`, LIMITS.summary) })),
        );
        const podOf = new Map(mine.map((m) => [m.summary.id, m.pod]));
        for (const row of r.rows) {
          const pod = podOf.get(row.id);
          if (!pod || !row.socketsKnown) continue;
          const o = observed.get(pod.uid) ?? { podUid: pod.uid, sockets: [] };
          o.sockets.push(...row.sockets);
          observed.set(pod.uid, o);
        }
        if (r.access === 'host' || (r.access === 'api' && access !== 'host')) access = r.access;
      } catch (e) {
        errors.push({
          message: clip(`node engine ${node.name}: ${toAppError(e, `engine "${node.name}"`).message}`, LIMITS.summary),
        });
      }
    }
    return { observed: [...observed.values()], access, errors };
  }
}
