import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { scaleBand, scaleQuantize } from 'd3';
import { useVirtualizer } from '@tanstack/react-virtual';
import { visible } from '../../lib/visible-text.js';
import { sortRisk, stripCells, type Heat, type RiskRow, type RiskSort } from './overview-model.js';

const ROW_H = 26;
/** Risk 0 stays neutral; the rest falls into the four severity bands the rest of the UI colours. */
const band = scaleQuantize<string>().domain([0, 100]).range(['low', 'medium', 'high', 'critical']);
export const heat = (r: RiskRow): Heat => (r.risk <= 0 && !r.worst ? 'none' : (band(Math.max(1, r.risk)) as Heat));

/**
 * Risk by container: a strip with one cell per container (d3 band scale, the whole engine at a glance) over a
 * virtualised, sortable list that carries the names and is driven by the keyboard (arrows, Home/End, Enter).
 */
export function RiskStrip({ rows, onOpen }: { rows: RiskRow[]; onOpen(id: string): void }) {
  const [sort, setSort] = useState<{ key: RiskSort; desc: boolean }>({ key: 'risk', desc: true });
  const sorted = useMemo(() => sortRisk(rows, sort.key, sort.desc), [rows, sort]);
  const [active, setActive] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({
    count: sorted.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_H,
    overscan: 8,
  });
  const cells = useMemo(() => stripCells(sorted, heat), [sorted]);
  const x = useMemo(
    () =>
      scaleBand<number>()
        .domain(cells.map((_, i) => i))
        .range([0, 1000])
        .paddingInner(cells.length > 120 ? 0 : 0.08),
    [cells],
  );
  const per = sorted.length > cells.length ? cells[0]!.last + 1 : 1;
  const maxRisk = sorted.length ? Math.max(...sorted.map((r) => r.risk)) : 0;

  const go = (i: number) => {
    const j = Math.max(0, Math.min(sorted.length - 1, i));
    setActive(j);
    virt.scrollToIndex(j, { align: 'auto' });
  };
  const onKey = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_H * 10) / ROW_H) - 1);
    const moves: Record<string, () => void> = {
      ArrowDown: () => go(active + 1),
      ArrowUp: () => go(active - 1),
      PageDown: () => go(active + page),
      PageUp: () => go(active - page),
      Home: () => go(0),
      End: () => go(sorted.length - 1),
      Enter: () => sorted[active] && onOpen(sorted[active]!.id),
    };
    const fn = moves[e.key];
    if (!fn || e.ctrlKey || e.metaKey || e.altKey) return;
    // The shell's own arrow keys move the container selection: inside the list they move the list.
    e.preventDefault();
    e.stopPropagation();
    fn();
  };
  const sortBy = (key: RiskSort) => {
    setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'name' }));
    go(0);
  };
  const arrow = (k: RiskSort) => (sort.key === k ? (sort.desc ? ' ▾' : ' ▴') : '');
  const activeRow = sorted[active];

  return (
    <div className="eo-risk" data-testid="risk-strip" data-count={sorted.length}>
      <svg
        className="eo-strip"
        viewBox="0 0 1000 28"
        preserveAspectRatio="none"
        role="img"
        aria-label={`Risk of ${sorted.length} containers, highest ${maxRisk}`}
      >
        {cells.map((c, i) => {
          const on = Math.floor(active / per) === i;
          return (
            <rect
              key={c.first}
              className={`heat-${c.heat} ${on ? 'on' : ''}`}
              x={x(i)}
              y={on ? 0 : 4}
              width={Math.max(0.6, x.bandwidth())}
              height={on ? 28 : 20}
              onClick={() => go(c.first)}
            >
              <title>{visible(c.label)}</title>
            </rect>
          );
        })}
      </svg>
      <div className="eo-risk-head" role="group" aria-label="Sort containers">
        <button
          type="button"
          className="ghost"
          onClick={() => sortBy('name')}
          aria-pressed={sort.key === 'name'}
          data-testid="risk-sort-name"
        >
          Container{arrow('name')}
        </button>
        <span className="spacer" />
        <button
          type="button"
          className="ghost"
          onClick={() => sortBy('findings')}
          aria-pressed={sort.key === 'findings'}
          data-testid="risk-sort-findings"
        >
          Findings{arrow('findings')}
        </button>
        <button
          type="button"
          className="ghost"
          onClick={() => sortBy('risk')}
          aria-pressed={sort.key === 'risk'}
          data-testid="risk-sort-risk"
        >
          Risk{arrow('risk')}
        </button>
      </div>
      <div
        ref={scroller}
        className="eo-risk-list"
        role="listbox"
        aria-label="Containers by risk: arrows move, Enter opens"
        tabIndex={0}
        aria-activedescendant={activeRow ? `eo-risk-${activeRow.id}` : undefined}
        onKeyDown={onKey}
        data-testid="risk-list"
      >
        <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
          {virt.getVirtualItems().map((v) => {
            const r = sorted[v.index]!;
            return (
              <div
                key={r.id}
                id={`eo-risk-${r.id}`}
                role="option"
                aria-selected={v.index === active}
                className={`eo-risk-row ${v.index === active ? 'on' : ''}`}
                style={{ transform: `translateY(${v.start}px)` }}
                onClick={() => setActive(v.index)}
                onDoubleClick={() => onOpen(r.id)}
                data-testid="risk-row"
                data-container-name={r.name}
                data-risk={r.risk}
              >
                <span className={`eo-cell heat-${heat(r)}`} aria-hidden />
                <span className="eo-name" title={`${visible(r.name)} · ${visible(r.image)} · ${r.state}`}>
                  {visible(r.name)}
                </span>
                <span className="eo-state small muted">{r.state}</span>
                <span className="eo-num">{r.findings}</span>
                <span className="eo-num">
                  <b>{r.risk}</b>
                </span>
              </div>
            );
          })}
        </div>
      </div>
      <div className="small muted eo-hint">
        {activeRow ? (
          <>
            <b>{visible(activeRow.name)}</b> · <kbd>Enter</kbd> opens it
          </>
        ) : (
          'No containers'
        )}
      </div>
    </div>
  );
}
