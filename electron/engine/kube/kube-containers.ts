import { createHash } from 'node:crypto';
import {
  ContainerDetailSchema,
  ContainerSummarySchema,
  type ContainerDetail,
  type ContainerState,
  type ContainerSummary,
} from '@shared/domain/container.js';
import type { EngineEvent } from '@shared/domain/event.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import type { ClusterEvidence, KubeContainer, KubeWorkload } from '@shared/domain/kube-evidence.js';
import { AppError } from '@shared/errors.js';
import type { ScanResult } from '@shared/domain/scan.js';
import type { EngineRegistry } from '../connections/registry.js';
import type { TimelineResult } from '../investigate/timeline-events.js';
import { readCluster } from './cluster-read.js';
import { loadKubeConfig } from './kube-config.js';
import { kubeHttp } from './kube-http.js';
import { workloadTree } from './workload-tree.js';

/**
 * A kubeconfig context's pod containers answered as containers.list / inspect / timeline answer for a Docker
 * engine. Everything comes from the API server (a fresh read, or the latest scan's inventory while it is fresh),
 * never from a node's runtime: the cluster shows what it declares, and nothing here writes to it.
 */

/** Labels every kube container row carries, so the rail can group by namespace and owning workload. */
export const KUBE_LABELS = {
  namespace: 'io.kubernetes.pod.namespace',
  pod: 'io.kubernetes.pod.name',
  container: 'io.kubernetes.container.name',
  workload: 'stowaway.kube.workload',
} as const;

/** A stable hex id per pod uid and container name: the Engine API's id shape, the same on every read. */
export function kubeContainerId(podUid: string, container: string): string {
  return createHash('sha256').update(`${podUid}\u0000${container}`).digest('hex');
}

const KIND_OF: Record<string, string> = {
  pods: 'Pod',
  deployments: 'Deployment',
  daemonsets: 'DaemonSet',
  statefulsets: 'StatefulSet',
  replicasets: 'ReplicaSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
};

const STATE: Record<string, ContainerState> = { running: 'running', terminated: 'exited', waiting: 'created' };

export interface KubeContainersOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  timeoutMs?: number;
  /** How long a cluster read (or a scan's inventory) answers before the API server is read again. */
  freshMs?: number;
  latestEvidence?: (engineId: string) => EngineEvidence | undefined;
  /** The latest scan's result: its risk scores are shown on the rows. */
  latestResult?: (engineId: string) => ScanResult | undefined;
}

interface Row {
  pod: KubeWorkload;
  container: KubeContainer;
  root: KubeWorkload;
  id: string;
}

export class KubeContainers {
  private readonly reads = new Map<string, { at: number; cluster: Promise<ClusterEvidence> }>();

  constructor(
    private readonly engines: EngineRegistry,
    private readonly opts: KubeContainersOptions = {},
  ) {}

  has(engineId: string): boolean {
    try {
      return this.engines.config(engineId).endpoint.type === 'kubernetes';
    } catch {
      return false;
    }
  }

  async list(engineId: string, all = true): Promise<ContainerSummary[]> {
    const rows = this.rows(await this.cluster(engineId));
    const risk = new Map((this.opts.latestResult?.(engineId)?.containers ?? []).map((c) => [c.id, c.risk]));
    return rows
      .map((r) => ContainerSummarySchema.parse(summary(r, engineId, risk.get(r.id))))
      .filter((c) => all || c.state === 'running')
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async inspect(engineId: string, containerId: string): Promise<ContainerDetail> {
    const rows = this.rows(await this.cluster(engineId));
    const found =
      rows.find((r) => r.id === containerId) ??
      rows.filter((r) => r.id.startsWith(containerId)).find((_, i, a) => a.length === 1);
    if (!found)
      throw new AppError('NOT_FOUND', `The cluster has no pod container with id "${containerId.slice(0, 64)}"`);
    return ContainerDetailSchema.parse(detail(found, engineId));
  }

  /** Where a pod container lives, for pods/exec: its pod, its name in the pod, and whether it runs. */
  async target(
    engineId: string,
    containerId: string,
  ): Promise<{ detail: ContainerDetail; namespace: string; pod: string; container: string; running: boolean }> {
    const rows = this.rows(await this.cluster(engineId));
    const found =
      rows.find((r) => r.id === containerId) ??
      rows.filter((r) => r.id.startsWith(containerId)).find((_, i, a) => a.length === 1);
    if (!found)
      throw new AppError('NOT_FOUND', `The cluster has no pod container with id "${containerId.slice(0, 64)}"`);
    const d = ContainerDetailSchema.parse(detail(found, engineId));
    return {
      detail: d,
      namespace: found.pod.namespace,
      pod: found.pod.name,
      container: found.container.name,
      running: d.state === 'running',
    };
  }

  /** The context's credentials, as a cluster read uses them. */
  async kubeConfig(engineId: string) {
    const ep = this.engines.config(engineId).endpoint;
    if (ep.type !== 'kubernetes')
      throw new AppError('VALIDATION', `"${engineId.slice(0, 128)}" is not a Kubernetes context`);
    return loadKubeConfig(ep.context, { env: this.opts.env, home: this.opts.home });
  }

  /** The pod's Kubernetes events and the audit events about it, from the latest scan (the audit log comes with scans). */
  async timeline(
    engineId: string,
    q: { since: string | number; until?: string | number; containerId?: string },
  ): Promise<TimelineResult> {
    const cluster = await this.cluster(engineId);
    const ev = this.opts.latestEvidence?.(engineId);
    const since = toMs(q.since);
    const until = q.until === undefined ? Date.now() : toMs(q.until);
    const row = q.containerId ? this.rows(cluster).find((r) => r.id.startsWith(q.containerId!)) : undefined;
    if (q.containerId && !row)
      throw new AppError('NOT_FOUND', `The cluster has no pod container with id "${q.containerId.slice(0, 64)}"`);
    const aboutPod = (ns: string | undefined, kind: string, name: string | undefined, uid?: string) =>
      !row ||
      (ns === row.pod.namespace &&
        ((kind === 'Pod' && (name === row.pod.name || (uid && uid === row.pod.uid))) ||
          (kind === row.root.kind && name === row.root.name)));
    const events: EngineEvent[] = [];
    const events0 = [...cluster.events, ...(ev?.kube && ev.kube !== cluster ? ev.kube.events : [])];
    const seen = new Set<string>();
    for (const e of events0) {
      if (!e.time || !aboutPod(e.namespace, e.involved.kind, e.involved.name, e.involved.uid)) continue;
      const key = `${e.time}\u0000${e.involved.name}\u0000${e.reason}\u0000${e.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      events.push({
        engineId,
        time: e.time,
        type: 'kube-event',
        action: e.reason,
        actorId: row?.id ?? '',
        actorName: `${e.namespace}/${e.involved.name}`,
        attributes: {
          kind: e.involved.kind,
          namespace: e.namespace,
          message: e.message,
          ...(e.type ? { severity: e.type } : {}),
          ...(e.count ? { count: String(e.count) } : {}),
        },
      });
    }
    for (const a of ev?.kubeAudit ?? []) {
      // `pods/exec` and the like are about the pod; a controller's own records are about every pod it owns.
      const base = a.resource.split('/')[0]!;
      const kind = KIND_OF[base] ?? base;
      if (!aboutPod(a.namespace, kind, a.name)) continue;
      events.push({
        engineId,
        time: a.time,
        type: 'kube-audit',
        action: `${a.verb} ${a.resource}`,
        actorId: row?.id ?? '',
        actorName: a.user,
        attributes: {
          user: a.user,
          namespace: a.namespace ?? '',
          name: a.name ?? '',
          ...(a.requestURI ? { requestURI: a.requestURI } : {}),
          ...(a.code ? { code: String(a.code) } : {}),
        },
      });
    }
    const inWindow = events.filter((e) => {
      const t = Date.parse(e.time);
      return Number.isFinite(t) && t >= since && t <= until;
    });
    inWindow.sort((a, b) => a.time.localeCompare(b.time));
    const MAX = 5000;
    return {
      events: inWindow.slice(-MAX),
      since: new Date(since).toISOString(),
      until: new Date(until).toISOString(),
      truncated: Math.max(0, inWindow.length - MAX),
    };
  }

  /** The cluster inventory: the latest scan's while fresh, else one read shared by concurrent callers. */
  private cluster(engineId: string): Promise<ClusterEvidence> {
    const fresh = this.opts.freshMs ?? 15_000;
    const scanned = this.opts.latestEvidence?.(engineId);
    const held = this.reads.get(engineId);
    if (
      scanned?.kube &&
      Date.now() - Date.parse(scanned.collectedAt) < fresh &&
      !(held && held.at > Date.parse(scanned.collectedAt))
    )
      return Promise.resolve(scanned.kube);
    if (held && Date.now() - held.at < fresh) return held.cluster;
    const cluster = this.read(engineId);
    this.reads.set(engineId, { at: Date.now(), cluster });
    cluster.catch(() => {
      if (this.reads.get(engineId)?.cluster === cluster) this.reads.delete(engineId);
    });
    return cluster;
  }

  private async read(engineId: string): Promise<ClusterEvidence> {
    const ep = this.engines.config(engineId).endpoint;
    if (ep.type !== 'kubernetes')
      throw new AppError('VALIDATION', `"${engineId.slice(0, 128)}" is not a Kubernetes context`);
    const kc = await loadKubeConfig(ep.context, { env: this.opts.env, home: this.opts.home });
    const api = await kubeHttp(kc, { timeoutMs: this.opts.timeoutMs });
    try {
      const serverVersion = undefined;
      return (await readCluster(api, { serverVersion })).cluster;
    } finally {
      api.close();
    }
  }

  private rows(c: ClusterEvidence): Row[] {
    const tree = workloadTree(c.workloads);
    const rows: Row[] = [];
    for (const p of c.workloads) {
      if (p.kind !== 'Pod') continue;
      const root = tree.rootOf(p);
      for (const ct of p.template.containers)
        rows.push({ pod: p, container: ct, root, id: kubeContainerId(p.uid, ct.name) });
    }
    return rows;
  }
}

function toMs(t: string | number): number {
  return typeof t === 'number' ? t * 1000 : Date.parse(t);
}

function summary(r: Row, engineId: string, risk?: number) {
  const { pod: p, container: ct, root } = r;
  const status = p.containerStatuses?.find((s) => s.name === ct.name);
  return {
    id: r.id,
    engineId,
    name: `${p.namespace}/${p.name}/${ct.name}`,
    image: ct.image,
    imageId: '',
    command: [...ct.command, ...ct.args].join(' '),
    state: (status?.state && STATE[status.state]) || 'unknown',
    status: [p.phase, ct.role !== 'container' ? ct.role : '', p.nodeName ? `on ${p.nodeName}` : '']
      .filter(Boolean)
      .join(' '),
    created: p.createdAt ?? '',
    labels: {
      ...p.labels,
      [KUBE_LABELS.namespace]: p.namespace,
      [KUBE_LABELS.pod]: p.name,
      [KUBE_LABELS.container]: ct.name,
      [KUBE_LABELS.workload]: `${root.kind}/${root.name}`,
    },
    ...(risk !== undefined ? { risk } : {}),
  };
}

/** The pod spec in the ContainerDetail shape, as far as it fits: host namespaces are the pod's, mounts its volumes. */
function detail(r: Row, engineId: string) {
  const { pod: p, container: ct } = r;
  const t = p.template;
  const volumes = new Map(t.volumes.map((v) => [v.name, v]));
  const user = ct.runAsUser ?? t.runAsUser;
  return {
    ...summary(r, engineId),
    entrypoint: ct.command,
    cmd: ct.args,
    user: user === undefined ? '' : String(user),
    privileged: ct.privileged === true,
    capAdd: ct.capAdd,
    capDrop: ct.capDrop,
    pidMode: t.hostPID ? 'host' : '',
    networkMode: t.hostNetwork ? 'host' : 'pod',
    ipcMode: t.hostIPC ? 'host' : 'shareable',
    securityOpt: [
      ...((ct.seccomp ?? t.seccomp) ? [`seccomp=${ct.seccomp ?? t.seccomp}`] : []),
      ...(ct.allowPrivilegeEscalation === false ? ['no-new-privileges'] : []),
      ...(ct.procMount ? [`procMount=${ct.procMount}`] : []),
    ],
    mounts: ct.mounts.map((m) => {
      const v = volumes.get(m.volume);
      return {
        type: v?.source ?? 'volume',
        source: v?.hostPath ?? m.volume,
        destination: m.path,
        readOnly: m.readOnly === true,
      };
    }),
    networks: [],
    ports: ct.hostPorts.map((port) => ({ containerPort: port, protocol: 'tcp', hostPort: port })),
    exposedPorts: [],
    logDriver: '',
    restartPolicy: '',
    env: [],
    readonlyRootfs: ct.readOnlyRootFilesystem === true,
  };
}
