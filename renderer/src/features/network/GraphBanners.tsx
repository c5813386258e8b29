import type { NetGraph } from '@shared/api/investigate-network.js';

/** What the graph cannot show: a failed reload, a declared-only or socket-less engine, limits, unreadable containers. */
export function GraphBanners({ graph, error }: { graph: NetGraph; error: Error | undefined }) {
  return (
    <>
      {error ? (
        <div className="net-banner bad" role="alert">
          Reload failed, showing the previous graph: {error.message}
        </div>
      ) : null}
      {graph.access === 'declared' ? (
        <div className="net-banner" data-testid="network-declared">
          Drawn from what the cluster declares: pods, services and NetworkPolicies (dashed: allowed by policy). Connect
          the Docker engine of a node to join the sockets its pods hold.
        </div>
      ) : null}
      {graph.access === 'none' ? (
        <div className="net-banner">
          This engine gives no socket view (remote engine without host access): only containers and networks are drawn.
          Run a scan to collect sockets.
        </div>
      ) : null}
      {graph.truncated.nodes + graph.truncated.edges > 0 ? (
        <div className="net-banner warn">
          Graph cut at its limits: {graph.truncated.nodes} nodes and {graph.truncated.edges} edges not drawn. Filter by
          port or state to see them.
        </div>
      ) : null}
      {graph.errors.length > 0 ? (
        <details className="net-banner warn">
          <summary>{graph.errors.length} container(s) could not be read</summary>
          <ul>
            {graph.errors.slice(0, 50).map((e, i) => (
              <li key={i} className="mono">
                {e.containerId?.slice(0, 12) ?? 'engine'}: {e.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}
