import {
  forwardRef,
  memo,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { select, zoom as d3zoom, zoomIdentity, zoomTransform, type ZoomBehavior, type ZoomTransform } from 'd3';
import { visible } from '../../lib/visible-text.js';
import { guideArray, SEVERE_FLAGS, visibleRows, type ProcNode, type ProcTree, type Row } from './process-model.js';

export const ROW_H = 24;
const INDENT = 16;
/** Drawn width of the world; wide enough for deep trees, cut by the pan limits. */
const WORLD_W = 1400;
const OVERSCAN = 6;

export interface TreePaneHandle {
  reveal(pid: number): void;
  zoomBy(f: number): void;
  reset(): void;
  focus(): void;
}

interface Props {
  tree: ProcTree;
  query: string;
  selected: number | undefined;
  /** A pid of the other view that matches the selection here, drawn with a ring. */
  partner?: number;
  onSelect(pid: number): void;
  label: string;
  testId: string;
  onZoom?(k: number): void;
}

/**
 * One process tree, drawn as an indented tree the analyst can zoom (ctrl/⌘ + wheel, +/−) and pan (drag,
 * wheel). Only rows inside the viewport are rendered, so 5,000 processes cost as much as 40. Zoom, pan,
 * collapsed branches and the selection live here and survive live refreshes of the data.
 */
export const TreePane = forwardRef<TreePaneHandle, Props>(function TreePane(p, ref) {
  const viewport = useRef<HTMLDivElement>(null);
  const zoomRef = useRef<ZoomBehavior<HTMLDivElement, unknown>>(undefined);
  const [t, setT] = useState<ZoomTransform>(zoomIdentity);
  const [size, setSize] = useState({ w: 800, h: 400 });
  const [collapsed, setCollapsed] = useState<Set<number>>(() => new Set());
  const rows = useMemo(() => visibleRows(p.tree, collapsed, p.query), [p.tree, collapsed, p.query]);
  const rowIndex = useMemo(() => new Map(rows.map((r, i) => [r.node.p.pid, i])), [rows]);
  const worldH = rows.length * ROW_H + ROW_H * 2;

  useLayoutEffect(() => {
    const el = viewport.current!;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    setSize({ w: el.clientWidth, h: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  // d3-zoom owns the transform; plain wheel pans like a scroll, ctrl/⌘ + wheel and pinch zoom.
  useEffect(() => {
    const el = viewport.current!;
    const z = d3zoom<HTMLDivElement, unknown>()
      .scaleExtent([0.35, 3])
      .filter((e: Event) =>
        e.type === 'wheel' ? (e as WheelEvent).ctrlKey || (e as WheelEvent).metaKey : !(e as MouseEvent).button,
      )
      .on('zoom', (e: { transform: ZoomTransform }) => setT(e.transform));
    zoomRef.current = z;
    const sel = select(el);
    sel.call(z).on('dblclick.zoom', null);
    const onWheel = (e: WheelEvent) => {
      if (e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      const k = zoomTransform(el).k;
      z.translateBy(sel, -e.deltaX / k, -e.deltaY / k);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      el.removeEventListener('wheel', onWheel);
      sel.on('.zoom', null);
    };
  }, []);

  // Pan limits follow the content and the zoom: the tree never drifts out of sight, and a short tree stays at the top.
  useEffect(() => {
    const z = zoomRef.current;
    const el = viewport.current;
    if (!z || !el) return;
    z.translateExtent([
      [0, 0],
      [Math.max(WORLD_W, el.clientWidth / t.k), Math.max(worldH, el.clientHeight / t.k)],
    ]);
    select(el).call(z.translateBy, 0, 0);
  }, [worldH, size.w, size.h, t.k]);

  useEffect(() => {
    p.onZoom?.(t.k);
  }, [t.k, p.onZoom]);

  const scrollToRow = (i: number) => {
    const z = zoomRef.current!;
    const sel = select(viewport.current!);
    const top = i * ROW_H * t.k + t.y;
    if (top < 0 || top > size.h - ROW_H * t.k * 2) z.translateTo(sel, (size.w / 2 - t.x) / t.k, i * ROW_H + ROW_H / 2);
  };

  useImperativeHandle(ref, () => ({
    reveal(pid: number) {
      const node = p.tree.byPid.get(pid);
      if (!node) return;
      // Open every collapsed ancestor, then bring the row into view once it is laid out.
      const open = new Set(collapsed);
      let cur: ProcNode | undefined = node;
      let changed = false;
      while (cur) {
        cur = cur.p.ppid !== cur.p.pid ? p.tree.byPid.get(cur.p.ppid) : undefined;
        if (cur && open.delete(cur.p.pid)) changed = true;
      }
      if (changed) setCollapsed(open);
      pendingReveal.current = pid;
    },
    zoomBy(f: number) {
      select(viewport.current!).call(zoomRef.current!.scaleBy, f, [0, 0]);
    },
    reset() {
      select(viewport.current!).call(zoomRef.current!.transform, zoomIdentity);
    },
    focus() {
      viewport.current?.focus();
    },
  }));
  const pendingReveal = useRef<number>(undefined);
  useEffect(() => {
    const pid = pendingReveal.current;
    if (pid === undefined) return;
    const i = rowIndex.get(pid);
    if (i === undefined) return;
    pendingReveal.current = undefined;
    scrollToRow(i);
  });

  const toggle = useCallback(
    (pid: number) =>
      setCollapsed((c) => {
        const n = new Set(c);
        if (!n.delete(pid)) n.add(pid);
        return n;
      }),
    [],
  );

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = p.selected !== undefined ? (rowIndex.get(p.selected) ?? -1) : -1;
    const sel = (j: number) => {
      const r = rows[Math.max(0, Math.min(rows.length - 1, j))];
      if (!r) return;
      p.onSelect(r.node.p.pid);
      scrollToRow(Math.max(0, Math.min(rows.length - 1, j)));
    };
    const node = i >= 0 ? rows[i]!.node : undefined;
    const handled = (() => {
      switch (e.key) {
        case 'ArrowDown':
        case 'j':
          sel(i + 1);
          return true;
        case 'ArrowUp':
        case 'k':
          sel(i - 1);
          return true;
        case 'Home':
          sel(0);
          return true;
        case 'End':
          sel(rows.length - 1);
          return true;
        case 'PageDown':
          sel(i + Math.floor(size.h / (ROW_H * t.k)));
          return true;
        case 'PageUp':
          sel(i - Math.floor(size.h / (ROW_H * t.k)));
          return true;
        case 'ArrowRight':
          if (node && collapsed.has(node.p.pid)) toggle(node.p.pid);
          else if (node?.children.length) sel(i + 1);
          return true;
        case 'ArrowLeft':
          if (node && node.children.length && !collapsed.has(node.p.pid)) toggle(node.p.pid);
          else if (node) {
            const parent = rowIndex.get(node.p.ppid);
            if (parent !== undefined) sel(parent);
          }
          return true;
        case '+':
        case '=':
          select(viewport.current!).call(zoomRef.current!.scaleBy, 1.2, [0, 0]);
          return true;
        case '-':
          select(viewport.current!).call(zoomRef.current!.scaleBy, 1 / 1.2, [0, 0]);
          return true;
        case '0':
          select(viewport.current!).call(zoomRef.current!.transform, zoomIdentity);
          return true;
        default:
          return false;
      }
    })();
    if (handled) {
      e.preventDefault();
      // Arrows and j/k belong to the tree while it has focus, not to the container list.
      e.stopPropagation();
    }
  };

  const first = Math.max(0, Math.floor(-t.y / (ROW_H * t.k)) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((size.h - t.y) / (ROW_H * t.k)) + OVERSCAN);
  const slice = rows.slice(first, last);

  return (
    <div className="pt-pane">
      <div className="pt-cols-wrap" aria-hidden>
        {/* The headings follow the tree's pan and zoom, so they stay over their columns. */}
        <div className="pt-cols muted small" style={{ transform: `translateX(${t.x}px) scale(${t.k})` }}>
          <span className="pt-pid">pid (ns)</span>
          <span className="pt-user">user</span>
          <span className="pt-main">tree · command line</span>
          <span className="pt-exe">exe</span>
          <span className="pt-start">started</span>
          <span className="pt-flags">flags</span>
        </div>
      </div>
      <div className="pt-body">
        <div
          ref={viewport}
          className="pt-viewport"
          tabIndex={0}
          role="tree"
          aria-label={p.label}
          data-testid={p.testId}
          data-rows={rows.length}
          data-zoom={t.k.toFixed(2)}
          onKeyDown={onKey}
          // Pan is d3-zoom's transform; a native scroll (the browser bringing a focused row into view) would
          // shift rows away from their headings, so it is undone at once.
          onScroll={(e) => {
            e.currentTarget.scrollTop = 0;
            e.currentTarget.scrollLeft = 0;
          }}
        >
          <div className="pt-world" style={{ transform: `translate(${t.x}px, ${t.y}px) scale(${t.k})` }}>
            {slice.map((r, j) => (
              <ProcRow
                key={r.node.p.pid}
                row={r}
                top={(first + j) * ROW_H}
                selected={r.node.p.pid === p.selected}
                partner={r.node.p.pid === p.partner}
                collapsed={collapsed.has(r.node.p.pid)}
                onToggle={toggle}
                onSelect={p.onSelect}
              />
            ))}
          </div>
          {rows.length === 0 ? (
            <div className="pt-none muted">
              {p.query ? `No process matches “${visible(p.query)}”.` : 'No processes.'}
            </div>
          ) : null}
        </div>
        <Minimap rows={rows} t={t} h={size.h} />
      </div>
    </div>
  );
});

/** One drawn row; memoised so panning and zooming re-render only rows that scroll into view. */
const ProcRow = memo(function ProcRow({
  row,
  top,
  selected,
  partner,
  collapsed,
  onToggle,
  onSelect,
}: {
  row: Row;
  top: number;
  selected: boolean;
  partner: boolean;
  collapsed: boolean;
  onToggle(pid: number): void;
  onSelect(pid: number): void;
}) {
  const { node } = row;
  const p = node.p;
  const marks = [...node.flags, ...(node.diff ? [node.diff] : [])];
  const severe = marks.some((f) => SEVERE_FLAGS.has(f));
  const cls = [
    'pt-row',
    selected ? 'sel' : '',
    partner ? 'partner' : '',
    severe ? 'severe' : marks.length ? 'notable' : '',
    row.match ? 'match' : '',
  ].join(' ');
  const cmd = visible(p.cmdline || `[${p.comm}]`);
  return (
    <div
      className={cls}
      style={{ top }}
      role="treeitem"
      aria-selected={selected}
      aria-expanded={node.children.length ? !collapsed : undefined}
      data-testid="process-node"
      data-pid={p.pid}
      data-flags={marks.join(' ')}
      onClick={() => onSelect(p.pid)}
      onDoubleClick={() => node.children.length && onToggle(p.pid)}
    >
      <span
        className="pt-pid mono"
        title={p.nsPid !== undefined ? `host pid ${p.pid}, pid ${p.nsPid} inside the container` : `pid ${p.pid}`}
      >
        {p.pid}
        {p.nsPid !== undefined && p.nsPid !== p.pid ? <span className="muted"> ({p.nsPid})</span> : null}
      </span>
      <span className="pt-user" title={visible(p.user)}>
        {visible(p.user)}
      </span>
      <span className="pt-main">
        <span className="pt-guides" style={{ width: node.depth * INDENT + 16 }}>
          {guideArray(row.guides).map((g, d) =>
            g ? <i key={d} className="pt-vline" style={{ left: d * INDENT + 7 }} /> : null,
          )}
          {node.depth > 0 ? (
            <i className={row.last ? 'pt-elbow last' : 'pt-elbow'} style={{ left: (node.depth - 1) * INDENT + 7 }} />
          ) : null}
          {node.children.length ? (
            <button
              type="button"
              className="pt-twisty"
              style={{ left: node.depth * INDENT }}
              aria-label={collapsed ? 'Expand' : 'Collapse'}
              onClick={(e) => {
                e.stopPropagation();
                onToggle(p.pid);
              }}
            >
              {collapsed ? '▸' : '▾'}
            </button>
          ) : (
            <i className="pt-leaf" style={{ left: node.depth * INDENT + 5 }} />
          )}
        </span>
        <span className="pt-cmd mono" title={visible(p.cmdline, { newlines: true })}>
          {cmd}
        </span>
        {collapsed && node.descendants ? <span className="pt-more">+{node.descendants}</span> : null}
      </span>
      <span className="pt-exe mono" title={visible(p.exe)}>
        {visible(p.exe)}
      </span>
      <span className="pt-start" title={p.startTime}>
        {shortTime(p.startTime)}
      </span>
      <span className="pt-flags">
        {marks.map((f) => (
          <span key={f} className={SEVERE_FLAGS.has(f) ? 'flag flag-bad' : 'flag'}>
            {f}
          </span>
        ))}
      </span>
    </div>
  );
});

/** A strip beside the tree marking where flagged processes are, so they can be found at any zoom. */
function Minimap({ rows, t, h }: { rows: Row[]; t: ZoomTransform; h: number }) {
  const marks = useMemo(() => {
    const out: { i: number; severe: boolean }[] = [];
    rows.forEach((r, i) => {
      const m = [...r.node.flags, ...(r.node.diff ? [r.node.diff] : [])];
      if (m.length) out.push({ i, severe: m.some((f) => SEVERE_FLAGS.has(f)) });
    });
    return out;
  }, [rows]);
  if (rows.length === 0) return null;
  const total = rows.length * ROW_H * t.k;
  const top = Math.max(0, (-t.y / total) * h);
  const height = Math.max(6, Math.min(h, (h / total) * h));
  return (
    <div className="pt-minimap" aria-hidden>
      <div className="pt-mini-window" style={{ top, height }} />
      {marks.map((m) => (
        <i key={m.i} className={m.severe ? 'mm severe' : 'mm'} style={{ top: (m.i / rows.length) * h }} />
      ))}
    </div>
  );
}

function shortTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return visible(iso).slice(0, 19);
  return d.toISOString().slice(5, 19).replace('T', ' ');
}
