import { useState } from 'react';
import type { Direction } from '@shared/api/investigate-network.js';
import { ALL_DIRECTIONS, type GraphFilter } from './graph-filter.js';

const STATES = [
  'all',
  'ESTABLISHED',
  'LISTEN',
  'SYN_SENT',
  'SYN_RECV',
  'TIME_WAIT',
  'CLOSE_WAIT',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'UNCONN',
];

export interface GraphToolbarProps {
  filter: GraphFilter;
  setFilter: (f: GraphFilter) => void;
  pinned: number;
  onFit: () => void;
  onUnpinAll: () => void;
  live: boolean;
  setLive: (v: boolean) => void;
  refreshMs: number;
  loading: boolean;
  onReload: () => void;
}

/** Port, state, direction and kind filters, layout buttons, and the live and reload controls of the graph. */
export function GraphToolbar({
  filter,
  setFilter,
  pinned,
  onFit,
  onUnpinAll,
  live,
  setLive,
  refreshMs,
  loading,
  onReload,
}: GraphToolbarProps) {
  const [portText, setPortText] = useState(filter.port === undefined ? '' : String(filter.port));
  const toggleDir = (d: Direction) => {
    const next = new Set(filter.directions);
    if (next.has(d)) next.delete(d);
    else next.add(d);
    setFilter({ ...filter, directions: next });
  };
  return (
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
        <select
          value={filter.state}
          aria-label="Filter by socket state"
          onChange={(e) => setFilter({ ...filter, state: e.target.value })}
        >
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
        <input
          type="checkbox"
          checked={filter.processes}
          onChange={() => setFilter({ ...filter, processes: !filter.processes })}
        />{' '}
        processes
      </label>
      <label className="chip" title="Hide containers without sockets">
        <input
          type="checkbox"
          checked={filter.hideIdle}
          onChange={() => setFilter({ ...filter, hideIdle: !filter.hideIdle })}
        />{' '}
        hide idle
      </label>
      <span className="spacer" />
      <button type="button" onClick={onFit} title="Fit to view (f)">
        Fit
      </button>
      <button type="button" onClick={onUnpinAll} disabled={pinned === 0} title="Unpin all (u)">
        Unpin {pinned > 0 ? `(${pinned})` : ''}
      </button>
      <label className="chip" title={`Reload every ${refreshMs / 1000}s and on container events`}>
        <input type="checkbox" checked={live} onChange={() => setLive(!live)} /> live
      </label>
      <button type="button" onClick={onReload} disabled={loading} aria-label="Reload network graph">
        {loading ? <span className="spinner" aria-hidden /> : '↻'}
      </button>
    </div>
  );
}
