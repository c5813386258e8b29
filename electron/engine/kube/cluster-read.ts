import { clip } from '@shared/domain/bounds.js';
import type { ArtifactRef } from '@shared/domain/evidence-set.js';
import type { ClusterEvidence, WorkloadKind } from '@shared/domain/kube-evidence.js';
import type { ScanError } from '@shared/domain/scan.js';
import { artifactRef } from '../collect/artifacts.js';
import { toAppError } from '../errors.js';
import { credentialKeys } from './credential-keys.js';
import { KubeApiError, type KubeHttp } from './kube-http.js';
import * as map from './kube-map.js';

/**
 * The cluster inventory a scan judges: every list the API server allows, page by page (limit/continue), each
 * page hashed as received. A list the server refuses (RBAC 403) or does not answer is one scan error naming
 * the verb and resource, and the rest of the inventory stands.
 */

export const PAGE_SIZE = 500;
/** Objects kept per resource; past it the resource is marked truncated and absences in it prove nothing. */
export const MAX_PER_RESOURCE = 100_000;

type Json = Record<string, unknown>;

interface ResourceRead {
  /** `pods`, `deployments`... as RBAC names it. */
  resource: string;
  /** Path under the API root, without the namespace part: /api/v1/pods, /apis/apps/v1/deployments. */
  path: string;
  namespaced: boolean;
  take: (items: Json[], c: ClusterEvidence) => void;
}

const workloadsOf = (kind: WorkloadKind) => (items: Json[], c: ClusterEvidence) => {
  for (const o of items) {
    const w = map.workload(o, kind);
    if (w) c.workloads.push(w);
  }
};

const pick =
  <T>(f: (o: Json) => T | undefined, into: (c: ClusterEvidence) => T[]) =>
  (items: Json[], c: ClusterEvidence) => {
    const list = into(c);
    for (const o of items) {
      const v = f(o);
      if (v !== undefined) list.push(v);
    }
  };

const READS: ResourceRead[] = [
  {
    resource: 'namespaces',
    path: '/api/v1/namespaces',
    namespaced: false,
    take: pick(
      (o) => {
        const m = map.meta(o);
        return m.name ? { name: m.name, uid: m.uid, createdAt: m.createdAt, labels: m.labels } : undefined;
      },
      (c) => c.namespaces,
    ),
  },
  { resource: 'pods', path: '/api/v1/pods', namespaced: true, take: workloadsOf('Pod') },
  { resource: 'deployments', path: '/apis/apps/v1/deployments', namespaced: true, take: workloadsOf('Deployment') },
  { resource: 'daemonsets', path: '/apis/apps/v1/daemonsets', namespaced: true, take: workloadsOf('DaemonSet') },
  { resource: 'statefulsets', path: '/apis/apps/v1/statefulsets', namespaced: true, take: workloadsOf('StatefulSet') },
  { resource: 'replicasets', path: '/apis/apps/v1/replicasets', namespaced: true, take: workloadsOf('ReplicaSet') },
  { resource: 'jobs', path: '/apis/batch/v1/jobs', namespaced: true, take: workloadsOf('Job') },
  { resource: 'cronjobs', path: '/apis/batch/v1/cronjobs', namespaced: true, take: workloadsOf('CronJob') },
  {
    resource: 'services',
    path: '/api/v1/services',
    namespaced: true,
    take: pick(
      (o) => {
        const m = map.meta(o);
        const spec = map.asObject(o.spec) ?? {};
        return m.name
          ? {
              namespace: m.namespace ?? 'default',
              name: m.name,
              type: map.asString(spec.type) ?? 'ClusterIP',
              ports: map
                .asArray(spec.ports, 64)
                .map(map.asObject)
                .filter((p): p is Json => !!p)
                .map((p) => ({
                  port: map.asInt(p.port) ?? 0,
                  ...(map.asInt(p.nodePort) ? { nodePort: map.asInt(p.nodePort) } : {}),
                  ...(map.asString(p.protocol) ? { protocol: map.asString(p.protocol) } : {}),
                })),
            }
          : undefined;
      },
      (c) => c.services,
    ),
  },
  {
    resource: 'networkpolicies',
    path: '/apis/networking.k8s.io/v1/networkpolicies',
    namespaced: true,
    take: pick(
      (o) => {
        const m = map.meta(o);
        return m.name ? { namespace: m.namespace ?? 'default', name: m.name } : undefined;
      },
      (c) => c.networkPolicies,
    ),
  },
  {
    resource: 'ingresses',
    path: '/apis/networking.k8s.io/v1/ingresses',
    namespaced: true,
    take: pick(
      (o) => {
        const m = map.meta(o);
        const spec = map.asObject(o.spec) ?? {};
        const hosts = map
          .asArray(spec.rules, 64)
          .map((r) => map.asString(map.asObject(r)?.host))
          .filter((h): h is string => !!h);
        return m.name
          ? { namespace: m.namespace ?? 'default', name: m.name, tls: map.asArray(spec.tls).length > 0, hosts }
          : undefined;
      },
      (c) => c.ingresses,
    ),
  },
  // Only ConfigMaps with credential-looking keys are kept, and only their key names.
  {
    resource: 'configmaps',
    path: '/api/v1/configmaps',
    namespaced: true,
    take: pick(
      (o) => {
        const m = map.meta(o);
        const keys = credentialKeys(o.data);
        return m.name && keys.length
          ? { namespace: m.namespace ?? 'default', name: m.name, credentialKeys: keys }
          : undefined;
      },
      (c) => c.configMaps,
    ),
  },
  {
    resource: 'serviceaccounts',
    path: '/api/v1/serviceaccounts',
    namespaced: true,
    take: pick(
      (o) => {
        const m = map.meta(o);
        const a = map.asBool(o.automountServiceAccountToken);
        return m.name
          ? {
              namespace: m.namespace ?? 'default',
              name: m.name,
              ...(a !== undefined ? { automountServiceAccountToken: a } : {}),
            }
          : undefined;
      },
      (c) => c.serviceAccounts,
    ),
  },
  {
    resource: 'roles',
    path: '/apis/rbac.authorization.k8s.io/v1/roles',
    namespaced: true,
    take: pick(
      (o) => map.role(o, 'Role'),
      (c) => c.roles,
    ),
  },
  {
    resource: 'clusterroles',
    path: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
    namespaced: false,
    take: pick(
      (o) => map.role(o, 'ClusterRole'),
      (c) => c.roles,
    ),
  },
  {
    resource: 'rolebindings',
    path: '/apis/rbac.authorization.k8s.io/v1/rolebindings',
    namespaced: true,
    take: pick(
      (o) => map.binding(o, 'RoleBinding'),
      (c) => c.bindings,
    ),
  },
  {
    resource: 'clusterrolebindings',
    path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
    namespaced: false,
    take: pick(
      (o) => map.binding(o, 'ClusterRoleBinding'),
      (c) => c.bindings,
    ),
  },
  { resource: 'events', path: '/api/v1/events', namespaced: true, take: pick(map.event, (c) => c.events) },
];

/** The resources a cluster scan lists, for RBAC documentation and tests. */
export const LISTED_RESOURCES = READS.map((r) => r.resource);

export interface ClusterRead {
  cluster: ClusterEvidence;
  artifacts: ArtifactRef[];
  errors: ScanError[];
}

export interface ReadClusterOptions {
  /** Limit the scan to these namespaces (cluster-scoped resources are still read). */
  namespaces?: string[];
  serverVersion?: string;
  maxPerResource?: number;
  concurrency?: number;
  onProgress?: (done: number, total: number, message: string) => void;
}

/** Namespaced paths: /api/v1/pods -> /api/v1/namespaces/NS/pods. */
const inNamespace = (path: string, ns: string) =>
  path.replace(/^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\//, `$1/namespaces/${encodeURIComponent(ns)}/`);

export async function readCluster(api: KubeHttp, opts: ReadClusterOptions = {}): Promise<ClusterRead> {
  const cluster: ClusterEvidence = {
    context: clip(api.context, 256),
    server: clip(api.server, 256),
    ...(opts.serverVersion ? { serverVersion: clip(opts.serverVersion, 256) } : {}),
    listedAt: new Date().toISOString(),
    ...(opts.namespaces?.length ? { scope: opts.namespaces.map((n) => clip(n, 256)) } : {}),
    namespaces: [],
    workloads: [],
    services: [],
    networkPolicies: [],
    ingresses: [],
    configMaps: [],
    serviceAccounts: [],
    roles: [],
    bindings: [],
    events: [],
    unread: [],
    truncated: [],
  };
  const artifacts: ArtifactRef[] = [];
  const errors: ScanError[] = [];
  const max = opts.maxPerResource ?? MAX_PER_RESOURCE;
  const scope = opts.namespaces?.length ? [...new Set(opts.namespaces)] : undefined;
  const jobs: Array<{ read: ResourceRead; path: string; label: string }> = [];
  for (const read of READS) {
    if (!read.namespaced || !scope) jobs.push({ read, path: read.path, label: read.resource });
    else
      for (const ns of scope) jobs.push({ read, path: inNamespace(read.path, ns), label: `${read.resource} in ${ns}` });
  }
  let done = 0;
  const one = async (job: (typeof jobs)[number]) => {
    let cont: string | undefined;
    let count = 0;
    let page = 0;
    try {
      do {
        const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
        if (cont) q.set('continue', cont);
        const call = `GET ${job.path}?${q.toString()}`;
        const { bytes, json } = await api.get(`${job.path}?${q.toString()}`);
        page++;
        artifacts.push(
          artifactRef('kube-api', `${clip(call, 1800)} (context ${clip(api.context, 100)}, page ${page})`, bytes),
        );
        const list = map.asObject(json) ?? {};
        const items = (Array.isArray(list.items) ? list.items : []).map(map.asObject).filter((o): o is Json => !!o);
        const room = max - count;
        job.read.take(items.slice(0, room), cluster);
        count += Math.min(items.length, room);
        cont = map.asString(map.asObject(list.metadata)?.continue, 8192) || undefined;
        if (count >= max && cont) {
          cluster.truncated.push(clip(job.label, 256));
          break;
        }
      } while (cont);
    } catch (e) {
      cluster.unread.push(clip(`list ${job.label}`, 256));
      errors.push(listError(e, job.read.resource, job.label, api.context));
    }
    opts.onProgress?.(++done, jobs.length, `listed ${job.label}`);
  };
  const queue = [...jobs];
  const workers = Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, async () => {
    for (let j = queue.shift(); j; j = queue.shift()) await one(j);
  });
  await Promise.all(workers);
  if (scope) cluster.namespaces = cluster.namespaces.filter((n) => scope.includes(n.name));
  // A scoped scan whose account may not list namespaces still knows the namespaces it was given.
  if (scope && cluster.namespaces.length === 0) cluster.namespaces = scope.map((name) => ({ name, labels: {} }));
  return { cluster, artifacts, errors };
}

function listError(e: unknown, resource: string, label: string, context: string): ScanError {
  const call = clip(`kube list ${label} (context ${context})`, 512);
  if (e instanceof KubeApiError) {
    const code = e.status === 403 ? 'FORBIDDEN' : e.status === 401 ? 'UNAUTHORIZED' : `HTTP_${e.status}`;
    const why =
      e.status === 403
        ? `RBAC denies list on ${resource}: ${e.message}`
        : `list ${resource}: ${e.reason}: ${e.message}`;
    return { call, code, message: clip(why, 2048) };
  }
  const err = toAppError(e, `Kubernetes context "${context}"`);
  return { call, code: err.code, message: clip(`list ${resource}: ${err.message}`, 2048) };
}
