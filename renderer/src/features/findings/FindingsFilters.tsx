import { useMemo, type RefObject } from 'react';
import { SEVERITIES, type Finding } from '@shared/domain/finding.js';
import { visible } from '../../lib/visible-text.js';
import { facet, STATES } from './findings-model.js';
import { attackLabel } from '@shared/domain/attack-techniques.js';

export interface FindingFilters {
  query: string;
  severities: Set<string>;
  states: Set<string>;
  detector: string;
  technique: string;
  container: string;
  grouped: boolean;
}

export interface FindingsFiltersProps {
  all: Finding[];
  value: FindingFilters;
  set: <K extends keyof FindingFilters>(key: K, v: FindingFilters[K]) => void;
  search: RefObject<HTMLInputElement | null>;
}

/** Search, severity and state chips with their counts, and the detector, technique and container pickers. */
export function FindingsFilters({ all, value, set, search }: FindingsFiltersProps) {
  const { query, severities, states, detector, technique, grouped, container } = value;
  const detectors = useMemo(() => facet(all, (f) => [f.detector]), [all]);
  const techniques = useMemo(() => facet(all, (f) => f.attack), [all]);
  const containers = useMemo(() => {
    const m = new Map<string, { name: string; n: number }>();
    for (const f of all)
      if (f.container) m.set(f.container.id, { name: f.container.name, n: (m.get(f.container.id)?.n ?? 0) + 1 });
    return [...m.entries()].sort((a, b) => b[1].n - a[1].n);
  }, [all]);
  const sevCounts = useMemo(() => Object.fromEntries(facet(all, (f) => [f.severity])), [all]);
  const stateCounts = useMemo(() => Object.fromEntries(facet(all, (f) => [f.state])), [all]);
  const toggleIn = (current: Set<string>, v: string, apply: (s: Set<string>) => void) => {
    const n = new Set(current);
    if (!n.delete(v)) n.add(v);
    apply(n);
  };
  return (
    <div className="fv-filters">
      <input
        ref={search}
        type="search"
        className="fv-search"
        placeholder="Search findings  (s)"
        value={query}
        onChange={(e) => set('query', e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && (set('query', ''), search.current?.blur())}
        aria-label="Search findings"
        data-testid="findings-search"
      />
      <div className="fv-chipset" role="group" aria-label="Severity">
        {[...SEVERITIES].reverse().map((s) => (
          <button
            key={s}
            type="button"
            className={`chip sevchip sev-${s} ${severities.has(s) ? 'on' : ''}`}
            aria-pressed={severities.has(s)}
            onClick={() => toggleIn(severities, s, (n) => set('severities', n))}
          >
            {s} <b>{sevCounts[s] ?? 0}</b>
          </button>
        ))}
      </div>
      <div className="fv-chipset" role="group" aria-label="Triage state">
        {STATES.map((s) => (
          <button
            key={s}
            type="button"
            className={`chip statechip st-${s} ${states.has(s) ? 'on' : ''}`}
            aria-pressed={states.has(s)}
            onClick={() => toggleIn(states, s, (n) => set('states', n))}
            data-testid={`state-filter-${s}`}
          >
            {s} <b>{stateCounts[s] ?? 0}</b>
          </button>
        ))}
      </div>
      <select
        value={detector}
        onChange={(e) => set('detector', e.target.value)}
        aria-label="Detector"
        data-testid="filter-detector"
      >
        <option value="">all detectors</option>
        {detectors.map(([d, n]) => (
          <option key={d} value={d}>
            {d} ({n})
          </option>
        ))}
      </select>
      <select
        value={technique}
        onChange={(e) => set('technique', e.target.value)}
        aria-label="ATT&CK technique"
        data-testid="filter-technique"
      >
        <option value="">all techniques</option>
        {techniques.map(([t, n]) => (
          <option key={t} value={t}>
            {attackLabel(t)} ({n})
          </option>
        ))}
      </select>
      <label className="small fv-group-toggle">
        <input
          type="checkbox"
          checked={grouped}
          onChange={(e) => set('grouped', e.target.checked)}
          data-testid="group-informational"
        />{' '}
        informational by cause
      </label>
      <select
        value={container}
        onChange={(e) => set('container', e.target.value)}
        aria-label="Container"
        data-testid="filter-container"
      >
        <option value="">all containers</option>
        {containers.map(([id, c]) => (
          <option key={id} value={id}>
            {visible(c.name)} ({c.n})
          </option>
        ))}
      </select>
    </div>
  );
}
