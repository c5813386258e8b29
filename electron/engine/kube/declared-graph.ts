import { boundedGraph, type AddEdge, type AddNode } from '../investigate/bounded-graph.js';
import {
  GRAPH_LIMITS,
  type NetEdge,
  type NetGraph,
  type NetGroup,
  type NetNode,
} from '@shared/api/investigate-network.js';
import type { SocketInfo } from '@shared/domain/network.js';
import { showInvisible } from '@shared/text.js';
import { clip, LIMITS } from '@shared/domain/bounds.js';
import { isPrivateAddress } from '../investigate/network-graph.js';
import type { DeclaredNetwork, DeclaredPod, PolicyRule } from './declared-network.js';
import { kubeContainerId } from './kube-containers.js';
import { onlyPort, PolicyIndex } from './network-policy.js';

/**
 * A cluster's network graph: pods (as container nodes, grouped by namespace), services and the pods their
 * selectors pick, and 'allowed' edges for what the NetworkPolicies let through. Pods no ingress policy selects get
 * an edge from one "any source" node rather than one from every other pod. Sockets observed on a connected node
 * engine are joined on as listeners and connections, each connection between pods marked allowed or denied.
 */

/** Sockets of one pod's network namespace, read on a node engine whose containers are the pod's. */
export interface ObservedPod {
  podUid: string;
  sockets: SocketInfo[];
}

const ANY = 'e:any-source';
const family = (p: string) => (p.startsWith('udp') ? 'udp' : 'tcp');
const label = (s: string) => clip(showInvisible(s, ''), LIMITS.name);

export function podNodeId(p: DeclaredPod): string {
  return `c:${kubeContainerId(p.uid, p.containers[0] ?? '?')}`;
}

export function buildDeclaredGraph(
  engineId: string,
  net: DeclaredNetwork,
  opts: { observed?: ObservedPod[]; access?: NetGraph['access']; errors?: NetGraph['errors'] } = {},
): NetGraph {
  const { nodes, edges, dropped, addNode, addEdge } = boundedGraph();

  const idx = new PolicyIndex(net);
  const pods = net.pods;
  const groups = new Map<string, NetGroup>();
  const member = (ns: string, id: string) => {
    const g = groups.get(ns) ?? { id: `n:${ns}`, name: label(`ns ${ns}`), members: [] };
    if (g.members.length < GRAPH_LIMITS.nodes) g.members.push(id);
    groups.set(ns, g);
  };

  for (const p of pods) {
    const id = podNodeId(p);
    if (
      addNode({
        id,
        kind: 'container',
        label: label(`${p.namespace}/${p.name}`),
        containerId: id.slice(2),
        ...(p.ip ? { address: p.ip } : {}),
        networks: [label(p.namespace)],
        external: false,
      })
    )
      member(p.namespace, id);
  }

  for (const s of net.services) {
    const id = `s:${s.namespace}/${s.name}`;
    const first = s.ports[0];
    const ports = s.ports
      .slice(0, 4)
      .map((x) => `${x.port}/${x.protocol.toLowerCase()}`)
      .join(',');
    if (
      !addNode({
        id,
        kind: 'service',
        label: label(`svc ${s.namespace}/${s.name}${ports ? ` :${ports}` : ''}`),
        ...(s.clusterIP ? { address: s.clusterIP } : {}),
        ...(first ? { port: first.port, protocol: first.protocol.toLowerCase() } : {}),
        networks: [label(s.namespace)],
        external: false,
      })
    )
      continue;
    member(s.namespace, id);
    if (!s.selector) continue;
    for (const p of pods) {
      if (p.namespace !== s.namespace || !Object.entries(s.selector).every(([k, v]) => p.labels[k] === v)) continue;
      const tp = first?.targetPort;
      const target = typeof tp === 'number' ? tp : tp !== undefined ? p.namedPorts[tp] : first?.port;
      addEdge(
        {
          source: id,
          target: podNodeId(p),
          kind: 'selects',
          direction: 'internal',
          ...(first ? { protocol: first.protocol.toLowerCase() } : {}),
          ...(target ? { remotePort: target } : {}),
        },
        `S:${id}>${podNodeId(p)}`,
      );
    }
  }

  if (net.policiesKnown) {
    const allowed = (source: string, target: string, extra: Partial<NetEdge>) =>
      addEdge(
        {
          source,
          target,
          kind: 'allowed',
          direction:
            source === ANY || source.startsWith('e:') ? 'inbound' : target.startsWith('e:') ? 'outbound' : 'internal',
          ...extra,
        },
        `A:${source}>${target}`,
      );
    const cidrNode = (cidr: string) => {
      const id = `e:${cidr}`;
      return addNode({
        id,
        kind: 'endpoint',
        label: label(cidr),
        address: label(cidr),
        networks: [],
        external: !isPrivateAddress(cidr.split('/')[0] ?? ''),
      })
        ? id
        : undefined;
    };
    const portOf = (rules: PolicyRule[], p: DeclaredPod) => {
      const o = onlyPort(rules, p);
      return { ...(o.port ? { remotePort: o.port } : {}), ...(o.protocol ? { protocol: o.protocol } : {}) };
    };
    for (const t of pods) {
      if (t.hostNetwork) continue;
      const gov = idx.governing(t, 'Ingress');
      const rules = gov.flatMap((p) => p.ingress.map((r) => ({ ns: p.namespace, r })));
      if (!gov.length || rules.some(({ r }) => !r.peers)) {
        addNode({ id: ANY, kind: 'endpoint', label: 'any source (no ingress policy)', networks: [], external: false });
        allowed(
          ANY,
          podNodeId(t),
          gov.length
            ? portOf(
                rules.filter(({ r }) => !r.peers).map(({ r }) => r),
                t,
              )
            : {},
        );
      }
      for (const { ns, r } of rules) {
        for (const peer of r.peers ?? []) {
          if (peer.ipBlock) {
            const e = cidrNode(peer.ipBlock.cidr);
            if (e) allowed(e, podNodeId(t), portOf([r], t));
            continue;
          }
          // Past the edge limit the rest is only counted: judging every remaining pair would cost without showing anything.
          const sources = idx.peerPods(ns, peer);
          for (let i = 0; i < sources.length; i++) {
            if (edges.size >= GRAPH_LIMITS.edges) {
              dropped.edges += sources.length - i;
              break;
            }
            const s = sources[i]!;
            if (s !== t && idx.allows(s, 'Egress', t)) allowed(podNodeId(s), podNodeId(t), portOf([r], t));
          }
        }
      }
    }
    // Sources whose egress is restricted: what they may still reach that the target side alone does not show.
    for (const s of pods) {
      if (s.hostNetwork) continue;
      for (const p of idx.governing(s, 'Egress'))
        for (const r of p.egress)
          for (const peer of r.peers ?? []) {
            if (peer.ipBlock) {
              const e = cidrNode(peer.ipBlock.cidr);
              if (e) allowed(podNodeId(s), e, {});
              continue;
            }
            const targets = idx.peerPods(p.namespace, peer);
            for (let i = 0; i < targets.length; i++) {
              if (edges.size >= GRAPH_LIMITS.edges) {
                dropped.edges += targets.length - i;
                break;
              }
              const t = targets[i]!;
              if (t !== s && idx.allows(t, 'Ingress', s)) allowed(podNodeId(s), podNodeId(t), portOf([r], t));
            }
          }
    }
  }

  const access = joinObserved(net, idx, opts.observed ?? [], nodes, addNode, addEdge);

  return {
    engineId,
    collectedAt: new Date().toISOString(),
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    groups: [...groups.values()].slice(0, 1024),
    access: access ? (opts.access ?? 'host') : 'declared',
    truncated: { ...dropped },
    errors: [...net.errors, ...(opts.errors ?? [])].slice(0, 1024),
  };
}

/** Observed sockets onto the declared graph; true when at least one pod's sockets were joined. */
function joinObserved(
  net: DeclaredNetwork,
  idx: PolicyIndex,
  observed: ObservedPod[],
  nodes: Map<string, NetNode>,
  addNode: AddNode,
  addEdge: AddEdge,
): boolean {
  const byUid = new Map(net.pods.map((p) => [p.uid, p]));
  const byIp = new Map(net.pods.filter((p) => p.ip && !p.hostNetwork).map((p) => [p.ip!, p]));
  const byClusterIp = new Map(
    net.services.filter((s) => s.clusterIP).map((s) => [s.clusterIP!, `s:${s.namespace}/${s.name}`]),
  );
  const seen = observed.filter((o) => byUid.has(o.podUid));
  const listening = new Map<string, Set<string>>();
  for (const o of seen) {
    const set = listening.get(o.podUid) ?? new Set<string>();
    for (const s of o.sockets)
      if (
        s.state === 'LISTEN' ||
        (family(s.protocol) === 'udp' && s.state === 'UNCONN' && s.localPort > 0 && s.remotePort === 0)
      )
        set.add(`${family(s.protocol)}:${s.localPort}`);
    listening.set(o.podUid, set);
  }
  const observedUids = new Set(seen.map((o) => o.podUid));
  const listener = (p: DeclaredPod, proto: string, port: number, address?: string) => {
    const id = `l:${p.uid}:${family(proto)}:${port}`;
    if (
      !nodes.has(id) &&
      addNode({
        id,
        kind: 'listener',
        label: label(`${address ?? ''}:${port}/${family(proto)}`),
        containerId: podNodeId(p).slice(2),
        port,
        protocol: family(proto),
        networks: [label(p.namespace)],
        external: false,
      })
    ) {
      addEdge(
        { source: podNodeId(p), target: id, kind: 'listen', direction: 'listen', protocol: proto, localPort: port },
        `L:${podNodeId(p)}:${id}`,
      );
    }
    return id;
  };
  const verdict = (s: DeclaredPod, t: DeclaredPod, port: number, proto: string): NetEdge['policy'] =>
    net.policiesKnown
      ? idx.reaches(s, t, port, family(proto) === 'udp' ? 'UDP' : 'TCP')
        ? 'allowed'
        : 'denied'
      : undefined;

  for (const o of seen) {
    const pod = byUid.get(o.podUid)!;
    const self = podNodeId(pod);
    const folded = new Set<string>();
    for (const s of o.sockets) {
      if (s.protocol === 'unix') continue;
      // Docker's embedded DNS resolver listens in every user-network namespace, owned by dockerd, not the pod.
      if (s.localAddress === '127.0.0.11' && s.pid === undefined && s.remotePort === 0) continue;
      const key = `${s.protocol}:${s.inode}:${s.localPort}:${s.remoteAddress}:${s.remotePort}`;
      if (folded.has(key)) continue;
      folded.add(key);
      if (
        listening.get(o.podUid)!.has(`${family(s.protocol)}:${s.localPort}`) &&
        (s.state === 'LISTEN' || s.state === 'UNCONN')
      ) {
        listener(
          pod,
          s.protocol,
          s.localPort,
          s.localAddress === '0.0.0.0' || s.localAddress === '::' ? undefined : s.localAddress,
        );
        continue;
      }
      if (s.remotePort === 0 || !s.remoteAddress || s.remoteAddress === '0.0.0.0' || s.remoteAddress === '::') continue;
      // Traffic inside the pod's own namespace is not traffic between workloads.
      if (s.remoteAddress.startsWith('127.') || s.remoteAddress === '::1') continue;
      const peer = byIp.get(s.remoteAddress);
      const base = {
        kind: 'connection' as const,
        protocol: s.protocol,
        state: s.state,
        localAddress: s.localAddress,
        localPort: s.localPort,
        remoteAddress: s.remoteAddress,
        remotePort: s.remotePort,
      };
      // Servers that accept once (nc -l) close their listener: without one on either side the lower port is the service's.
      const localListens = listening.get(o.podUid)!.has(`${family(s.protocol)}:${s.localPort}`);
      const remoteListens =
        peer !== undefined && listening.get(peer.uid)?.has(`${family(s.protocol)}:${s.remotePort}`) === true;
      const inbound = localListens || (!remoteListens && s.localPort < s.remotePort);
      if (inbound) {
        // The client side draws the session when its sockets were read too.
        if (peer && observedUids.has(peer.uid)) continue;
        const lid = listener(pod, s.protocol, s.localPort);
        const src = peer ? podNodeId(peer) : endpoint(s.remoteAddress, addNode);
        if (!src) continue;
        addEdge(
          {
            ...base,
            source: src,
            target: lid,
            direction: peer ? 'internal' : 'inbound',
            ...(peer ? { policy: verdict(peer, pod, s.localPort, s.protocol) } : {}),
          },
          `C:${src}>${lid}:${s.state}`,
        );
        continue;
      }
      let target: string | undefined;
      let policy: NetEdge['policy'];
      if (peer) {
        target = listener(peer, s.protocol, s.remotePort);
        policy = verdict(pod, peer, s.remotePort, s.protocol);
      } else target = byClusterIp.get(s.remoteAddress) ?? endpoint(s.remoteAddress, addNode);
      if (!target) continue;
      addEdge(
        {
          ...base,
          source: self,
          target,
          direction: peer || byClusterIp.has(s.remoteAddress) ? 'internal' : 'outbound',
          ...(policy ? { policy } : {}),
        },
        `C:${self}>${target}:${s.remotePort}:${s.state}`,
      );
    }
  }
  return seen.length > 0;
}

function endpoint(address: string, addNode: AddNode): string | undefined {
  const id = `e:${address}`;
  return addNode({
    id,
    kind: 'endpoint',
    label: label(address),
    address: label(address),
    networks: [],
    external: !isPrivateAddress(address),
  })
    ? id
    : undefined;
}
