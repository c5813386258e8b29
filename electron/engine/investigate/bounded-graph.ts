import { GRAPH_LIMITS, type NetEdge, type NetNode } from '@shared/api/investigate-network.js';

export type AddNode = (n: NetNode) => boolean;
export type AddEdge = (e: Omit<NetEdge, 'id' | 'count'>, key: string) => void;

/**
 * Nodes and edges kept within GRAPH_LIMITS, whatever an engine or a cluster holds: what does not fit is counted, so
 * the view can say the graph is cut rather than draw a partial one as if it were whole. A repeated edge key counts up.
 */
export function boundedGraph() {
  const nodes = new Map<string, NetNode>();
  const edges = new Map<string, NetEdge>();
  const dropped = { nodes: 0, edges: 0 };
  const addNode: AddNode = (n) => {
    if (nodes.has(n.id)) return true;
    if (nodes.size >= GRAPH_LIMITS.nodes) {
      dropped.nodes++;
      return false;
    }
    nodes.set(n.id, n);
    return true;
  };
  const addEdge: AddEdge = (e, key) => {
    const existing = edges.get(key);
    if (existing) {
      existing.count++;
      return;
    }
    if (!nodes.has(e.source) || !nodes.has(e.target)) return;
    if (edges.size >= GRAPH_LIMITS.edges) {
      dropped.edges++;
      return;
    }
    edges.set(key, { ...e, id: key, count: 1 });
  };
  return { nodes, edges, dropped, addNode, addEdge };
}
