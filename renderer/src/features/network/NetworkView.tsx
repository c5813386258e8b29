import { useEffect, useMemo, useRef, useState } from 'react';
import type { NetGraph } from '@shared/api/investigate-network.js';
import { useApi } from '../../workbench/api-context.js';
import { useWorkbench } from '../../workbench/workbench.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useHotkeys } from '../../lib/use-hotkeys.js';
import { useQuery } from '../../lib/use-query.js';
import { defaultFilter, filterGraph, type GraphFilter } from './graph-filter.js';
import { markGraph } from './graph-marks.js';
import { edgesForSocketRef } from './socket-ref.js';
import { useLatestFindings } from '../../lib/use-latest-findings.js';
import { GraphBanners } from './GraphBanners.js';
import { GraphSide } from './GraphSide.js';
import { GraphToolbar } from './GraphToolbar.js';
import { useForceGraph, type ForceGraphHandle } from './use-force-graph.js';
import '../../lib/filter-chips.css';
import './network.css';

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

function GraphBody({
  graph,
  findings,
  filter,
  setFilter,
  live,
  setLive,
  loading,
  error,
  onReload,
  selected,
  setSelected,
}: BodyProps) {
  const [focusEdge, setFocusEdge] = useState<string>();
  const marks = useMemo(() => markGraph(graph, findings), [graph, findings]);
  const visible = useMemo(() => filterGraph(graph, filter), [graph, filter]);
  const nodeById = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph]);
  const { canvasRef, boxRef, fgRef, settled, pinned } = useForceGraph(graph, visible, marks, setSelected);

  const selectNode = (id: string, center = true) => {
    setSelected(id);
    fgRef.current?.select(id);
    if (center) fgRef.current?.centerOn(id);
  };
  useOutsideSelection({ graph, fgRef, selected, setSelected, focusEdge, setFocusEdge, selectNode });

  useHotkeys({
    f: () => fgRef.current?.fit(),
    u: () => fgRef.current?.unpinAll(),
    Escape: () => setSelected(undefined),
    p: () => setFilter({ ...filter, processes: !filter.processes }),
  });

  const external = graph.nodes.filter((n) => n.external).length;
  return (
    <div
      className="netview"
      data-testid="network-graph"
      data-nodes={visible.nodes.length}
      data-edges={visible.edges.length}
    >
      <GraphToolbar
        filter={filter}
        setFilter={setFilter}
        pinned={pinned}
        onFit={() => fgRef.current?.fit()}
        onUnpinAll={() => fgRef.current?.unpinAll()}
        live={live}
        setLive={setLive}
        refreshMs={REFRESH_MS}
        loading={loading}
        onReload={onReload}
      />
      <GraphBanners graph={graph} error={error} />
      <div className="net-main">
        <div className="net-canvas" ref={boxRef}>
          <canvas
            ref={canvasRef}
            tabIndex={0}
            aria-label="Network graph: drag to pin a node, double-click to unpin, scroll to zoom"
            data-testid="network-canvas"
            data-settled={String(!settled.running)}
            data-pinned={pinned}
          />
          {graph.nodes.length === 0 ? (
            <div className="net-empty">
              <Empty title="No running containers">
                Start a container, or switch engines: the graph shows running containers only.
              </Empty>
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
            {visible.nodes.length}/{graph.nodes.length} nodes · {visible.edges.length} edges · {external} public
            endpoint{external === 1 ? '' : 's'} ·{' '}
            {settled.running
              ? 'laying out…'
              : `settled${settled.ms !== undefined ? ` in ${Math.round(settled.ms)} ms` : ''}`}{' '}
            · snapshot {new Date(graph.collectedAt).toLocaleTimeString()} ({graph.access})
          </div>
        </div>
        <GraphSide
          graph={graph}
          visible={visible}
          nodeById={nodeById}
          marks={marks}
          selected={selected}
          focusEdge={focusEdge}
          selectNode={selectNode}
          onClear={() => setSelected(undefined)}
        />
      </div>
    </div>
  );
}

interface OutsideSelection {
  graph: NetGraph;
  fgRef: ForceGraphHandle['fgRef'];
  selected: string | undefined;
  setSelected: (id: string | undefined) => void;
  focusEdge: string | undefined;
  setFocusEdge: (id: string | undefined) => void;
  selectNode: (id: string, center?: boolean) => void;
}

/** Selection from outside the graph: the container picked in the rail, or a socket a finding points at. */
function useOutsideSelection({
  graph,
  fgRef,
  selected,
  setSelected,
  focusEdge,
  setFocusEdge,
  selectNode,
}: OutsideSelection) {
  const wb = useWorkbench();
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
    fgRef.current?.select(
      node,
      hits.map((h) => h.id),
    );
    setTimeout(() => {
      fgRef.current?.centerOn(node);
      document
        .querySelector('[data-testid="network-connection"][data-focused="true"], [data-testid="network-focus"]')
        ?.scrollIntoView({ block: 'nearest' });
    }, 400);
    // eslint-disable-next-line react-hooks/exhaustive-deps
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
}
