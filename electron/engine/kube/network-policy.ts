import type {
  DeclaredNetwork,
  DeclaredPod,
  DeclaredPolicy,
  LabelSelector,
  PolicyPeer,
  PolicyRule,
} from './declared-network.js';

/**
 * NetworkPolicy semantics (networking.k8s.io/v1): a pod is isolated in one direction once any policy of its
 * namespace selects it for that direction; then only what some such policy's rules allow passes. Traffic between
 * two pods needs the source's egress and the target's ingress to allow it. Pods no policy selects are open.
 */

export function selects(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels)) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]!))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key]!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
    // An operator the API server would have refused selects nothing, rather than everything.
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) return false;
  }
  return true;
}

export type Dir = 'Ingress' | 'Egress';

export class PolicyIndex {
  private readonly byNs = new Map<string, DeclaredPolicy[]>();

  constructor(private readonly net: DeclaredNetwork) {
    for (const p of net.policies) this.byNs.set(p.namespace, [...(this.byNs.get(p.namespace) ?? []), p]);
  }

  /** The policies that isolate the pod in one direction; empty when it is open that way. */
  governing(pod: DeclaredPod, dir: Dir): DeclaredPolicy[] {
    return (this.byNs.get(pod.namespace) ?? []).filter(
      (p) => p.types.includes(dir) && selects(p.podSelector, pod.labels),
    );
  }

  /** Whether a peer clause of a policy in `policyNs` names this pod. ipBlock peers name addresses outside pods. */
  peerSelects(policyNs: string, peer: PolicyPeer, pod: DeclaredPod): boolean {
    if (peer.ipBlock) return false;
    if (peer.namespaceSelector) {
      if (!selects(peer.namespaceSelector, this.net.namespaces[pod.namespace] ?? {})) return false;
    } else if (pod.namespace !== policyNs) return false;
    return !peer.podSelector || selects(peer.podSelector, pod.labels);
  }

  private readonly peers = new Map<PolicyPeer, DeclaredPod[]>();

  /** The pods a peer clause names: for drawing who may talk to whom. Kept per clause, as every target asks again. */
  peerPods(policyNs: string, peer: PolicyPeer): DeclaredPod[] {
    let list = this.peers.get(peer);
    if (!list)
      this.peers.set(peer, (list = this.net.pods.filter((p) => !p.hostNetwork && this.peerSelects(policyNs, peer, p))));
    return list;
  }

  /**
   * Whether `pod` lets `other` through in one direction on a port (undefined: on some port). Rules without
   * peers allow everyone; rules without ports allow every port.
   */
  allows(pod: DeclaredPod, dir: Dir, other: DeclaredPod, port?: number, protocol = 'TCP'): boolean {
    const gov = this.governing(pod, dir);
    if (!gov.length) return true;
    // Ports of an ingress rule are the target's (this pod); of an egress rule, the destination's (the other).
    const portPod = dir === 'Ingress' ? pod : other;
    return gov.some((p) =>
      (dir === 'Ingress' ? p.ingress : p.egress).some(
        (r) =>
          (!r.peers || r.peers.some((peer) => this.peerSelects(p.namespace, peer, other))) &&
          portAllowed(r, portPod, port, protocol),
      ),
    );
  }

  /** Source may reach target: the source's egress and the target's ingress both allow it. */
  reaches(source: DeclaredPod, target: DeclaredPod, port?: number, protocol = 'TCP'): boolean {
    return (
      this.allows(source, 'Egress', target, port, protocol) && this.allows(target, 'Ingress', source, port, protocol)
    );
  }
}

export function portAllowed(r: PolicyRule, pod: DeclaredPod, port: number | undefined, protocol: string): boolean {
  if (!r.ports.length || port === undefined) return true;
  return r.ports.some((p) => {
    if (p.protocol.toUpperCase() !== protocol.toUpperCase()) return false;
    if (p.port === undefined) return true;
    const n = typeof p.port === 'number' ? p.port : pod.namedPorts[p.port];
    if (n === undefined) return false;
    return p.endPort !== undefined ? port >= n && port <= p.endPort : port === n;
  });
}

/** The single port a set of rules opens, when they open exactly one; for the edge's label. */
export function onlyPort(rules: PolicyRule[], pod: DeclaredPod): { port?: number; protocol?: string } {
  if (rules.some((r) => !r.ports.length)) return {};
  const ports = new Set<string>();
  let last: { port?: number; protocol?: string } = {};
  for (const r of rules)
    for (const p of r.ports) {
      const n = typeof p.port === 'number' ? p.port : p.port !== undefined ? pod.namedPorts[p.port] : undefined;
      if (n === undefined || p.endPort !== undefined) return {};
      ports.add(`${p.protocol}:${n}`);
      last = { port: n, protocol: p.protocol.toLowerCase() };
    }
  return ports.size === 1 ? last : {};
}
