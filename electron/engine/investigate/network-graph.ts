import { boundedGraph, type AddNode } from './bounded-graph.js';
import type { SocketInfo } from '@shared/domain/network.js';
import { type Direction, type NetGraph, type NetGroup, type NetNode } from '@shared/api/investigate-network.js';

/** What the graph needs of one container: identity, Docker networks and its namespace's sockets. */
export interface ContainerSockets {
  id: string;
  name: string;
  networks: { name: string; ipAddress: string; networkId: string }[];
  /** Containers sharing a namespace ("container:<id>" network mode, pods) carry the same key. */
  netns?: string;
  sockets: SocketInfo[];
  /** False when no socket table could be read: peers must not assume its side of a connection will be drawn. */
  socketsKnown: boolean;
}

/** Address of Docker's embedded DNS server inside containers on user-defined networks. */
const DOCKER_DNS = '127.0.0.11';
const family = (p: string) => (p.startsWith('udp') ? 'udp' : 'tcp');
const isLoopback = (a: string) => a.startsWith('127.') || a === '::1';
const isUnspecified = (a: string) => a === '0.0.0.0' || a === '::' || a === '';
/** Private, loopback and link-local addresses: remote endpoints outside them are the ones that leave the host. */
export function isPrivateAddress(a: string): boolean {
  if (isLoopback(a) || isUnspecified(a)) return true;
  const m = /^(\d+)\.(\d+)\./.exec(a);
  if (m) {
    const [x, y] = [Number(m[1]), Number(m[2])];
    return (
      x === 10 ||
      (x === 172 && y >= 16 && y <= 31) ||
      (x === 192 && y === 168) ||
      (x === 169 && y === 254) ||
      (x === 100 && y >= 64 && y <= 127)
    );
  }
  const l = a.toLowerCase();
  return l.startsWith('fc') || l.startsWith('fd') || l.startsWith('fe80');
}

/**
 * Builds the engine-wide graph: containers own processes, processes own listeners and connections; a connection
 * to another container's address (or to loopback in a shared namespace) ends at that container's listener, so
 * each inter-container TCP session is one edge, drawn from the client side.
 */
export function buildNetworkGraph(
  engineId: string,
  containers: ContainerSockets[],
  opts: { access: NetGraph['access']; collectedAt?: string; errors?: NetGraph['errors'] } = { access: 'host' },
): NetGraph {
  const { nodes, edges, dropped, addNode, addEdge } = boundedGraph();

  // Address and namespace indexes, so a remote address can be resolved to the container behind it.
  const byIp = new Map<string, ContainerSockets>();
  const nsKey = (c: ContainerSockets) => c.netns ?? `c:${c.id}`;
  const nsOwner = new Map<string, ContainerSockets>();
  const nsKnown = new Map<string, boolean>();
  for (const c of containers) {
    for (const n of c.networks) if (n.ipAddress) byIp.set(n.ipAddress, c);
    if (!nsOwner.has(nsKey(c))) nsOwner.set(nsKey(c), c);
    nsKnown.set(nsKey(c), (nsKnown.get(nsKey(c)) ?? false) || c.socketsKnown);
  }
  const listenerId = (ns: string, proto: string, port: number) => `l:${ns}:${family(proto)}:${port}`;
  const listening = new Set<string>();
  for (const c of containers)
    for (const s of c.sockets)
      if (s.state === 'LISTEN' || (family(s.protocol) === 'udp' && s.state === 'UNCONN' && s.localPort > 0))
        listening.add(listenerId(nsKey(c), s.protocol, s.localPort));

  for (const c of containers) {
    addNode({
      id: `c:${c.id}`,
      kind: 'container',
      label: c.name || c.id.slice(0, 12),
      containerId: c.id,
      networks: c.networks.map((n) => n.name),
      external: false,
    });
  }

  // Sockets of a shared namespace are seen once per member: fold them by inode.
  const seenInode = new Set<string>();
  for (const c of containers) {
    const ns = nsKey(c);
    const nets = c.networks.map((n) => n.name);
    for (const s of c.sockets) {
      if (s.protocol === 'unix' || s.protocol === 'packet') continue;
      // Docker's embedded DNS resolver listens in every user-network namespace, owned by dockerd, not the container.
      if (s.localAddress === DOCKER_DNS && s.pid === undefined && s.remotePort === 0) continue;
      const inodeKey = `${ns}:${s.protocol}:${s.inode}:${s.localPort}:${s.remoteAddress}:${s.remotePort}`;
      if (seenInode.has(inodeKey)) continue;
      seenInode.add(inodeKey);

      // The owner: the process holding the socket when known, else the container itself.
      let owner = `c:${c.id}`;
      if (s.pid !== undefined) {
        const pid = `p:${c.id}:${s.pid}`;
        if (
          addNode({
            id: pid,
            kind: 'process',
            label: `${s.process ?? '?'} (${s.pid})`,
            containerId: c.id,
            pid: s.pid,
            networks: nets,
            external: false,
          })
        ) {
          addEdge({ source: `c:${c.id}`, target: pid, kind: 'owns', direction: 'owns' }, `o:${pid}`);
          owner = pid;
        }
      }

      const isListen =
        s.state === 'LISTEN' ||
        (family(s.protocol) === 'udp' && s.state === 'UNCONN' && s.localPort > 0 && s.remotePort === 0);
      if (isListen) {
        const lid = listenerId(ns, s.protocol, s.localPort);
        const bound = isUnspecified(s.localAddress) ? '' : s.localAddress;
        addNode({
          id: lid,
          kind: 'listener',
          label: `${bound}:${s.localPort}/${family(s.protocol)}`,
          containerId: nsOwner.get(ns)?.id ?? c.id,
          address: bound || undefined,
          port: s.localPort,
          protocol: family(s.protocol),
          networks: nets,
          external: false,
        });
        addEdge(
          {
            source: owner,
            target: lid,
            kind: 'listen',
            direction: 'listen',
            protocol: s.protocol,
            state: s.state,
            localAddress: s.localAddress,
            localPort: s.localPort,
          },
          `L:${owner}:${lid}`,
        );
        continue;
      }
      if (s.remotePort === 0 || isUnspecified(s.remoteAddress)) continue;

      const peer = isLoopback(s.remoteAddress) ? c : byIp.get(s.remoteAddress);
      const peerNs = peer ? nsKey(peer) : undefined;
      // Server side: our port is listening. Servers that accept once (nc -l) close their listener, so without one
      // on either side the lower port is taken as the service port (clients use the ephemeral range).
      const localListens = listening.has(listenerId(ns, s.protocol, s.localPort));
      const remoteListens = peerNs !== undefined && listening.has(listenerId(peerNs, s.protocol, s.remotePort));
      const inbound = localListens || (!remoteListens && s.localPort < s.remotePort);
      const base = {
        kind: 'connection' as const,
        protocol: s.protocol,
        state: s.state,
        localAddress: s.localAddress,
        localPort: s.localPort,
        remoteAddress: s.remoteAddress,
        remotePort: s.remotePort,
      };

      if (inbound) {
        const lid = ensureListener(
          listenerId(ns, s.protocol, s.localPort),
          c,
          { ...s, remotePort: s.localPort },
          nodes,
          addNode,
        );
        // The process serving the session belongs to the service even when its listening socket is gone.
        if (owner !== `c:${c.id}`)
          addEdge(
            {
              source: owner,
              target: lid,
              kind: 'listen',
              direction: 'listen',
              protocol: s.protocol,
              localAddress: s.localAddress,
              localPort: s.localPort,
            },
            `L:${owner}:${lid}`,
          );
        // The client side draws container-to-container sessions; only draw here when it cannot.
        if (peer && peerNs !== undefined && nsKnown.get(peerNs)) continue;
        const src = peer ? `c:${peer.id}` : endpointNode(s.remoteAddress, addNode);
        if (!src) continue;
        const direction: Direction = peer ? 'internal' : 'inbound';
        addEdge({ ...base, source: src, target: lid, direction }, `C:${src}>${lid}:${s.state}`);
        continue;
      }

      let target: string | undefined;
      let direction: Direction = 'outbound';
      if (peer && peerNs !== undefined) {
        direction = 'internal';
        target = ensureListener(listenerId(peerNs, s.protocol, s.remotePort), peer, s, nodes, addNode);
      } else {
        target = endpointNode(s.remoteAddress, addNode);
      }
      if (!target) continue;
      addEdge({ ...base, source: owner, target, direction }, `C:${owner}>${target}:${s.remotePort}:${s.state}`);
    }
  }

  const groups = new Map<string, NetGroup>();
  for (const c of containers) {
    for (const n of c.networks) {
      // "none" is the absence of a network, not a group the containers share.
      if (n.name === 'none') continue;
      const id = `n:${n.networkId || n.name}`;
      const g = groups.get(id) ?? { id, name: n.name, members: [] };
      g.members.push(`c:${c.id}`);
      groups.set(id, g);
    }
  }

  return {
    engineId,
    collectedAt: opts.collectedAt ?? new Date().toISOString(),
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    groups: [...groups.values()].slice(0, 1024),
    access: opts.access,
    truncated: { ...dropped },
    errors: opts.errors ?? [],
  };
}

function endpointNode(address: string, addNode: AddNode): string | undefined {
  const id = `e:${address}`;
  return addNode({ id, kind: 'endpoint', label: address, address, networks: [], external: !isPrivateAddress(address) })
    ? id
    : undefined;
}

/** The peer's listener may come later in the walk: create it now so the edge has its end. */
function ensureListener(
  lid: string,
  peer: ContainerSockets,
  s: SocketInfo,
  nodes: Map<string, NetNode>,
  addNode: AddNode,
): string {
  if (nodes.has(lid)) return lid;
  addNode({
    id: lid,
    kind: 'listener',
    label: `:${s.remotePort}/${family(s.protocol)}`,
    containerId: peer.id,
    port: s.remotePort,
    protocol: family(s.protocol),
    networks: peer.networks.map((n) => n.name),
    external: false,
  });
  return lid;
}
