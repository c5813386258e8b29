import { useEffect, useMemo, useRef, useState } from 'react';
import type { Direction, NetEdge, NetGraph, NetNode } from '../../../../shared/api/investigate-network.js';
import { useApi } from '../../workbench/api-context.js';
import { useWorkbench } from '../../workbench/workbench.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useHotkeys } from '../../lib/use-hotkeys.js';
import { useQuery } from '../../lib/use-query.js';
import { ForceGraph, type GEdge, type GNode, type Palette } from './force-graph.js';
import { ALL_DIRECTIONS, defaultFilter, filterGraph, type GraphFilter } from './graph-filter.js';
import { markGraph } from './graph-marks.js';
import { edgesForSocketRef } from './socket-ref.js';
import { SEVERITY_VAR, useLatestFindings } from '../../lib/use-latest-findings.js';
import '../../lib/filter-chips.css';
import './network.css';

const STATES = ['all', 'ESTABLISHED', 'LISTEN', 'SYN_SENT', 'SYN_RECV', 'TIME_WAIT', 'CLOSE_WAIT', 'FIN_WAIT1', 'FIN_WAIT2', 'UNCONN'];
const REFRESH_MS = 15_000;

/** Marker class and label of each legend entry: node kinds, then edge directions. */
const LEGEND: [string, string][] = [
  ['lg lg-container', 'container'],
  ['lg lg-process', 'process'],
  ['lg lg-listener', 'listener'],
  ['lg lg-endpoint', 'endpoint'],
  ['lg lg-external', 'public'],
  ['lg lg-service', 'service'],
  ['ln ln-inbound', 'in'],
  ['ln ln-outbound', 'out'],
  ['ln ln-internal', 'container↔container'],
  ['ln ln-allowed', 'allowed by policy'],
];

/** The engine's network: containers, their processes, listeners and remote endpoints, with live sockets as edges. */
export function NetworkView() {
  const api = useApi();
  const wb = useWorkbench();
  const { engineId } = wb;
  const q = useQuery(engineId ? () => api.call('investigate.network', { engineId }) : undefined, [engineId]);
  const [filter, setFilter] = useState<GraphFilter>(defaultFilter);
  const [live, setLive] = useState(true);
  const [selected, setSelected] = useState<string>();
  const findings = useLatestFindings(engineId, q.data ? 1 : 0);

  // Live: container lifecycle events trigger a reload; sockets change without events, so poll too while live.
  useEffect(() => {
    if (!engineId || !live) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = api.on('engine.event', (ev) => {
      if (ev.engineId !== engineId || (ev.type !== 'container' && ev.type !== 'network')) return;
      clearTimeout(timer);
      timer = setTimeout(q.reload, 1500);
    });
    const poll = setInterval(q.reload, REFRESH_MS);
    return () => {
      off();
      clearTimeout(timer);
      clearInterval(poll);
    };
  }, [api, engineId, live, q.reload]);

  if (!engineId) return <Empty title="No engine selected">Pick an engine in the left rail.</Empty>;
  if (q.error && !q.data) return <ErrorState error={q.error} onRetry={q.reload} />;
  if (!q.data) return <Loading what="network graph (reading socket tables of every running container)" />;
  return (
    <GraphBody
      graph={q.data}
      findings={findings}
      filter={filter}
      setFilter={setFilter}
      live={live}
      setLive={setLive}
      loading={q.loading}
      error={q.error}
      onReload={q.reload}
      selected={selected}
      setSelected={setSelected}
    />
  );
}

interface BodyProps {
  graph: NetGraph;
  findings: ReturnType<typeof useLatestFindings>;
  filter: GraphFilter;
  setFilter: (f: GraphFilter) => void;
  live: boolean;
  setLive: (v: boolean) => void;
  loading: boolean;
  error: Error | undefined;
  onReload: () => void;
  selected: string | undefined;
  setSelected: (id: string | undefined) => void;
}

function GraphBody({ graph, findings, filter, setFilter, live, setLive, loading, error, onReload, selected, setSelected }: BodyProps) {
  const wb = useWorkbench();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const fgRef = useRef<ForceGraph | null>(null);
  const [settled, setSettled] = useState<{ ms?: number; running: boolean }>({ running: true });
  const [pinned, setPinned] = useState(0);
  const [search, setSearch] = useState('');
  const [portText, setPortText] = useState(filter.port === undefined ? '' : String(filter.port));
  const [focusEdge, setFocusEdge] = useState<string>();

  const marks = useMemo(() => markGraph(graph, findings), [graph, findings]);
  const visible = useMemo(() => filterGraph(graph, filter), [graph, filter]);
  const nodeById = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph]);

  // One ForceGraph for the life of the view: data changes keep positions, pins and zoom.
  useEffect(() => {
    const canvas = canvasRef.current!;
    const fg = new ForceGraph(canvas, readPalette(canvas));
    fgRef.current = fg;
    fg.onSelect = (id) => setSelected(id);
    let fitted = false;
    fg.onSettle = (st) => {
      setSettled({ ms: st.settleMs, running: false });
      // The first layout is framed for the analyst; later updates keep whatever zoom they chose.
      if (!fitted) {
        fitted = true;
        fg.fit();
      }
    };
    fg.onPinsChanged = setPinned;
    const box = boxRef.current!;
    const ro = new ResizeObserver(() => fg.resize(box.clientWidth, box.clientHeight));
    ro.observe(box);
    fg.resize(box.clientWidth, box.clientHeight);
    // Theme switches change CSS variables: redraw with the new palette.
    const mo = new MutationObserver(() => fg.setPalette(readPalette(canvas)));
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const app = canvas.closest('.app');
    if (app) mo.observe(app, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      ro.disconnect();
      mo.disconnect();
      fg.destroy();
      fgRef.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const fg = fgRef.current;
    if (!fg) return;
    const canvas = canvasRef.current!;
    const style = getComputedStyle(canvas);
    const sevColour = (s: string | undefined) => (s ? style.getPropertyValue(SEVERITY_VAR[s as keyof typeof SEVERITY_VAR]).trim() || undefined : undefined);
    const nodes: GNode[] = visible.nodes.map((n) => ({ id: n.id, kind: n.kind, label: n.label, external: n.external, mark: sevColour(marks.nodes.get(n.id)) }));
    const edges: GEdge[] = visible.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, kind: e.kind, direction: e.direction, count: e.count, mark: sevColour(marks.edges.get(e.id)) }));
    setSettled({ running: true });
    // A network's hull wraps its containers and everything they hold (processes, listeners).
    const containerGroups = new Map<string, string[]>();
    for (const g of graph.groups) for (const m of g.members) containerGroups.set(m, [...(containerGroups.get(m) ?? []), g.id]);
    const groups = graph.groups.map((g) => ({ ...g, members: [...g.members] }));
    const byGroup = new Map(groups.map((g) => [g.id, g]));
    for (const n of visible.nodes) {
      if (n.kind === 'container' || !n.containerId) continue;
      for (const gid of containerGroups.get(`c:${n.containerId}`) ?? []) byGroup.get(gid)?.members.push(n.id);
    }
    fg.setData(nodes, edges, groups);
  }, [visible, marks, graph.groups]);

  // Selection from outside: the container picked in the rail, or a socket a finding points at.
  useEffect(() => {
    if (wb.containerId) selectNode(`c:${wb.containerId}`, false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wb.containerId]);
  // A focus is applied once per graph in which it resolves, so later reloads do not undo the analyst's clicks.
  const appliedFocus = useRef<unknown>(undefined);
  useEffect(() => {
    const f = wb.focus;
    if (!f || f.kind !== 'socket' || appliedFocus.current === f) return;
    const hits = edgesForSocketRef(graph, f.ref, wb.containerId);
    if (hits.length === 0) return;
    appliedFocus.current = f;
    const first = hits[0]!;
    // Listeners are shown by their listening port node; connections by the process or container holding them.
    const node = first.kind === 'listen' ? first.target : first.source;
    setSelected(node);
    setFocusEdge(first.id);
    fgRef.current?.select(node, hits.map((h) => h.id));
    setTimeout(() => {
      fgRef.current?.centerOn(node);
      document.querySelector('[data-testid="network-connection"][data-focused="true"], [data-testid="network-focus"]')?.scrollIntoView({ block: 'nearest' });
    }, 400);
  }, [wb.focus, wb.containerId, graph]);

  useEffect(() => {
    const fe = focusEdge ? graph.edges.find((e) => e.id === focusEdge) : undefined;
    if (fe && (fe.source === selected || fe.target === selected)) fgRef.current?.select(selected, [fe.id]);
    else {
      fgRef.current?.select(selected);
      if (focusEdge) setFocusEdge(undefined);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected]);

  const selectNode = (id: string, center = true) => {
    setSelected(id);
    fgRef.current?.select(id);
    if (center) fgRef.current?.centerOn(id);
  };

  useHotkeys({
    f: () => fgRef.current?.fit(),
    u: () => fgRef.current?.unpinAll(),
    Escape: () => setSelected(undefined),
    p: () => setFilter({ ...filter, processes: !filter.processes }),
  });

  const connections = visible.edges.filter((e) => e.kind === 'connection');
  const listeners = visible.edges.filter((e) => e.kind === 'listen');
  const list = useMemo(() => {
    const s = search.trim().toLowerCase();
    return visible.nodes.filter((n) => n.kind !== 'process' && (!s || n.label.toLowerCase().includes(s) || (n.address ?? '').includes(s))).slice(0, 300);
  }, [visible.nodes, search]);
  const sel = selected ? nodeById.get(selected) : undefined;
  const selEdges = selected ? visible.edges.filter((e) => e.kind !== 'owns' && (e.source === selected || e.target === selected)) : [];
  const external = graph.nodes.filter((n) => n.external).length;

  const toggleDir = (d: Direction) => {
    const next = new Set(filter.directions);
    if (next.has(d)) next.delete(d);
    else next.add(d);
    setFilter({ ...filter, directions: next });
  };

  return (
    <div className="netview" data-testid="network-graph" data-nodes={visible.nodes.length} data-edges={visible.edges.length}>
      <div className="net-toolbar" role="toolbar" aria-label="Network graph filters">
        <label>
          Port{' '}
          <input
            className="net-port"
            inputMode="numeric"
            placeholder="any"
            value={portText}
            aria-label="Filter by port"
            onChange={(e) => {
              const v = e.target.value.replace(/[^0-9]/g, '').slice(0, 5);
              setPortText(v);
              setFilter({ ...filter, port: v ? Number(v) : undefined });
            }}
          />
        </label>
        <label>
          State{' '}
          <select value={filter.state} aria-label="Filter by socket state" onChange={(e) => setFilter({ ...filter, state: e.target.value })}>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s === 'all' ? 'any' : s}
              </option>
            ))}
          </select>
        </label>
        <span className="net-dirs" role="group" aria-label="Direction">
          {ALL_DIRECTIONS.map((d) => (
            <label key={d} className={`chip dir-${d}`}>
              <input type="checkbox" checked={filter.directions.has(d)} onChange={() => toggleDir(d)} /> {d}
            </label>
          ))}
        </span>
        <label className="chip" title="Show processes (p)">
          <input type="checkbox" checked={filter.processes} onChange={() => setFilter({ ...filter, processes: !filter.processes })} /> processes
        </label>
        <label className="chip" title="Hide containers without sockets">
          <input type="checkbox" checked={filter.hideIdle} onChange={() => setFilter({ ...filter, hideIdle: !filter.hideIdle })} /> hide idle
        </label>
        <span className="spacer" />
        <button type="button" onClick={() => fgRef.current?.fit()} title="Fit to view (f)">
          Fit
        </button>
        <button type="button" onClick={() => fgRef.current?.unpinAll()} disabled={pinned === 0} title="Unpin all (u)">
          Unpin {pinned > 0 ? `(${pinned})` : ''}
        </button>
        <label className="chip" title={`Reload every ${REFRESH_MS / 1000}s and on container events`}>
          <input type="checkbox" checked={live} onChange={() => setLive(!live)} /> live
        </label>
        <button type="button" onClick={onReload} disabled={loading} aria-label="Reload network graph">
          {loading ? <span className="spinner" aria-hidden /> : '↻'}
        </button>
      </div>
      {error ? (
        <div className="net-banner bad" role="alert">
          Reload failed, showing the previous graph: {error.message}
        </div>
      ) : null}
      {graph.access === 'declared' ? (
        <div className="net-banner" data-testid="network-declared">
          Drawn from what the cluster declares: pods, services and NetworkPolicies (dashed: allowed by policy). Connect the Docker engine of a node to join the sockets its pods hold.
        </div>
      ) : null}
      {graph.access === 'none' ? (
        <div className="net-banner">This engine gives no socket view (remote engine without host access): only containers and networks are drawn. Run a scan to collect sockets.</div>
      ) : null}
      {graph.truncated.nodes + graph.truncated.edges > 0 ? (
        <div className="net-banner warn">
          Graph cut at its limits: {graph.truncated.nodes} nodes and {graph.truncated.edges} edges not drawn. Filter by port or state to see them.
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
      <div className="net-main">
        <div className="net-canvas" ref={boxRef}>
          <canvas ref={canvasRef} tabIndex={0} aria-label="Network graph: drag to pin a node, double-click to unpin, scroll to zoom" data-testid="network-canvas" data-settled={String(!settled.running)} data-pinned={pinned} />
          {graph.nodes.length === 0 ? (
            <div className="net-empty">
              <Empty title="No running containers">Start a container, or switch engines: the graph shows running containers only.</Empty>
            </div>
          ) : null}
          <div className="net-legend" aria-hidden>
            {LEGEND.map(([cls, label]) => (
              <span key={cls}>
                <i className={cls} /> {label}
              </span>
            ))}
          </div>
          <div className="net-status small muted" data-testid="network-status">
            {visible.nodes.length}/{graph.nodes.length} nodes · {visible.edges.length} edges · {external} public endpoint{external === 1 ? '' : 's'} · {settled.running ? 'laying out…' : `settled${settled.ms !== undefined ? ` in ${Math.round(settled.ms)} ms` : ''}`} · snapshot {new Date(graph.collectedAt).toLocaleTimeString()} ({graph.access})
          </div>
        </div>
        <aside className="net-side">
          {focusEdge && graph.edges.some((e) => e.id === focusEdge) ? <FocusedSocket edge={graph.edges.find((e) => e.id === focusEdge)!} nodeById={nodeById} /> : null}
          {sel ? <NodeDetails node={sel} edges={selEdges} nodeById={nodeById} titles={marks.titles} onSelect={selectNode} onClear={() => setSelected(undefined)} /> : <p className="muted small">Click a node, or pick one below. Drag to pin; double-click to unpin. Keys: f fit, u unpin all, p processes, Esc clear.</p>}
          <input className="search" placeholder="Find container, address, port…" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Find node" />
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
                {marks.nodes.get(n.id) ? <span className={`sev sev-${marks.nodes.get(n.id)}`}>{marks.nodes.get(n.id)}</span> : null}
              </li>
            ))}
          </ul>
          <h4>
            Connections <span className="muted">({connections.length})</span>
          </h4>
          <ul className="net-conns" data-testid="network-connections">
            {connections.slice(0, 200).map((e) => (
              <li key={e.id} className={`${e.source === selected || e.target === selected ? 'selected' : ''} ${e.id === focusEdge ? 'focused' : ''}`} onClick={() => selectNode(e.source)} data-testid="network-connection" data-focused={e.id === focusEdge ? 'true' : undefined}>
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
          {connections.length > 200 ? <p className="muted small">…and {connections.length - 200} more; filter to narrow.</p> : null}
          <p className="muted small">{listeners.length} listening sockets</p>
        </aside>
      </div>
    </div>
  );
}

function NodeDetails({ node, edges, nodeById, titles, onSelect, onClear }: { node: NetNode; edges: NetEdge[]; nodeById: Map<string, NetNode>; titles: Map<string, string[]>; onSelect: (id: string) => void; onClear: () => void }) {
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
                {e.kind === 'allowed' || e.kind === 'selects' ? <span className="muted">{e.kind === 'allowed' ? 'may connect' : 'selects'} </span> : null}
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
function FocusedSocket({ edge, nodeById }: { edge: NetEdge; nodeById: Map<string, NetNode> }) {
  return (
    <div className="net-focus small" data-testid="network-focus" data-edge-kind={edge.kind}>
      <span className="muted">From the finding: </span>
      <span className="net-label">{labelOf(nodeById, edge.source)}</span> <span className="muted">→</span> <span className="net-label">{labelOf(nodeById, edge.target)}</span>
      <div className="mono">
        {edge.protocol ?? ''} {edge.localAddress !== undefined ? `${edge.localAddress}:${edge.localPort}` : ''}
        {edge.remoteAddress ? ` -> ${edge.remoteAddress}:${edge.remotePort}` : ''} {edge.state ?? ''}
      </div>
    </div>
  );
}

function labelOf(nodes: Map<string, NetNode>, id: string): string {
  const n = nodes.get(id);
  if (!n) return id;
  if (n.kind === 'listener' && n.containerId) return `${nodes.get(`c:${n.containerId}`)?.label ?? n.containerId.slice(0, 12)} ${n.label}`;
  return n.label;
}

function readPalette(el: Element): Palette {
  const s = getComputedStyle(el);
  const v = (name: string, fallback: string) => s.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--bg', '#0f1216'),
    fg: v('--fg', '#d8dee6'),
    muted: v('--fg-2', '#9aa6b2'),
    line: v('--line', '#2a323c'),
    accent: v('--accent', '#4ea1ff'),
    container: v('--accent', '#4ea1ff'),
    process: v('--fg-2', '#9aa6b2'),
    listener: v('--ok', '#3fb950'),
    endpoint: v('--low', '#8b98a5'),
    service: '#db61a2',
    allowed: v('--fg-2', '#9aa6b2'),
    external: v('--warn', '#d29922'),
    inbound: v('--warn', '#d29922'),
    outbound: '#a371f7',
    internal: v('--ok', '#3fb950'),
    sel: v('--sel', '#1f3550'),
  };
}
