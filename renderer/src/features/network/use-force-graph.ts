import { useEffect, useRef, useState, type RefObject } from 'react';
import type { NetGraph } from '@shared/api/investigate-network.js';
import { SEVERITY_VAR } from '../../lib/use-latest-findings.js';
import { ForceGraph, type GEdge, type GNode, type Palette } from './force-graph.js';
import type { filterGraph } from './graph-filter.js';
import type { markGraph } from './graph-marks.js';

export interface ForceGraphHandle {
  canvasRef: RefObject<HTMLCanvasElement | null>;
  boxRef: RefObject<HTMLDivElement | null>;
  fgRef: RefObject<ForceGraph | null>;
  settled: { ms?: number; running: boolean };
  pinned: number;
}

/**
 * One ForceGraph for the life of the view, sized to its box and repainted on theme switches; data changes keep
 * positions, pins and zoom. The first layout is framed once; later updates keep whatever zoom the analyst chose.
 */
export function useForceGraph(
  graph: NetGraph,
  visible: ReturnType<typeof filterGraph>,
  marks: ReturnType<typeof markGraph>,
  onSelect: (id: string | undefined) => void,
): ForceGraphHandle {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const fgRef = useRef<ForceGraph | null>(null);
  const [settled, setSettled] = useState<{ ms?: number; running: boolean }>({ running: true });
  const [pinned, setPinned] = useState(0);

  useEffect(() => {
    const canvas = canvasRef.current!;
    const fg = new ForceGraph(canvas, readPalette(canvas));
    fgRef.current = fg;
    fg.onSelect = (id) => onSelect(id);
    let fitted = false;
    fg.onSettle = (st) => {
      setSettled({ ms: st.settleMs, running: false });
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
    const style = getComputedStyle(canvasRef.current!);
    const sevColour = (s: string | undefined) =>
      s ? style.getPropertyValue(SEVERITY_VAR[s as keyof typeof SEVERITY_VAR]).trim() || undefined : undefined;
    const nodes: GNode[] = visible.nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      label: n.label,
      external: n.external,
      mark: sevColour(marks.nodes.get(n.id)),
    }));
    const edges: GEdge[] = visible.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      kind: e.kind,
      direction: e.direction,
      count: e.count,
      mark: sevColour(marks.edges.get(e.id)),
    }));
    setSettled({ running: true });
    fg.setData(nodes, edges, hullGroups(graph.groups, visible.nodes));
  }, [visible, marks, graph.groups]);

  return { canvasRef, boxRef, fgRef, settled, pinned };
}

/** A network's hull wraps its containers and everything they hold (processes, listeners). */
function hullGroups(graphGroups: NetGraph['groups'], nodes: NetGraph['nodes']) {
  const containerGroups = new Map<string, string[]>();
  for (const g of graphGroups)
    for (const m of g.members) containerGroups.set(m, [...(containerGroups.get(m) ?? []), g.id]);
  const groups = graphGroups.map((g) => ({ ...g, members: [...g.members] }));
  const byGroup = new Map(groups.map((g) => [g.id, g]));
  for (const n of nodes) {
    if (n.kind === 'container' || !n.containerId) continue;
    for (const gid of containerGroups.get(`c:${n.containerId}`) ?? []) byGroup.get(gid)?.members.push(n.id);
  }
  return groups;
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
