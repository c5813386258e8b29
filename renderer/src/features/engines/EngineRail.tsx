import { forwardRef } from 'react';
import type { EngineView } from '../../../../shared/domain/engine.js';
import type { ContainerSummary } from '../../../../shared/domain/container.js';
import { ago, shortId } from '../../lib/format.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';

interface Props {
  engines: EngineView[];
  engineId: string | undefined;
  onEngine(id: string): void;
  containers: ContainerSummary[] | undefined;
  containersError: Error | undefined;
  containersLoading: boolean;
  containerId: string | undefined;
  onContainer(id: string): void;
  filter: string;
  onFilter(v: string): void;
  onRetry(): void;
}

/** Left rail: the engines, then the containers of the selected engine, filterable and keyboard-driven. */
export const EngineRail = forwardRef<HTMLInputElement, Props>(function EngineRail(p, searchRef) {
  const shown = filterContainers(p.containers ?? [], p.filter);
  return (
    <nav className="rail" aria-label="Engines and containers" data-testid="engine-rail">
      <section>
        <h3 className="rail-title">Engines</h3>
        <ul className="engine-list" role="listbox" aria-label="Engines">
          {p.engines.map((e) => (
            <li key={e.id} role="option" aria-selected={e.id === p.engineId} className={e.id === p.engineId ? 'selected' : ''} onClick={() => p.onEngine(e.id)} data-testid="engine-item" title={e.state.reason ?? e.description ?? ''}>
              <span className={`dot dot-${e.state.status}`} aria-hidden />
              <span className="engine-name">{e.name}</span>
              <span className="muted small">{e.source}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="rail-containers">
        <h3 className="rail-title">
          Containers {p.containers ? <span className="muted">({shown.length}/{p.containers.length})</span> : null}
        </h3>
        <input ref={searchRef} className="search" type="search" placeholder="Filter  ( / )" value={p.filter} onChange={(e) => p.onFilter(e.target.value)} aria-label="Filter containers" />
        {p.containersError ? <ErrorState error={p.containersError} onRetry={p.onRetry} /> : null}
        {!p.containers && p.containersLoading ? <Loading what="containers" /> : null}
        {p.containers && p.containers.length === 0 ? <Empty title="No containers">This engine runs no containers.</Empty> : null}
        <ul className="container-list" role="listbox" aria-label="Containers" data-testid="container-list">
          {shown.map((c) => (
            <li
              key={c.id}
              role="option"
              aria-selected={c.id === p.containerId}
              className={c.id === p.containerId ? 'selected' : ''}
              onClick={() => p.onContainer(c.id)}
              data-testid="container-item"
              data-container-id={c.id}
              title={`${c.name}\n${c.image}\n${c.status}`}
            >
              <span className={`state-pill state-${c.state}`}>{c.state}</span>
              <span className="container-name">{c.name}</span>
              <span className="muted small container-meta">
                {c.image} · {shortId(c.id)} · {ago(c.created)}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </nav>
  );
});

/** Case-insensitive match on name, image, id and labels. */
export function filterContainers(list: ContainerSummary[], q: string): ContainerSummary[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return list;
  return list.filter((c) => c.name.toLowerCase().includes(needle) || c.image.toLowerCase().includes(needle) || c.id.startsWith(needle) || Object.entries(c.labels).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(needle)));
}
