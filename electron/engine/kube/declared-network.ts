import { clip, LIMITS } from '@shared/domain/bounds.js';
import type { NetGraph } from '@shared/api/investigate-network.js';
import { toAppError } from '../errors.js';
import { KubeApiError, type KubeHttp } from './kube-http.js';
import * as map from './kube-map.js';

/**
 * What a cluster declares about its network: pods with their addresses and labels, services with their selectors
 * and ports, NetworkPolicies with their selectors and rules. Read from the API server (untrusted) and bounded
 * field by field, as the rest of the cluster inventory is.
 */

type Json = Record<string, unknown>;

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

export interface DeclaredPod {
  namespace: string;
  name: string;
  uid: string;
  ip?: string;
  labels: Record<string, string>;
  hostNetwork: boolean;
  /** App containers first: the pod's node links to the first one. */
  containers: string[];
  /** docker:// (or other runtime) ids the kubelet reports, for joining a node engine's containers. */
  containerIds: string[];
  /** Named container ports, so a policy or service port given by name can be resolved. */
  namedPorts: Record<string, number>;
}

export interface DeclaredService {
  namespace: string;
  name: string;
  type: string;
  clusterIP?: string;
  /** Undefined: no selector (endpoints managed by hand), which selects no pod. */
  selector?: Record<string, string>;
  ports: { port: number; targetPort?: number | string; protocol: string }[];
}

export interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except: string[] };
}

export interface PolicyRule {
  /** Undefined (or empty) peers: every source or destination. */
  peers?: PolicyPeer[];
  /** Empty: every port. */
  ports: { port?: number | string; endPort?: number; protocol: string }[];
}

export interface DeclaredPolicy {
  namespace: string;
  name: string;
  podSelector: LabelSelector;
  types: ('Ingress' | 'Egress')[];
  ingress: PolicyRule[];
  egress: PolicyRule[];
}

export interface DeclaredNetwork {
  namespaces: Record<string, Record<string, string>>;
  pods: DeclaredPod[];
  services: DeclaredService[];
  policies: DeclaredPolicy[];
  /** False when the policies could not be read: then nothing can be said about what is allowed. */
  policiesKnown: boolean;
  errors: NetGraph['errors'];
}

const PAGE = 500;
/** Objects kept per resource: the graph draws at most a few thousand nodes anyway. */
const MAX_OBJECTS = 20_000;

const labels = (v: unknown): Record<string, string> => map.meta({ metadata: { labels: v } }).labels;

export function selector(v: unknown): LabelSelector {
  const o = map.asObject(v) ?? {};
  return {
    matchLabels: labels(o.matchLabels),
    matchExpressions: map
      .asArray(o.matchExpressions, 32)
      .map(map.asObject)
      .filter((e): e is Json => !!e)
      .map((e) => ({
        key: map.asString(e.key) ?? '',
        operator: map.asString(e.operator, 32) ?? '',
        values: map
          .asArray(e.values, 64)
          .filter((x): x is string => typeof x === 'string')
          .map((x) => clip(x, LIMITS.label)),
      })),
  };
}

const portOf = (v: unknown): number | string | undefined => map.asInt(v) ?? map.asString(v, 64);

function rule(v: Json, peersKey: 'from' | 'to'): PolicyRule {
  const peersRaw = v[peersKey];
  const peers =
    Array.isArray(peersRaw) && peersRaw.length
      ? map
          .asArray(peersRaw, 64)
          .map(map.asObject)
          .filter((p): p is Json => !!p)
          .map((p) => {
            const ip = map.asObject(p.ipBlock);
            return {
              ...(p.podSelector !== undefined ? { podSelector: selector(p.podSelector) } : {}),
              ...(p.namespaceSelector !== undefined ? { namespaceSelector: selector(p.namespaceSelector) } : {}),
              ...(ip
                ? {
                    ipBlock: {
                      cidr: map.asString(ip.cidr, 64) ?? '',
                      except: map
                        .asArray(ip.except, 32)
                        .filter((x): x is string => typeof x === 'string')
                        .map((x) => clip(x, 64)),
                    },
                  }
                : {}),
            };
          })
      : undefined;
  const ports = map
    .asArray(v.ports, 64)
    .map(map.asObject)
    .filter((p): p is Json => !!p)
    .map((p) => ({
      port: portOf(p.port),
      endPort: map.asInt(p.endPort),
      protocol: map.asString(p.protocol, 16) ?? 'TCP',
    }));
  return { ...(peers ? { peers } : {}), ports };
}

export function policy(o: Json): DeclaredPolicy | undefined {
  const m = map.meta(o);
  if (!m.name) return undefined;
  const spec = map.asObject(o.spec) ?? {};
  const ingress = map
    .asArray(spec.ingress, 64)
    .map(map.asObject)
    .filter((r): r is Json => !!r)
    .map((r) => rule(r, 'from'));
  const egress = map
    .asArray(spec.egress, 64)
    .map(map.asObject)
    .filter((r): r is Json => !!r)
    .map((r) => rule(r, 'to'));
  const declared = map
    .asArray(spec.policyTypes, 2)
    .filter((t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress');
  // The API server defaults policyTypes: Ingress always, Egress when egress rules are given.
  const types = declared.length
    ? declared
    : (['Ingress', ...(Array.isArray(spec.egress) ? ['Egress' as const] : [])] as ('Ingress' | 'Egress')[]);
  return {
    namespace: m.namespace ?? 'default',
    name: m.name,
    podSelector: selector(spec.podSelector),
    types,
    ingress,
    egress,
  };
}

export function declaredPod(o: Json): DeclaredPod | undefined {
  const m = map.meta(o);
  if (!m.name) return undefined;
  const spec = map.asObject(o.spec) ?? {};
  const status = map.asObject(o.status) ?? {};
  const cs = map
    .asArray(spec.containers, 64)
    .map(map.asObject)
    .filter((c): c is Json => !!c);
  const namedPorts: Record<string, number> = {};
  for (const c of cs)
    for (const p of map.asArray(c.ports, 64).map(map.asObject)) {
      const name = map.asString(p?.name, 64);
      const port = map.asInt(p?.containerPort);
      if (name && port) namedPorts[name] = port;
    }
  const ids = [...map.asArray(status.containerStatuses, 64), ...map.asArray(status.initContainerStatuses, 64)]
    .map((c) => map.asString(map.asObject(c)?.containerID, 256))
    .filter((x): x is string => !!x);
  return {
    namespace: m.namespace ?? 'default',
    name: m.name,
    uid: m.uid ?? `${m.namespace}/${m.name}`,
    ip: map.asString(status.podIP, 64),
    labels: m.labels,
    hostNetwork: spec.hostNetwork === true,
    containers: cs.map((c) => map.asString(c.name) ?? '?'),
    containerIds: ids,
    namedPorts,
  };
}

export function declaredService(o: Json): DeclaredService | undefined {
  const m = map.meta(o);
  if (!m.name) return undefined;
  const spec = map.asObject(o.spec) ?? {};
  const sel = map.asObject(spec.selector);
  const ip = map.asString(spec.clusterIP, 64);
  return {
    namespace: m.namespace ?? 'default',
    name: m.name,
    type: map.asString(spec.type, 32) ?? 'ClusterIP',
    ...(ip && ip !== 'None' ? { clusterIP: ip } : {}),
    ...(sel && Object.keys(sel).length ? { selector: labels(sel) } : {}),
    ports: map
      .asArray(spec.ports, 64)
      .map(map.asObject)
      .filter((p): p is Json => !!p)
      .map((p) => ({
        port: map.asInt(p.port) ?? 0,
        targetPort: portOf(p.targetPort),
        protocol: map.asString(p.protocol, 16) ?? 'TCP',
      })),
  };
}

/** Every page of one list; a refusal is one error naming the verb and resource, and the graph goes on without it. */
async function listAll(
  api: KubeHttp,
  path: string,
  resource: string,
  errors: NetGraph['errors'],
): Promise<Json[] | undefined> {
  const out: Json[] = [];
  let cont: string | undefined;
  try {
    do {
      const q = new URLSearchParams({ limit: String(PAGE) });
      if (cont) q.set('continue', cont);
      const { json } = await api.get(`${path}?${q.toString()}`);
      const list = map.asObject(json) ?? {};
      for (const o of Array.isArray(list.items) ? list.items : []) {
        const item = map.asObject(o);
        if (item && out.length < MAX_OBJECTS) out.push(item);
      }
      cont = map.asString(map.asObject(list.metadata)?.continue, 8192) || undefined;
    } while (cont && out.length < MAX_OBJECTS);
    if (cont) errors.push({ message: `list ${resource}: only the first ${MAX_OBJECTS} were read` });
    return out;
  } catch (e) {
    if (e instanceof KubeApiError) {
      errors.push({
        message: clip(
          e.status === 403
            ? `RBAC denies list on ${resource}: ${e.message}`
            : `list ${resource}: ${e.reason}: ${e.message}`,
          LIMITS.summary,
        ),
      });
    } else {
      errors.push({
        message: clip(`list ${resource}: ${toAppError(e, `context "${api.context}"`).message}`, LIMITS.summary),
      });
    }
    return undefined;
  }
}

export async function readDeclaredNetwork(api: KubeHttp): Promise<DeclaredNetwork> {
  const errors: NetGraph['errors'] = [];
  const [ns, pods, services, policies] = await Promise.all([
    listAll(api, '/api/v1/namespaces', 'namespaces', errors),
    listAll(api, '/api/v1/pods', 'pods', errors),
    listAll(api, '/api/v1/services', 'services', errors),
    listAll(api, '/apis/networking.k8s.io/v1/networkpolicies', 'networkpolicies', errors),
  ]);
  const namespaces: Record<string, Record<string, string>> = {};
  for (const o of ns ?? []) {
    const m = map.meta(o);
    if (m.name) namespaces[m.name] = m.labels;
  }
  const podList = (pods ?? []).map(declaredPod).filter((p): p is DeclaredPod => !!p);
  // Namespaces the account may not list are still known by the pods in them, with the label every namespace carries.
  for (const p of podList) namespaces[p.namespace] ??= { 'kubernetes.io/metadata.name': p.namespace };
  return {
    namespaces,
    pods: podList,
    services: (services ?? []).map(declaredService).filter((s): s is DeclaredService => !!s),
    policies: (policies ?? []).map(policy).filter((p): p is DeclaredPolicy => !!p),
    policiesKnown: policies !== undefined,
    errors,
  };
}
