import { useEffect, useRef, useState } from 'react';
import { area, line, scaleLinear, max as d3max } from 'd3';
import { useApi } from '../../workbench/api-context.js';
import type { StatsSample } from '@shared/domain/evidence-set.js';
import { bytes } from '../../lib/visible-text.js';

const INTERVAL_MS = 2000;
const KEEP = 60;

/**
 * Live CPU, memory and pids of a running container, polled every 2 s only while this panel is on screen
 * and the window is visible: a background tab costs the engine nothing.
 */
export function LiveStats({
  engineId,
  containerId,
  running,
}: {
  engineId: string;
  containerId: string;
  running: boolean;
}) {
  const api = useApi();
  const [samples, setSamples] = useState<StatsSample[]>([]);
  const [error, setError] = useState<string>();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setSamples([]);
    setError(undefined);
    if (!running) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onScreen = true;
    const io = new IntersectionObserver(([e]) => {
      onScreen = Boolean(e?.isIntersecting);
    });
    if (box.current) io.observe(box.current);
    const tick = async () => {
      if (stopped) return;
      if (document.visibilityState === 'visible' && onScreen) {
        try {
          const s = await api.call('containers.stats', { engineId, containerId });
          if (stopped) return;
          setSamples((prev) => [...prev.slice(-(KEEP - 1)), s]);
          setError(undefined);
        } catch (e) {
          if (!stopped) setError((e as Error).message);
        }
      }
      if (!stopped) timer = setTimeout(tick, INTERVAL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      io.disconnect();
    };
  }, [api, engineId, containerId, running]);

  const last = samples[samples.length - 1];
  const prev = samples[samples.length - 2];
  const dt = last && prev ? (Date.parse(last.at) - Date.parse(prev.at)) / 1000 : 0;
  const rxRate = last && prev && dt > 0 ? (last.netRxBytes - prev.netRxBytes) / dt : undefined;
  const txRate = last && prev && dt > 0 ? (last.netTxBytes - prev.netTxBytes) / dt : undefined;

  return (
    <div className="ov-stats" ref={box} data-testid="live-stats" data-samples={samples.length}>
      {!running ? (
        <p className="muted small">Not running: no live resource use.</p>
      ) : (
        <>
          <div className="ov-stat-nums">
            <Stat label="CPU" value={last ? `${last.cpuPercent.toFixed(1)} %` : '…'} />
            <Stat
              label="Memory"
              value={last ? bytes(last.memoryBytes) : '…'}
              title={
                last?.memoryLimitBytes
                  ? `limit ${bytes(last.memoryLimitBytes)} (the host's memory when no limit is set)`
                  : undefined
              }
            />
            <Stat label="PIDs" value={last ? String(last.pids) : '…'} />
            <Stat
              label="Net rx/tx"
              value={
                rxRate !== undefined && txRate !== undefined
                  ? `${bytes(Math.round(rxRate))}/s · ${bytes(Math.round(txRate))}/s`
                  : '…'
              }
            />
          </div>
          <div className="ov-charts">
            <Spark
              samples={samples}
              pick={(s) => s.cpuPercent}
              label="CPU %"
              cls="cpu"
              fmt={(v) => `${v.toFixed(1)}%`}
            />
            <Spark samples={samples} pick={(s) => s.memoryBytes} label="Memory" cls="mem" fmt={(v) => bytes(v)} />
          </div>
          {error ? <p className="bad small">Stats: {error}</p> : null}
        </>
      )}
    </div>
  );
}

function Stat({ label, value, title }: { label: string; value: string; title?: string }) {
  return (
    <div className="ov-stat" title={title}>
      <span className="muted small">{label}</span>
      <b>{value}</b>
    </div>
  );
}

const W = 300;
const H = 64;

function Spark({
  samples,
  pick,
  label,
  cls,
  fmt,
}: {
  samples: StatsSample[];
  pick: (s: StatsSample) => number;
  label: string;
  cls: string;
  fmt: (v: number) => string;
}) {
  const vals = samples.map(pick);
  // The samples always span the width: two already draw a readable line, sixty make the two-minute window.
  const span = Math.max(vals.length - 1, 1);
  const x = scaleLinear().domain([0, span]).range([0, W]);
  const top = Math.max(d3max(vals) ?? 0, cls === 'cpu' ? 5 : 1);
  const y = scaleLinear()
    .domain([0, top * 1.15])
    .range([H - 2, 4]);
  const offset = 0;
  const l = line<number>()
    .x((_, i) => x(i + offset))
    .y((v) => y(v));
  const a = area<number>()
    .x((_, i) => x(i + offset))
    .y0(H)
    .y1((v) => y(v));
  return (
    <figure className={`ov-spark ${cls}`}>
      <figcaption className="small muted">
        {label} · every 2 s{vals.length ? ` · peak ${fmt(d3max(vals) ?? 0)}` : ''}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`${label} over time`}>
        <line x1={0} x2={W} y1={y(top)} y2={y(top)} className="grid" />
        {vals.length > 1 ? (
          <>
            <path d={a(vals) ?? ''} className="fill" />
            <path d={l(vals) ?? ''} className="stroke" />
          </>
        ) : null}
      </svg>
    </figure>
  );
}
