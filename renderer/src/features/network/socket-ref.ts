import type { NetEdge, NetGraph } from '@shared/api/investigate-network.js';

export interface Endpoint {
  address: string;
  port: number;
}

/** What a socket evidence reference names: a connection (both ends), a listener (local end) or a remote endpoint. */
export interface SocketRef {
  protocol?: string;
  local?: Endpoint;
  remote?: Endpoint;
  /** Only a port or an address was given. */
  port?: number;
  address?: string;
}

const ENDPOINT = /^\[?([^\]\s]*?)\]?:(\d{1,5})$/;
const unmap = (a: string) => a.replace(/^::ffff:(\d+\.)/, '$1');

function endpointOf(text: string): Endpoint | undefined {
  const m = ENDPOINT.exec(text.trim());
  return m ? { address: unmap(m[1] ?? ''), port: Number(m[2]) } : undefined;
}

/**
 * Reads the ref formats detectors write for socket evidence:
 * "tcp 10.0.0.2:40000 -> 10.0.0.9:4444" (connections), "tcp 0.0.0.0:4444" (listeners), "10.0.0.9:4444" (beaconing
 * destinations), and the short forms ":4444" / "4444" an analyst may type.
 */
export function parseSocketEvidence(ref: string): SocketRef {
  let rest = ref.trim();
  const out: SocketRef = {};
  const proto = /^(tcp6?|udp6?|raw6?)\s+/i.exec(rest);
  if (proto) {
    out.protocol = proto[1]!.toLowerCase();
    rest = rest.slice(proto[0].length);
  }
  const arrow = rest.split(/\s*->\s*/);
  if (arrow.length === 2) {
    out.local = endpointOf(arrow[0]!);
    out.remote = endpointOf(arrow[1]!);
    return out;
  }
  if (/^\d{1,5}$/.test(rest)) return { ...out, port: Number(rest) };
  const one = endpointOf(rest);
  if (!one) return { ...out, address: rest };
  // With a protocol prefix the single endpoint is a local (listening) one; bare it is a destination.
  if (proto) out.local = one;
  else out.remote = one;
  return out;
}

const same = (a: string | undefined, b: string) => unmap(a ?? '') === b;
const family = (p: string | undefined) => (p ?? '').replace(/6$/, '');

/**
 * Edges of the graph a socket reference names, best match first: an exact connection (both ends, either direction),
 * then the same remote end, then listeners on the port. Restricted to one container's edges when its id is given.
 */
export function edgesForSocketRef(graph: NetGraph, ref: string, containerId?: string): NetEdge[] {
  const r = parseSocketEvidence(ref);
  const mine = (e: NetEdge) => !containerId || e.source.includes(containerId) || e.target.includes(containerId);
  const proto = (e: NetEdge) => !r.protocol || family(e.protocol) === family(r.protocol);
  const scored: { e: NetEdge; score: number }[] = [];
  for (const e of graph.edges) {
    if (e.kind === 'owns' || !proto(e)) continue;
    let score = 0;
    if (e.kind === 'connection') {
      if (r.local && r.remote) {
        const forward =
          same(e.localAddress, r.local.address) &&
          e.localPort === r.local.port &&
          same(e.remoteAddress, r.remote.address) &&
          e.remotePort === r.remote.port;
        const backward =
          same(e.localAddress, r.remote.address) &&
          e.localPort === r.remote.port &&
          same(e.remoteAddress, r.local.address) &&
          e.remotePort === r.local.port;
        // Sessions folded into one edge keep the first socket's local port: the remote end alone still names it.
        const remoteOnly = same(e.remoteAddress, r.remote.address) && e.remotePort === r.remote.port;
        score = forward || backward ? 4 : remoteOnly ? 2 : 0;
      } else if (r.remote) {
        score = same(e.remoteAddress, r.remote.address) && e.remotePort === r.remote.port ? 3 : 0;
      } else if (r.port !== undefined) {
        score = e.remotePort === r.port || e.localPort === r.port ? 1 : 0;
      } else if (r.address) {
        score = same(e.remoteAddress, r.address) ? 1 : 0;
      }
    } else if (e.kind === 'listen') {
      const port = r.local?.port ?? r.port;
      if (port !== undefined && e.localPort === port && (!r.local || !r.remote)) {
        const addr = r.local?.address ?? '';
        score = !addr || addr === '0.0.0.0' || addr === '::' || same(e.localAddress, addr) ? 3 : 1;
      }
    }
    if (score > 0) scored.push({ e, score: score + (mine(e) ? 10 : 0) });
  }
  const best = scored.reduce((m, s) => Math.max(m, s.score), 0);
  // With a container given, another container's edge only answers when the container has none.
  return scored
    .filter((s) => s.score >= (best >= 10 ? 10 : 0))
    .sort((a, b) => b.score - a.score)
    .map((s) => s.e);
}
