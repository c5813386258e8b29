import type { Direction, NetEdge, NetGraph, NetNode } from '@shared/api/investigate-network.js';

export interface GraphFilter {
  /** Local or remote port; undefined shows all. */
  port?: number;
  /** Socket state (ESTABLISHED, LISTEN, ...); 'all' shows every state. */
  state: string;
  directions: Set<Direction>;
  /** When off, sockets hang off their container and process nodes are not drawn. */
  processes: boolean;
  /** Hide containers that have no socket left after filtering. */
  hideIdle: boolean;
}

export const ALL_DIRECTIONS: Direction[] = ['inbound', 'outbound', 'internal', 'listen'];
export const defaultFilter = (): GraphFilter => ({
  state: 'all',
  directions: new Set(ALL_DIRECTIONS),
  processes: true,
  hideIdle: false,
});

/** Applies the analyst's filter: the graph keeps only matching sockets and the nodes they touch. */
export function filterGraph(g: NetGraph, f: GraphFilter): { nodes: NetNode[]; edges: NetEdge[] } {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const ownerOf = (id: string) => {
    const n = byId.get(id);
    return !f.processes && n?.kind === 'process' && n.containerId ? `c:${n.containerId}` : id;
  };
  const kept: NetEdge[] = [];
  const folded = new Map<string, NetEdge>();
  for (const e of g.edges) {
    if (e.kind === 'owns') continue;
    if (!f.directions.has(e.direction)) continue;
    if (f.state !== 'all' && e.state !== f.state) continue;
    if (f.port !== undefined && e.localPort !== f.port && e.remotePort !== f.port) continue;
    const source = ownerOf(e.source);
    const target = ownerOf(e.target);
    if (source === target) continue;
    if (source === e.source && target === e.target) {
      kept.push(e);
      continue;
    }
    // Collapsed processes: several sockets of one container fold into one edge.
    const key = `${source}>${target}:${e.kind}:${e.state ?? ''}`;
    const prev = folded.get(key);
    if (prev) prev.count += e.count;
    else folded.set(key, { ...e, id: key, source, target });
  }
  kept.push(...folded.values());
  const touched = new Set<string>();
  for (const e of kept) {
    touched.add(e.source);
    touched.add(e.target);
  }
  // Ownership edges for processes that still have a socket shown.
  if (f.processes) {
    for (const e of g.edges) if (e.kind === 'owns' && touched.has(e.target)) kept.push(e);
    for (const e of kept) if (e.kind === 'owns') touched.add(e.source);
  }
  const nodes = g.nodes.filter((n) =>
    n.kind === 'container' || n.kind === 'service' ? !f.hideIdle || touched.has(n.id) : touched.has(n.id),
  );
  return { nodes, edges: kept };
}
