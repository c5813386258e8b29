import { useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '../workbench/api-context.js';
import { WorkbenchContext, type Workbench } from '../workbench/workbench.js';
import { VIEWS } from './views.js';
import { SidePanel } from './SidePanel.js';
import { EngineRail, filterContainers } from '../features/engines/EngineRail.js';
import { StatusBar } from '../components/StatusBar.js';
import { ShortcutHelp } from '../components/ShortcutHelp.js';
import { useQuery } from '../lib/use-query.js';
import { useHotkeys } from '../lib/use-hotkeys.js';
import { useTheme } from '../lib/theme.js';
import type { EngineView } from '@shared/domain/engine.js';
import { CommandPalette } from '../features/palette/CommandPalette.js';
import { usePaletteItems } from '../features/palette/use-palette-items.js';

/** The workbench shell: engine/container rail, tabbed main pane, inspector, status bar. */
export function App() {
  const api = useApi();
  const [theme, toggleTheme] = useTheme();
  const [engineId, setEngineId] = useState<string>();
  const [containerId, setContainerId] = useState<string>();
  const [tab, setTab] = useState('overview');
  const [focus, setFocus] = useState<Workbench['focus']>();
  const [timeRange, setTimeRange] = useState<Workbench['timeRange']>();
  const [findingsFilter, setFindingsFilter] = useState<Workbench['findingsFilter']>();
  const [filter, setFilter] = useState('');
  const [help, setHelp] = useState(false);
  const [palette, setPalette] = useState(false);
  const [backendUp, setBackendUp] = useState(true);
  const searchRef = useRef<HTMLInputElement>(null);
  const places = useRef(new Map<string, { containerId: string | undefined; tab: string }>());

  const info = useQuery(() => api.call('app.info', {}), []);
  const enginesQ = useQuery(() => api.call('engines.list', {}), []);
  const [engines, setEngines] = useState<EngineView[]>([]);
  const enginesRef = useRef(engines);
  enginesRef.current = engines;
  useEffect(() => {
    if (enginesQ.data) setEngines(enginesQ.data);
  }, [enginesQ.data]);

  // Pick the current engine once, and connect to it.
  useEffect(() => {
    if (engineId || engines.length === 0) return;
    const first = engines.find((e) => e.current) ?? engines[0]!;
    setEngineId(first.id);
  }, [engines, engineId]);
  useEffect(() => {
    if (engineId) void api.call('engines.connect', { engineId }).catch(() => undefined);
  }, [api, engineId]);

  const containersQ = useQuery(engineId ? () => api.call('containers.list', { engineId, all: true }) : undefined, [
    engineId,
  ]);

  // Live: engine state changes patch the list; engine events refresh containers without losing the selection.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offState = api.on('engine.state', (st) => {
      setEngines((list) => list.map((e) => (e.id === st.engineId ? { ...e, state: st } : e)));
      // An engine the list does not know yet (an evidence bundle just opened): read the list again.
      if (!enginesRef.current.some((e) => e.id === st.engineId)) enginesQ.reload();
      if (st.engineId === engineId && st.status === 'connected') containersQ.reload();
    });
    const offEvent = api.on('engine.event', (ev) => {
      if (ev.engineId !== engineId || ev.type !== 'container') return;
      clearTimeout(timer);
      timer = setTimeout(containersQ.reload, 300);
    });
    const offConn = api.transport.onConnection?.((up) => setBackendUp(up));
    return () => {
      offState();
      offEvent();
      offConn?.();
      clearTimeout(timer);
    };
  }, [api, engineId, containersQ.reload, enginesQ.reload]);

  const engine = engines.find((e) => e.id === engineId);
  const containers = containersQ.data;
  const shown = useMemo(() => filterContainers(containers ?? [], filter), [containers, filter]);
  const selected = containers?.find((c) => c.id === containerId);

  // The rail reports the order it draws (it may sort by risk); keys follow that order.
  const [railOrder, setRailOrder] = useState<string[]>();
  const move = (delta: number) => {
    const ids = railOrder ?? shown.map((c) => c.id);
    if (ids.length === 0) return;
    const i = ids.indexOf(containerId ?? '');
    const next = { id: ids[Math.min(ids.length - 1, Math.max(0, i < 0 ? 0 : i + delta))]! };
    setContainerId(next.id);
    document.querySelector(`[data-container-id="${next.id}"]`)?.scrollIntoView({ block: 'nearest' });
  };

  const hotkeys: Record<string, () => void> = {
    j: () => move(1),
    k: () => move(-1),
    ArrowDown: () => move(1),
    ArrowUp: () => move(-1),
    '/': () => searchRef.current?.focus(),
    t: toggleTheme,
    r: () => {
      enginesQ.reload();
      containersQ.reload();
    },
    '?': () => setHelp(true),
    'mod+k': () => setPalette((p) => !p),
    Escape: () => {
      if (help) setHelp(false);
      else if (document.activeElement === searchRef.current) {
        setFilter('');
        searchRef.current?.blur();
      }
    },
  };
  VIEWS.slice(0, 9).forEach((v, i) => (hotkeys[String(i + 1)] = () => setTab(v.id)));
  useHotkeys(hotkeys);

  const workbench: Workbench = {
    engineId,
    containerId,
    tab,
    selectEngine: (id) => {
      // Each engine keeps the analyst's place: switching away and back restores its container and tab.
      if (id === engineId) return;
      if (engineId) places.current.set(engineId, { containerId, tab });
      const back = places.current.get(id);
      setEngineId(id);
      setContainerId(back?.containerId);
      if (back) setTab(back.tab);
    },
    selectContainer: setContainerId,
    openTab: setTab,
    focus,
    setFocus,
    timeRange,
    setTimeRange,
    findingsFilter,
    showFindings: (f) => {
      setFindingsFilter((prev) => ({ ...f, seq: (prev?.seq ?? 0) + 1 }));
      setTab('findings');
    },
  };
  const View = (VIEWS.find((v) => v.id === tab) ?? VIEWS[0]!).component;
  const paletteItems = usePaletteItems(palette, workbench, VIEWS, containers, {
    toggleTheme,
    showHelp: () => setHelp(true),
    reload: () => {
      enginesQ.reload();
      containersQ.reload();
    },
  });

  return (
    <WorkbenchContext.Provider value={workbench}>
      <div className="app" data-theme={theme}>
        <header className="topbar">
          <span className="brand">Stowaway</span>
          <span className="muted small">container investigation workbench</span>
          <span className="spacer" />
          <button
            type="button"
            className="ghost"
            onClick={toggleTheme}
            title="Toggle light / dark theme (t)"
            data-testid="theme-toggle"
          >
            {theme === 'dark' ? '☾ dark' : '☀ light'}
          </button>
          <button type="button" className="ghost" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts">
            ?
          </button>
        </header>
        <EngineRail
          ref={searchRef}
          engines={engines}
          engineId={engineId}
          onEngine={workbench.selectEngine}
          containers={containers}
          containersError={containersQ.error}
          containersLoading={containersQ.loading}
          containerId={containerId}
          onContainer={setContainerId}
          filter={filter}
          onFilter={setFilter}
          onRetry={containersQ.reload}
          onEnginesChanged={enginesQ.reload}
          onOrder={setRailOrder}
        />
        <main className="main">
          <div className="tabs" role="tablist" aria-label="Views">
            {VIEWS.map((v, i) => (
              <button
                key={v.id}
                type="button"
                role="tab"
                aria-selected={tab === v.id}
                className={tab === v.id ? 'tab active' : 'tab'}
                onClick={() => setTab(v.id)}
                title={`${v.label} (${i + 1})`}
                data-testid={`tab-${v.id}`}
              >
                {v.label}
              </button>
            ))}
          </div>
          <div className="view" role="tabpanel">
            <View />
          </div>
        </main>
        <SidePanel container={selected} />
        <StatusBar engine={engine} transport={api.transport.kind} backendUp={backendUp} version={info.data?.version} />
        {palette ? (
          <CommandPalette items={paletteItems.items} loading={paletteItems.loading} onClose={() => setPalette(false)} />
        ) : null}
        {help ? <ShortcutHelp onClose={() => setHelp(false)} view={VIEWS.find((v) => v.id === tab)} /> : null}
      </div>
    </WorkbenchContext.Provider>
  );
}
