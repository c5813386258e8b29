import type { NetEdge, NetNode } from '@shared/api/investigate-network.js';

/** The selected node: what it is, the findings on it and its edges, each a link to the node at the other end. */
export function NodeDetails({
  node,
  edges,
  nodeById,
  titles,
  onSelect,
  onClear,
}: {
  node: NetNode;
  edges: NetEdge[];
  nodeById: Map<string, NetNode>;
  titles: Map<string, string[]>;
  onSelect: (id: string) => void;
  onClear: () => void;
}) {
  const rows: [string, string][] = [
    ['Kind', node.kind + (node.external ? ' (public address)' : '')],
    ['Label', node.label],
  ];
  if (node.containerId) rows.push(['Container', labelOf(nodeById, `c:${node.containerId}`)]);
  if (node.pid !== undefined) rows.push(['Host PID', String(node.pid)]);
  if (node.address) rows.push(['Address', node.address]);
  if (node.port !== undefined) rows.push(['Port', `${node.port}/${node.protocol ?? ''}`]);
  if (node.networks.length) rows.push(['Networks', node.networks.join(', ')]);
  const found = [...(titles.get(node.id) ?? []), ...edges.flatMap((e) => titles.get(e.id) ?? [])];
  return (
    <div className="net-details" data-testid="network-details">
      <div className="net-details-head">
        <strong className="net-label">{node.label}</strong>
        <button type="button" className="ghost" onClick={onClear} aria-label="Clear selection">
          ×
        </button>
      </div>
      <dl className="inspector">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd className="mono">{v}</dd>
          </div>
        ))}
      </dl>
      {found.length > 0 ? (
        <div className="net-findings">
          {[...new Set(found)].map((t) => (
            <div key={t} className="sev-high small">
              ⚑ {t}
            </div>
          ))}
        </div>
      ) : null}
      {edges.length > 0 ? (
        <ul className="net-edges small">
          {edges.slice(0, 50).map((e) => {
            const other = e.source === node.id ? e.target : e.source;
            return (
              <li key={e.id}>
                <button type="button" className="ghost link" onClick={() => onSelect(other)}>
                  {e.source === node.id ? '→' : '←'} {labelOf(nodeById, other)}
                </button>{' '}
                {e.kind === 'allowed' || e.kind === 'selects' ? (
                  <span className="muted">{e.kind === 'allowed' ? 'may connect' : 'selects'} </span>
                ) : null}
                <span className="mono muted">
                  {e.protocol ?? ''} {e.localAddress ? `${e.localAddress}:${e.localPort}` : ''}
                  {e.remoteAddress ? ` ⇄ ${e.remoteAddress}:${e.remotePort}` : ''} {e.state ?? ''}
                  {e.count > 1 ? ` ×${e.count}` : ''}
                </span>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

/** The socket a finding pointed at, spelled out, so the analyst sees which of the node's edges it was. */
export function FocusedSocket({ edge, nodeById }: { edge: NetEdge; nodeById: Map<string, NetNode> }) {
  return (
    <div className="net-focus small" data-testid="network-focus" data-edge-kind={edge.kind}>
      <span className="muted">From the finding: </span>
      <span className="net-label">{labelOf(nodeById, edge.source)}</span> <span className="muted">→</span>{' '}
      <span className="net-label">{labelOf(nodeById, edge.target)}</span>
      <div className="mono">
        {edge.protocol ?? ''} {edge.localAddress !== undefined ? `${edge.localAddress}:${edge.localPort}` : ''}
        {edge.remoteAddress ? ` -> ${edge.remoteAddress}:${edge.remotePort}` : ''} {edge.state ?? ''}
      </div>
    </div>
  );
}

export function labelOf(nodes: Map<string, NetNode>, id: string): string {
  const n = nodes.get(id);
  if (!n) return id;
  if (n.kind === 'listener' && n.containerId)
    return `${nodes.get(`c:${n.containerId}`)?.label ?? n.containerId.slice(0, 12)} ${n.label}`;
  return n.label;
}
