import { useEffect, useMemo, useRef, useState } from 'react';
import { isOpName, type OpName } from '@shared/api/contract.js';
import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import { useApi } from '../../workbench/api-context.js';
import { useWorkbench } from '../../workbench/workbench.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useHotkeys } from '../../lib/use-hotkeys.js';
import { useQuery } from '../../lib/use-query.js';
import { useLatestFindings } from '../../lib/use-latest-findings.js';
import { TimelineChart } from './timeline-chart.js';
import { eventRefInfo, itemForEventRef } from './event-ref.js';
import {
  eventItem,
  fileItems,
  findingItems,
  LANES,
  mergeItems,
  type Lane,
  type TimelineItem,
} from './timeline-items.js';
import '../../lib/filter-chips.css';
import './timeline.css';

const WINDOWS: { id: string; label: string; ms: number }[] = [
  { id: '15m', label: '15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 hour', ms: 3_600_000 },
  { id: '6h', label: '6 hours', ms: 6 * 3_600_000 },
  { id: '24h', label: '24 hours', ms: 24 * 3_600_000 },
  { id: '7d', label: '7 days', ms: 7 * 24 * 3_600_000 },
];
const LIST_MAX = 500;

/** Engine events, exec sessions, file mtimes and findings on one zoomable time axis; the brush sets the shared range. */
export function TimelineView() {
  const api = useApi();
  const wb = useWorkbench();
  const { engineId, containerId } = wb;
  const [win, setWin] = useState('1h');
  const [scope, setScope] = useState<'container' | 'engine'>('container');
  const [live, setLive] = useState(true);
  // Events our own reads caused are not the evidence's: hidden unless the analyst asks for them.
  const [own, setOwn] = useState(false);
  const [lanes, setLanes] = useState<Set<Lane>>(() => new Set(LANES.map((l) => l.id)));
  const [liveItems, setLiveItems] = useState<TimelineItem[]>([]);
  const [reloadTick, setReloadTick] = useState(0);
  const scopedId = scope === 'container' ? containerId : undefined;
  const windowMs = WINDOWS.find((w) => w.id === win)!.ms;

  // The window is fixed at query time ([now - window, now]) so the daemon closes the stream itself.
  const q = useQuery(
    engineId
      ? () => {
          const until = Date.now();
          return api.call('timeline.events', {
            engineId,
            since: Math.floor((until - windowMs) / 1000),
            until: Math.ceil(until / 1000),
            containerId: scopedId,
          });
        }
      : undefined,
    [engineId, scopedId, windowMs, reloadTick],
  );
  const evidence = useQuery<ContainerEvidence | undefined>(
    engineId && scopedId && isOpName('evidence.container')
      ? () =>
          (api.call as unknown as (op: OpName, i: unknown) => Promise<ContainerEvidence>)(
            'evidence.container' as OpName,
            { engineId, containerId: scopedId },
          )
      : undefined,
    [engineId, scopedId],
  );
  const findings = useLatestFindings(engineId, reloadTick);

  useEffect(() => {
    setLiveItems([]);
  }, [q.data]);
  // Live: pushed engine events land on the axis at once; a periodic reload moves the window forward.
  useEffect(() => {
    if (!engineId || !live) return;
    const off = api.on('engine.event', (ev) => {
      if (ev.engineId !== engineId || (scopedId && ev.actorId !== scopedId)) return;
      setLiveItems((l) => (l.length > 2000 ? l : [...l, eventItem(ev)]));
    });
    const poll = setInterval(() => setReloadTick((t) => t + 1), Math.max(15_000, windowMs / 60));
    return () => {
      off();
      clearInterval(poll);
    };
  }, [api, engineId, scopedId, live, windowMs]);

  const items = useMemo(() => {
    const ev = (q.data?.events ?? []).map(eventItem);
    const files = scopedId && evidence.data ? fileItems(evidence.data.files, scopedId) : [];
    return mergeItems(ev, liveItems, files, findingItems(findings, scopedId));
  }, [q.data, liveItems, evidence.data, findings, scopedId]);
  const ownCount = useMemo(() => items.filter((i) => i.byStowaway).length, [items]);
  const shownItems = useMemo(() => (own ? items : items.filter((i) => !i.byStowaway)), [items, own]);

  // A finding's event may lie outside what is loaded: widen the scope to the engine, then the window, until it shows.
  const widened = useRef<unknown>(undefined);
  const widenedOn = useRef<unknown>(undefined);
  useEffect(() => {
    const f = wb.focus;
    // One step per answer: the next step waits for the events of the wider query.
    if (!f || f.kind !== 'event' || !q.data || q.loading || widened.current === f || widenedOn.current === q.data)
      return;
    if (itemForEventRef(items, f.ref)) {
      widened.current = f;
      return;
    }
    widenedOn.current = q.data;
    if (scope === 'container' && containerId) {
      setScope('engine');
      return;
    }
    const i = WINDOWS.findIndex((w) => w.id === win);
    if (i < WINDOWS.length - 1) setWin(WINDOWS[i + 1]!.id);
    else widened.current = f;
  }, [wb.focus, items, q.data, q.loading, scope, containerId, win]);

  useHotkeys({
    l: () => setLive((v) => !v),
    '0': () => chartApi.current?.resetZoom(),
  });
  const chartApi = useRef<TimelineChart | null>(null);

  if (!engineId) return <Empty title="No engine selected">Pick an engine in the left rail.</Empty>;
  if (q.error && !q.data) return <ErrorState error={q.error} onRetry={q.reload} />;

  return (
    <div className="tlview" data-testid="timeline">
      <div className="tl-toolbar" role="toolbar" aria-label="Timeline options">
        <label>
          Window{' '}
          <select value={win} onChange={(e) => setWin(e.target.value)} aria-label="Time window">
            {WINDOWS.map((w) => (
              <option key={w.id} value={w.id}>
                last {w.label}
              </option>
            ))}
          </select>
        </label>
        <span className="tl-scope" role="radiogroup" aria-label="Scope">
          <label className="chip">
            <input
              type="radio"
              checked={scope === 'container'}
              onChange={() => setScope('container')}
              disabled={!containerId}
            />{' '}
            selected container
          </label>
          <label className="chip">
            <input type="radio" checked={scope === 'engine' || !containerId} onChange={() => setScope('engine')} />{' '}
            whole engine
          </label>
        </span>
        <span className="tl-lanes-toggle" role="group" aria-label="Lanes">
          {LANES.map((l) => (
            <label key={l.id} className={`chip lane-chip lane-${l.id}`}>
              <input
                type="checkbox"
                checked={lanes.has(l.id)}
                onChange={() => {
                  const next = new Set(lanes);
                  if (next.has(l.id)) next.delete(l.id);
                  else next.add(l.id);
                  setLanes(next);
                }}
              />{' '}
              {l.id}
            </label>
          ))}
        </span>
        <span className="spacer" />
        <button type="button" onClick={() => chartApi.current?.resetZoom()} title="Reset zoom (0)">
          Reset zoom
        </button>
        <label
          className="chip"
          title="Events Stowaway's own calls caused (top, archive reads, exec): its footprint on the engine, kept in the case's custody log"
        >
          <input type="checkbox" checked={own} onChange={() => setOwn(!own)} data-testid="timeline-own-toggle" /> by
          Stowaway ({ownCount})
        </label>
        <label className="chip" title="Follow new events (l)">
          <input type="checkbox" checked={live} onChange={() => setLive(!live)} /> live
        </label>
        <button
          type="button"
          onClick={() => setReloadTick((t) => t + 1)}
          disabled={q.loading}
          aria-label="Reload timeline"
        >
          {q.loading ? <span className="spinner" aria-hidden /> : '↻'}
        </button>
      </div>
      {q.error ? (
        <div className="net-banner bad" role="alert">
          Reload failed, showing the previous events: {q.error.message}
        </div>
      ) : null}
      {q.data && q.data.truncated > 0 ? (
        <div className="net-banner warn">
          {q.data.truncated} older events in this window are not shown (limit reached): narrow the window or scope to
          one container.
        </div>
      ) : null}
      {!q.data ? (
        <Loading what="engine events" />
      ) : (
        <TimelineBody
          items={shownItems}
          lanes={LANES.map((l) => l.id).filter((l) => lanes.has(l))}
          domain={[Date.parse(q.data.since), Date.parse(q.data.until)]}
          chartApi={chartApi}
          scopeLabel={scopedId ? 'this container' : 'the engine'}
        />
      )}
    </div>
  );
}

function TimelineBody({
  items,
  lanes,
  domain,
  chartApi,
  scopeLabel,
}: {
  items: TimelineItem[];
  lanes: Lane[];
  domain: [number, number];
  chartApi: React.MutableRefObject<TimelineChart | null>;
  scopeLabel: string;
}) {
  const wb = useWorkbench();
  const svgRef = useRef<SVGSVGElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState<TimelineItem>();
  const range = wb.timeRange;
  const rangeMs = useMemo<[number, number] | undefined>(
    () => (range ? [Date.parse(range.from), Date.parse(range.to)] : undefined),
    [range],
  );
  // The domain must always end after its start, also when the daemon answers with a one-second window.
  const dom: [number, number] = domain[1] > domain[0] ? domain : [domain[0], domain[0] + 60_000];

  useEffect(() => {
    const chart = new TimelineChart(svgRef.current!, {
      onSelect: (i) => setSelected(i),
      onBrush: (r) =>
        wb.setTimeRange?.(r ? { from: new Date(r[0]).toISOString(), to: new Date(r[1]).toISOString() } : undefined),
    });
    chartApi.current = chart;
    const box = boxRef.current!;
    chart.resize(box.clientWidth);
    const ro = new ResizeObserver(() => chart.resize(box.clientWidth));
    ro.observe(box);
    return () => {
      ro.disconnect();
      chart.destroy();
      chartApi.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    chartApi.current?.setData(items, dom, lanes);
    chartApi.current?.setBrush(rangeMs);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items, dom[0], dom[1], lanes]);
  useEffect(() => {
    chartApi.current?.setBrush(rangeMs);
  }, [rangeMs]);
  useEffect(() => {
    chartApi.current?.select(selected?.id);
  }, [selected]);

  // Focus from a finding: the event it names (exec id, type/action@time, container prefix), else the nearest to its time.
  // Applied once per focus, so live events arriving later do not pull the selection back.
  const appliedFocus = useRef<unknown>(undefined);
  useEffect(() => {
    const f = wb.focus;
    if (!f || f.kind !== 'event' || appliedFocus.current === f) return;
    const hit = itemForEventRef(items, f.ref);
    const t = hit?.time ?? eventRefInfo(f.ref).time;
    if (t === undefined) return;
    const near =
      hit ??
      items.reduce<TimelineItem | undefined>(
        (b, i) => (!b || Math.abs(i.time - t) < Math.abs(b.time - t) ? i : b),
        undefined,
      );
    if (!near) return;
    appliedFocus.current = f;
    setSelected(near);
    // Ten minutes around the event, kept inside the loaded window (zoom cannot leave it); after the marks are drawn.
    const from = Math.max(dom[0], Math.min(t - 5 * 60_000, dom[1] - 10 * 60_000));
    const to = Math.min(dom[1], from + 10 * 60_000);
    requestAnimationFrame(() => {
      chartApi.current?.zoomTo(from, to, false);
      document.querySelector(`[data-item-id="${CSS.escape(near.id)}"]`)?.scrollIntoView({ block: 'center' });
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wb.focus, items, chartApi]);

  const listed = useMemo(() => {
    const laneSet = new Set(lanes);
    const out = items.filter(
      (i) => laneSet.has(i.lane) && (!rangeMs || (i.time >= rangeMs[0] && i.time <= rangeMs[1])),
    );
    return out.reverse();
  }, [items, lanes, rangeMs]);

  const move = (delta: number) => {
    if (listed.length === 0) return;
    const i = selected ? listed.findIndex((l) => l.id === selected.id) : -1;
    const next = listed[Math.max(0, Math.min(listed.length - 1, i + delta))]!;
    setSelected(next);
    document.querySelector(`[data-item-id="${CSS.escape(next.id)}"]`)?.scrollIntoView({ block: 'nearest' });
  };
  useHotkeys({
    n: () => move(1),
    p: () => move(-1),
    z: () => selected && chartApi.current?.zoomTo(selected.time - 60_000, selected.time + 60_000),
    Escape: () => (range ? wb.setTimeRange?.(undefined) : setSelected(undefined)),
  });

  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const i of items) c[i.lane] = (c[i.lane] ?? 0) + 1;
    return c;
  }, [items]);

  return (
    <>
      <div className="tl-chart" ref={boxRef}>
        <svg
          ref={svgRef}
          className="tl-svg"
          role="img"
          aria-label={`Timeline of ${scopeLabel}: scroll to zoom, drag to pan, brush the lower strip to set a range`}
        />
        {items.length === 0 ? (
          <div className="tl-empty muted">
            No events for {scopeLabel} in this window. Widen the window or switch to the whole engine.
          </div>
        ) : null}
      </div>
      <div className="tl-summary small muted" data-testid="timeline-summary">
        {items.length} items ({LANES.map((l) => `${counts[l.id] ?? 0} ${l.id}`).join(' · ')}) ·{' '}
        {range ? (
          <>
            range {new Date(range.from).toLocaleTimeString()} – {new Date(range.to).toLocaleTimeString()}{' '}
            <button
              type="button"
              className="ghost link"
              onClick={() => wb.setTimeRange?.(undefined)}
              data-testid="timeline-clear-range"
            >
              clear range (Esc)
            </button>
          </>
        ) : (
          'brush the strip under the axis to set a range for the other views'
        )}{' '}
        · keys: n/p next/previous, z zoom to item, 0 reset
      </div>
      <div className="tl-lower">
        <div className="tl-list-wrap" tabIndex={0} role="region" aria-label="Timeline events">
          <table className="tl-list" data-testid="timeline-list">
            <thead>
              <tr>
                <th>Time</th>
                <th>Source</th>
                <th>What</th>
                <th>Actor</th>
              </tr>
            </thead>
            <tbody>
              {listed.slice(0, LIST_MAX).map((i) => (
                <tr
                  key={i.id}
                  data-item-id={i.id}
                  className={`${i.id === selected?.id ? 'selected' : ''} ${i.loud ? 'loud' : ''}`}
                  onClick={() => setSelected(i)}
                  data-testid="timeline-row"
                >
                  <td className="mono nowrap">{formatTime(i.time)}</td>
                  <td>
                    <span className={`lane-dot lane-${i.lane}`} /> {i.lane}
                  </td>
                  <td className="tl-what">
                    {i.severity ? <span className={`sev sev-${i.severity}`}>{i.severity}</span> : null} {i.label}
                    {i.byStowaway ? (
                      <span
                        className="tl-own small"
                        data-testid="by-stowaway"
                        title={`Caused by Stowaway's own ${i.byStowaway} call`}
                      >
                        {' '}
                        by Stowaway
                      </span>
                    ) : null}
                  </td>
                  <td className="tl-actor">{i.actor ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {listed.length > LIST_MAX ? (
            <p className="muted small">…{listed.length - LIST_MAX} more; brush a narrower range.</p>
          ) : null}
          {listed.length === 0 && items.length > 0 ? (
            <p className="muted small">Nothing in the brushed range.</p>
          ) : null}
        </div>
        <aside className="tl-detail" data-testid="timeline-detail">
          {selected ? (
            <>
              <strong>{selected.label}</strong>
              <dl className="inspector">
                <dt>Time</dt>
                <dd className="mono">{new Date(selected.time).toISOString()}</dd>
                <dt>Source</dt>
                <dd>{LANES.find((l) => l.id === selected.lane)?.label}</dd>
                {selected.byStowaway ? (
                  <>
                    <dt>Caused by</dt>
                    <dd>Stowaway ({selected.byStowaway} call), recorded in the case's custody log</dd>
                  </>
                ) : null}
                {selected.actor ? (
                  <>
                    <dt>Actor</dt>
                    <dd className="mono">{selected.actor}</dd>
                  </>
                ) : null}
                {selected.detail ? (
                  <>
                    <dt>Details</dt>
                    <dd className="mono tl-detail-text">{selected.detail}</dd>
                  </>
                ) : null}
              </dl>
              <div className="tl-detail-actions">
                <button
                  type="button"
                  onClick={() => chartApi.current?.zoomTo(selected.time - 60_000, selected.time + 60_000)}
                >
                  Zoom here
                </button>
                {selected.containerId ? (
                  <button type="button" onClick={() => wb.selectContainer(selected.containerId)}>
                    Select container
                  </button>
                ) : null}
              </div>
            </>
          ) : (
            <p className="muted small">Click a mark or a row to see its details.</p>
          )}
        </aside>
      </div>
    </>
  );
}

function formatTime(t: number): string {
  const d = new Date(t);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
