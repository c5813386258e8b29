import { forwardRef, useEffect, useMemo, useState } from 'react';
import { ContainerList } from './ContainerList.js';
import { sortContainers, type RailSort } from './container-risk.js';
import { useContainerRisk } from './use-container-risk.js';
import type { EngineState } from '@shared/domain/engine.js';
import { useApi } from '../../workbench/api-context.js';
import { AddHostForm } from './AddHostForm.js';
import { HostKeyPrompt } from './HostKeyPrompt.js';
import { InsecureBadge } from './InsecureBadge.js';
import './engines.css';
import type { EngineView } from '@shared/domain/engine.js';
import type { ContainerSummary } from '@shared/domain/container.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { shown } from '../../lib/visible-text.js';

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
  /** Called after a host was added or removed, so the shell reloads the engine list. */
  onEnginesChanged?(): void;
  /** The container ids in the order the rail draws them (filtered and sorted), for keyboard moves. */
  onOrder?(ids: string[]): void;
}

/** Left rail: the engines, then the containers of the selected engine, filterable and keyboard-driven. */
export const EngineRail = forwardRef<HTMLInputElement, Props>(function EngineRail(p, searchRef) {
  const shown = useMemo(() => filterContainers(p.containers ?? [], p.filter), [p.containers, p.filter]);
  const risk = useContainerRisk(p.engineId);
  const [sort, setSort] = useState<RailSort>('engine');
  const ordered = useMemo(() => sortContainers(shown, sort, risk), [shown, sort, risk]);
  // The shell's j/k walk the rail in the order it is drawn.
  const { onOrder } = p;
  useEffect(() => {
    onOrder?.(ordered.map((c) => c.id));
  }, [ordered, onOrder]);
  return (
    <nav className="rail" aria-label="Engines and containers" data-testid="engine-rail">
      <EngineList {...p} />
      <section className="rail-containers">
        <h3 className="rail-title">
          Containers{' '}
          {p.containers ? (
            <span className="muted">
              ({shown.length}/{p.containers.length})
            </span>
          ) : null}
          {/* A button, not a checkbox: the filter stays the rail's first input field. */}
          <button
            type="button"
            className={`rail-sort chip ${sort === 'risk' ? 'on' : ''}`}
            aria-pressed={sort === 'risk'}
            title="Riskiest containers of the latest scan first"
            onClick={() => setSort(sort === 'risk' ? 'engine' : 'risk')}
            data-testid="rail-sort-risk"
          >
            by risk
          </button>
        </h3>
        <input
          ref={searchRef}
          className="search"
          type="search"
          placeholder="Filter  ( / )"
          value={p.filter}
          onChange={(e) => p.onFilter(e.target.value)}
          aria-label="Filter containers"
        />
        {p.containersError ? <ErrorState error={p.containersError} onRetry={p.onRetry} /> : null}
        {!p.containers && p.containersLoading ? <Loading what="containers" /> : null}
        {p.containers && p.containers.length === 0 ? (
          <Empty title="No containers">This engine runs no containers.</Empty>
        ) : null}
        <ContainerList containers={ordered} containerId={p.containerId} onContainer={p.onContainer} risk={risk} />
      </section>
    </nav>
  );
});

/** Case-insensitive match on name, image, id and labels. */
export function filterContainers(list: ContainerSummary[], q: string): ContainerSummary[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return list;
  return list.filter(
    (c) =>
      c.name.toLowerCase().includes(needle) ||
      c.image.toLowerCase().includes(needle) ||
      c.id.startsWith(needle) ||
      Object.entries(c.labels).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(needle)),
  );
}

/** The engines: state dot, kind, reason when failed or lost, and add / reconnect / remove. */
function EngineList(p: Props) {
  const api = useApi();
  const [adding, setAdding] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  // The newest state seen per engine: a list reload that was answered before a state event must not roll it back.
  const [latest, setLatest] = useState<Record<string, EngineState>>({});
  useEffect(() => api.on('engine.state', (st) => setLatest((m) => ({ ...m, [st.engineId]: st }))), [api]);
  // Why some configured engines are missing (broken context, unreadable kubeconfig, corrupt engines.json).
  const [warnings, setWarnings] = useState<string[]>([]);
  const loadWarnings = () => {
    api.call('engines.warnings', {}).then(
      (r) => setWarnings(r.warnings),
      () => undefined,
    );
  };
  useEffect(loadWarnings, [api]);
  const stateOf = (e: EngineView): EngineState => {
    const l = latest[e.id];
    return l && l.since >= e.state.since ? l : e.state;
  };
  const act = async (fn: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await fn();
    } catch (e) {
      setActionError((e as Error).message);
    }
  };
  return (
    <section>
      <div className="eng-head">
        <h3 className="rail-title">Engines</h3>
        <button
          type="button"
          className="ghost"
          onClick={() =>
            act(async () => (await api.call('engines.rediscover', {}), p.onEnginesChanged?.(), loadWarnings()))
          }
          title="Read DOCKER_HOST, docker contexts and kubeconfig again"
          aria-label="Rediscover engines"
          data-testid="engines-rediscover"
        >
          ↻
        </button>
        <button
          type="button"
          className="ghost"
          onClick={() => setAdding(true)}
          title="Add remote host"
          aria-label="Add remote host"
          data-testid="add-host"
        >
          + host
        </button>
      </div>
      {/* A grid, not a listbox: the selected engine's row holds its own buttons, which an option may not contain. */}
      <ul className="engine-list" role="grid" aria-label="Engines">
        {p.engines.map((e) => {
          const sel = e.id === p.engineId;
          const st = stateOf(e);
          return (
            <li
              key={e.id}
              role="row"
              tabIndex={0}
              aria-selected={sel}
              className={sel ? 'selected' : ''}
              onClick={() => p.onEngine(e.id)}
              onKeyDown={(k) => k.key === 'Enter' && k.target === k.currentTarget && p.onEngine(e.id)}
              data-testid="engine-item"
              data-engine-id={e.id}
              data-status={st.status}
              title={shown(st.reason ?? e.description ?? '', 1024)}
            >
              <div role="gridcell" className="eng-cell">
                <span className={`dot dot-${st.status}`} role="img" aria-label={st.status} />
                <span className="engine-name">{shown(e.name, 120)}</span>
                {e.kind === 'kubernetes' ? <span className="eng-kind">k8s</span> : null}
                <InsecureBadge engine={e} />
                <span className="muted small">{e.source}</span>
                {e.source === 'bundle' ? (
                  <span
                    className="eng-kind"
                    title="An opened evidence bundle: what was collected then, read-only; nothing to reconnect to"
                    data-testid="engine-readonly"
                  >
                    read-only
                  </span>
                ) : null}
                {(st.status === 'failed' || st.status === 'lost') && st.reason && !(sel && st.hostKey) ? (
                  <span
                    className={st.status === 'lost' ? 'eng-reason retry' : 'eng-reason'}
                    data-testid="engine-reason"
                  >
                    {st.errorCode ? `${st.errorCode}: ` : ''}
                    {shown(st.reason, 1024)}
                    {st.status === 'lost' && st.retryInMs ? ` · retrying in ${Math.ceil(st.retryInMs / 1000)} s` : ''}
                  </span>
                ) : null}
                {sel && st.status === 'failed' && st.hostKey ? (
                  <HostKeyPrompt
                    hostKey={st.hostKey}
                    errorCode={st.errorCode}
                    target={{ engineId: e.id }}
                    onTrusted={() => void act(() => api.call('engines.reconnect', { engineId: e.id }))}
                  />
                ) : null}
                {sel ? (
                  <span className="eng-tools" onClick={(ev) => ev.stopPropagation()}>
                    {e.source !== 'bundle' ? (
                      <button
                        type="button"
                        onClick={() => act(() => api.call('engines.reconnect', { engineId: e.id }))}
                        data-testid="engine-reconnect"
                      >
                        Reconnect
                      </button>
                    ) : null}
                    {e.source === 'saved' ? (
                      confirmRemove === e.id ? (
                        <>
                          <button
                            type="button"
                            className="danger"
                            data-testid="engine-remove-confirm"
                            onClick={() =>
                              act(async () => {
                                await api.call('engines.remove', { engineId: e.id, confirm: true });
                                setConfirmRemove(undefined);
                                p.onEnginesChanged?.();
                                const next =
                                  p.engines.find((o) => o.id !== e.id && o.current) ??
                                  p.engines.find((o) => o.id !== e.id);
                                if (next) p.onEngine(next.id);
                              })
                            }
                          >
                            Remove {shown(e.name, 120)}?
                          </button>
                          <button type="button" className="ghost" onClick={() => setConfirmRemove(undefined)}>
                            Keep
                          </button>
                        </>
                      ) : (
                        <button type="button" onClick={() => setConfirmRemove(e.id)} data-testid="engine-remove">
                          Remove
                        </button>
                      )
                    ) : null}
                  </span>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      {warnings.length ? (
        <ul className="eng-warnings" aria-label="Discovery warnings" data-testid="engine-warnings">
          {warnings.map((w, i) => (
            <li key={i} role="note" data-testid="engine-warning" title={shown(w, 1024)}>
              ⚠ {shown(w, 1024)}
            </li>
          ))}
        </ul>
      ) : null}
      {actionError ? (
        <div className="eng-result bad small" role="alert">
          {actionError}
        </div>
      ) : null}
      {adding ? (
        <AddHostForm
          onClose={() => setAdding(false)}
          onAdded={(e) => {
            setAdding(false);
            p.onEnginesChanged?.();
            p.onEngine(e.id);
          }}
        />
      ) : null}
    </section>
  );
}
