import { useMemo, useState } from 'react';
import type { NetGraph, NetNode } from '@shared/api/investigate-network.js';
import type { filterGraph } from './graph-filter.js';
import type { markGraph } from './graph-marks.js';
import { FocusedSocket, labelOf, NodeDetails } from './node-details.js';

export interface GraphSideProps {
  graph: NetGraph;
  visible: ReturnType<typeof filterGraph>;
  nodeById: Map<string, NetNode>;
  marks: ReturnType<typeof markGraph>;
  selected: string | undefined;
  focusEdge: string | undefined;
  selectNode: (id: string) => void;
  onClear: () => void;
}

/** Beside the canvas: the socket a finding pointed at, the selected node, a searchable node list and the connections. */
export function GraphSide({
  graph,
  visible,
  nodeById,
  marks,
  selected,
  focusEdge,
  selectNode,
  onClear,
}: GraphSideProps) {
  const [search, setSearch] = useState('');
  const connections = visible.edges.filter((e) => e.kind === 'connection');
  const listeners = visible.edges.filter((e) => e.kind === 'listen');
  const list = useMemo(() => {
    const s = search.trim().toLowerCase();
    return visible.nodes
      .filter((n) => n.kind !== 'process' && (!s || n.label.toLowerCase().includes(s) || (n.address ?? '').includes(s)))
      .slice(0, 300);
  }, [visible.nodes, search]);
  const sel = selected ? nodeById.get(selected) : undefined;
  const selEdges = selected
    ? visible.edges.filter((e) => e.kind !== 'owns' && (e.source === selected || e.target === selected))
    : [];
  return (
    <aside className="net-side">
      {focusEdge && graph.edges.some((e) => e.id === focusEdge) ? (
        <FocusedSocket edge={graph.edges.find((e) => e.id === focusEdge)!} nodeById={nodeById} />
      ) : null}
      {sel ? (
        <NodeDetails
          node={sel}
          edges={selEdges}
          nodeById={nodeById}
          titles={marks.titles}
          onSelect={selectNode}
          onClear={onClear}
        />
      ) : (
        <p className="muted small">
          Click a node, or pick one below. Drag to pin; double-click to unpin. Keys: f fit, u unpin all, p processes,
          Esc clear.
        </p>
      )}
      <input
        className="search"
        placeholder="Find container, address, port…"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        aria-label="Find node"
      />
      <ul className="net-list" role="listbox" aria-label="Nodes">
        {list.map((n) => (
          <li
            key={n.id}
            role="option"
            tabIndex={0}
            aria-selected={n.id === selected}
            className={n.id === selected ? 'selected' : ''}
            onClick={() => selectNode(n.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                selectNode(n.id);
              }
            }}
            data-testid="network-node"
          >
            <i className={`lg lg-${n.external ? 'external' : n.kind}`} />
            <span className="net-label">{labelOf(nodeById, n.id)}</span>
            {marks.nodes.get(n.id) ? (
              <span className={`sev sev-${marks.nodes.get(n.id)}`}>{marks.nodes.get(n.id)}</span>
            ) : null}
          </li>
        ))}
      </ul>
      <h4>
        Connections <span className="muted">({connections.length})</span>
      </h4>
      <ul className="net-conns" data-testid="network-connections">
        {connections.slice(0, 200).map((e) => (
          <li
            key={e.id}
            className={`${e.source === selected || e.target === selected ? 'selected' : ''} ${e.id === focusEdge ? 'focused' : ''}`}
            onClick={() => selectNode(e.source)}
            data-testid="network-connection"
            data-focused={e.id === focusEdge ? 'true' : undefined}
          >
            <div className="net-conn-ends">
              <span className="net-label">{labelOf(nodeById, e.source)}</span>
              <span className="muted">→</span>
              <span className="net-label">{labelOf(nodeById, e.target)}</span>
            </div>
            <div className="small">
              <span className={`dir dir-${e.direction}`}>{e.direction}</span>{' '}
              <span className="mono muted">
                {e.protocol} {e.remoteAddress ? `${e.remoteAddress}:${e.remotePort}` : ''} {e.state}
                {e.count > 1 ? ` ×${e.count}` : ''}
              </span>
              {e.policy ? (
                <span className={`policy policy-${e.policy}`} data-testid="connection-policy">
                  {' '}
                  {e.policy === 'denied' ? 'not allowed by NetworkPolicy' : 'allowed by NetworkPolicy'}
                </span>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      {connections.length > 200 ? (
        <p className="muted small">…and {connections.length - 200} more; filter to narrow.</p>
      ) : null}
      <p className="muted small">{listeners.length} listening sockets</p>
    </aside>
  );
}
