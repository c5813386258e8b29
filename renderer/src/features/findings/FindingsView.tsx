import { useDeferredValue, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useApi } from '../../workbench/api-context.js';
import { useWorkbench } from '../../workbench/workbench.js';
import { useQuery } from '../../lib/use-query.js';
import { useHotkeys } from '../../lib/use-hotkeys.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { SEVERITIES, type EvidenceRef, type Finding, type TriageState } from '../../../../shared/domain/finding.js';
import type { ScanProgress } from '../../../../shared/domain/scan.js';
import { shown, visible } from '../../lib/visible-text.js';
import { evidenceTarget, facet, findingRows, rowFinding, rowOf, selectFindings, STATES, type FindingRow, type SortKey } from './findings-model.js';
import { RespondMenu } from './RespondMenu.js';
import { useFindings, useScan, useTriage } from './use-findings.js';
import { describeScanOptions, ScanOptionsPanel } from './ScanOptions.js';
import type { ScanOptions } from '../../../../shared/api/scan.js';
import '../../lib/common.css';
import { ATTACK_VERSION, attackLabel, attackName, attackTactics } from '../../../../shared/domain/attack-techniques.js';
import './findings.css';
import { isUnknownOp } from '../../lib/unknown-op.js';
import { groupSummary, type CauseGroup } from '../../../../shared/domain/finding-groups.js';
import type { EngineView } from '../../../../shared/domain/engine.js';
import type { CaseView } from '../../../../shared/api/cases.js';

const ROW_H = 42;

/** Triage of every finding across engines: filter, sort, judge, and jump to the evidence behind each. */
export function FindingsView() {
  const api = useApi();
  const wb = useWorkbench();
  const enginesQ = useQuery(() => api.call('engines.list', {}), []);
  const engines = enginesQ.data ?? [];
  const q = useFindings(engines);
  const scan = useScan(q.reload);
  const [scanOptions, setScanOptions] = useState<ScanOptions>({});
  const [optionsOpen, setOptionsOpen] = useState(false);
  const optionsSummary = describeScanOptions(scanOptions);
  const triage = useTriage(q.data?.caseId);
  const catalogue = useQuery(() => api.call('detectors.list', {}), []);
  const responses = useMemo(() => new Map((catalogue.data?.detectors ?? []).map((d) => [d.id, d.response])), [catalogue.data]);
  const caseQ = useQuery(() => api.call('cases.current', {}).catch((e) => (isUnknownOp(e) ? null : Promise.reject(e))), [q.data?.caseId]);

  // New scans elsewhere (CLI, another window) and engine connections refresh the list; the selection stays.
  useEffect(() => {
    const offP = api.on('scan.progress', (p) => p.phase === 'done' && q.reload());
    const offS = api.on('engine.state', (s) => s.status === 'connected' && enginesQ.reload());
    return () => {
      offP();
      offS();
    };
  }, [api, q.reload, enginesQ.reload]);

  const all = useMemo(() => (q.data?.findings ?? []).map((f) => (triage.local.has(f.id) ? { ...f, state: triage.local.get(f.id)! } : f)), [q.data, triage.local]);
  const [query, setQuery] = useState('');
  const [severities, setSeverities] = useState<Set<string>>(() => new Set());
  const [states, setStates] = useState<Set<string>>(() => new Set(['new', 'confirmed']));
  const [detector, setDetector] = useState('');
  const [technique, setTechnique] = useState('');
  const [container, setContainer] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'severity', desc: true });
  const [selectedId, setSelectedId] = useState<string>();
  const [grouped, setGrouped] = useState(true);
  const [openGroups, setOpenGroups] = useState<ReadonlySet<string>>(() => new Set());
  const toggleGroup = (key: string) =>
    setOpenGroups((s) => {
      const n = new Set(s);
      if (!n.delete(key)) n.add(key);
      return n;
    });
  const deferredQuery = useDeferredValue(query);
  const reveal = useRef<string>(undefined);
  // Another view (the overview's matrix or charts) asked for a filtered list: apply it once per request.
  const asked = wb.findingsFilter;
  useEffect(() => {
    if (!asked) return;
    setTechnique(asked.technique ?? '');
    setDetector(asked.detector ?? '');
    setContainer(asked.containerId ?? '');
    setSeverities(new Set(asked.severity ? [asked.severity] : []));
    if (asked.findingId) {
      setQuery('');
      setStates(new Set(STATES));
      setSelectedId(asked.findingId);
      reveal.current = asked.findingId;
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [asked?.seq]);
  const shown = useMemo(() => selectFindings(all, { query: deferredQuery, severities, states, detector, technique, container }, sort), [all, deferredQuery, severities, states, detector, technique, container, sort]);
  const rows = useMemo(() => findingRows(shown, openGroups, grouped), [shown, openGroups, grouped]);
  const selected = all.find((f) => f.id === selectedId);
  // Something is always selected when there is something to show, so the evidence pane is never idle.
  useEffect(() => {
    if (shown.length && !shown.some((f) => f.id === selectedId)) setSelectedId(shown[0]!.id);
  }, [shown, selectedId]);
  const selectedRow = rows[rowOf(rows, selectedId)];
  const selectedGroup = selectedRow?.type === 'group' ? selectedRow.g : undefined;
  const scroller = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const virt = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_H, overscan: 10 });
  // A finding picked elsewhere (the palette) is scrolled into view once the list holds it, its group opened.
  useEffect(() => {
    const i = reveal.current ? rowOf(rows, reveal.current) : -1;
    if (i < 0) return;
    const r = rows[i]!;
    if (r.type === 'group') return setOpenGroups((s) => new Set(s).add(r.g.key));
    reveal.current = undefined;
    virt.scrollToIndex(i, { align: 'center' });
  }, [rows, virt]);

  const detectors = useMemo(() => facet(all, (f) => [f.detector]), [all]);
  const techniques = useMemo(() => facet(all, (f) => f.attack), [all]);
  const containers = useMemo(() => {
    const m = new Map<string, { name: string; n: number }>();
    for (const f of all) if (f.container) m.set(f.container.id, { name: f.container.name, n: (m.get(f.container.id)?.n ?? 0) + 1 });
    return [...m.entries()].sort((a, b) => b[1].n - a[1].n);
  }, [all]);
  const sevCounts = useMemo(() => Object.fromEntries(facet(all, (f) => [f.severity])), [all]);
  const stateCounts = useMemo(() => Object.fromEntries(facet(all, (f) => [f.state])), [all]);

  /** The next line that stands for a finding (an open group's own line does not), d lines away. */
  const step = (from: number, d: number): number => {
    let j = from;
    do j += d;
    while (j >= 0 && j < rows.length && !rowFinding(rows[j]));
    return j >= 0 && j < rows.length ? j : -1;
  };
  const move = (d: number) => {
    if (!rows.length) return;
    const i = rowOf(rows, selectedId);
    const j = i < 0 ? step(d > 0 ? -1 : rows.length, d) : step(i, d);
    if (j < 0) return;
    setSelectedId(rowFinding(rows[j])!.id);
    virt.scrollToIndex(j, { align: 'auto' });
  };
  const open = (f: Finding, ev?: EvidenceRef) => {
    const e = ev ?? f.evidence.find((x) => ['process', 'file', 'socket'].includes(x.kind)) ?? f.evidence[0];
    if (f.container) wb.selectContainer(f.container.id);
    const target = evidenceTarget(e?.kind ?? 'inspect');
    wb.setFocus(e && target.focusKind ? { kind: target.focusKind, ref: e.ref } : undefined);
    wb.openTab(target.tab);
  };
  const judge = (state: TriageState) => selected && void triage.set(selected.id, state);
  // Triage moves on: after a verdict the next finding is selected (the judged one may leave the filtered list).
  const judgeAndNext = (state: TriageState) => {
    if (!selected) return;
    const i = rowOf(rows, selected.id);
    const j = i < 0 ? -1 : step(i, 1) >= 0 ? step(i, 1) : step(i, -1);
    judge(state);
    if (j >= 0) {
      setSelectedId(rowFinding(rows[j])!.id);
      virt.scrollToIndex(j, { align: 'auto' });
    }
  };

  useHotkeys({
    n: () => move(1),
    p: () => move(-1),
    s: () => search.current?.focus(),
    c: () => judgeAndNext('confirmed'),
    x: () => judgeAndNext('false-positive'),
    u: () => judge('new'),
  });

  // Enter opens the selected finding, unless a button or field has focus and Enter belongs to it.
  const openRef = useRef<() => void>(undefined);
  // On a closed group of informational findings, Enter opens the group instead.
  openRef.current = () => (selectedGroup ? toggleGroup(selectedGroup.key) : selected && open(selected));
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && t !== scroller.current && t.closest('button, input, select, textarea, a, [contenteditable], .xterm')) return;
      e.preventDefault();
      openRef.current?.();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const toggleIn = (set: Set<string>, v: string, apply: (s: Set<string>) => void) => {
    const n = new Set(set);
    if (!n.delete(v)) n.add(v);
    apply(n);
  };
  const sortBy = (key: SortKey) => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key === 'severity' || key === 'firstSeen' }));
  const connected = engines.filter((e) => e.kind === 'docker' && e.state.status === 'connected');
  const scanTargets = wb.engineId ? [wb.engineId] : connected.map((e) => e.id);

  return (
    <div className="fv" data-testid="findings" data-count={all.length} data-shown={shown.length}>
      <div className="fv-toolbar">
        <button type="button" className="primary" onClick={() => void scan.run(scanTargets, scanOptions)} disabled={scan.running.length > 0 || scanTargets.length === 0} data-testid="scan-button" title="Scan every container of the current engine">
          {scan.running.length ? 'Scanning…' : 'Scan'}
        </button>
        <span className="fv-options-anchor">
          <button type="button" className="ghost" aria-expanded={optionsOpen} onClick={() => setOptionsOpen((o) => !o)} data-testid="scan-options-toggle" title="Baselines and Kubernetes inputs for the next scan">
            Options{optionsSummary ? ':' : ''}
          </button>
          {optionsSummary ? (
            <span className="small muted" data-testid="scan-options-summary">
              {optionsSummary}
            </span>
          ) : null}
          {optionsOpen ? <ScanOptionsPanel engines={engines} value={scanOptions} onChange={setScanOptions} onClose={() => setOptionsOpen(false)} /> : null}
        </span>
        <ScanStatus running={scan.running.length > 0} progress={scan.progress} error={scan.error} last={q.data?.scans} />
        <span className="spacer" />
        <TriageNote caseId={q.data?.caseId} persisted={triage.persisted} error={triage.error} />
      </div>
      <div className="fv-filters">
        <input ref={search} type="search" className="fv-search" placeholder="Search findings  (s)" value={query} onChange={(e) => setQuery(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && (setQuery(''), search.current?.blur())} aria-label="Search findings" data-testid="findings-search" />
        <div className="fv-chipset" role="group" aria-label="Severity">
          {[...SEVERITIES].reverse().map((s) => (
            <button key={s} type="button" className={`chip sevchip sev-${s} ${severities.has(s) ? 'on' : ''}`} aria-pressed={severities.has(s)} onClick={() => toggleIn(severities, s, setSeverities)}>
              {s} <b>{sevCounts[s] ?? 0}</b>
            </button>
          ))}
        </div>
        <div className="fv-chipset" role="group" aria-label="Triage state">
          {STATES.map((s) => (
            <button key={s} type="button" className={`chip statechip st-${s} ${states.has(s) ? 'on' : ''}`} aria-pressed={states.has(s)} onClick={() => toggleIn(states, s, setStates)} data-testid={`state-filter-${s}`}>
              {s} <b>{stateCounts[s] ?? 0}</b>
            </button>
          ))}
        </div>
        <select value={detector} onChange={(e) => setDetector(e.target.value)} aria-label="Detector" data-testid="filter-detector">
          <option value="">all detectors</option>
          {detectors.map(([d, n]) => (
            <option key={d} value={d}>
              {d} ({n})
            </option>
          ))}
        </select>
        <select value={technique} onChange={(e) => setTechnique(e.target.value)} aria-label="ATT&CK technique" data-testid="filter-technique">
          <option value="">all techniques</option>
          {techniques.map(([t, n]) => (
            <option key={t} value={t}>
              {attackLabel(t)} ({n})
            </option>
          ))}
        </select>
        <label className="small fv-group-toggle">
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} data-testid="group-informational" /> informational by cause
        </label>
        <select value={container} onChange={(e) => setContainer(e.target.value)} aria-label="Container" data-testid="filter-container">
          <option value="">all containers</option>
          {containers.map(([id, c]) => (
            <option key={id} value={id}>
              {visible(c.name)} ({c.n})
            </option>
          ))}
        </select>
      </div>
      {q.error && !q.data ? (
        <ErrorState error={q.error} onRetry={q.reload} />
      ) : !q.data ? (
        <Loading what="findings" />
      ) : (
        <div className="fv-split">
          <div className="fv-table">
            <div className="fv-head" role="group" aria-label="Sort findings by">
              <SortButton k="severity" label="Severity" sort={sort} onSort={sortBy} />
              <span className="fv-col-group">
                <SortButton k="title" label="Finding" sort={sort} onSort={sortBy} />
                <span className="muted">·</span>
                <SortButton k="container" label="Container" sort={sort} onSort={sortBy} />
                <span className="muted">·</span>
                <SortButton k="detector" label="Detector" sort={sort} onSort={sortBy} />
              </span>
              <SortButton k="attack" label="ATT&CK" sort={sort} onSort={sortBy} />
              <SortButton k="state" label="State" sort={sort} onSort={sortBy} />
            </div>
            <div ref={scroller} className="fv-scroll" role="listbox" aria-label="Findings" tabIndex={0}>
              {shown.length === 0 ? (
                <FindingsEmpty total={all.length} failures={q.data.failures} scanned={q.data.scans.length} />
              ) : (
                <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
                  {virt.getVirtualItems().map((v) => {
                    const row = rows[v.index]!;
                    if (row.type === 'group') return <GroupRow key={`g:${row.g.key}`} row={row} start={v.start} selected={selectedGroup?.key === row.g.key} onClick={() => (toggleGroup(row.g.key), setSelectedId(row.g.findings[0]!.id))} />;
                    const f = row.f;
                    return (
                      <div
                        key={f.id}
                        className={`fv-row ${f.id === selectedId ? 'sel' : ''} st-${f.state} ${row.inGroup ? 'fv-in-group' : ''}`}
                        style={{ transform: `translateY(${v.start}px)` }}
                        role="option"
                        aria-selected={f.id === selectedId}
                        onClick={() => setSelectedId(f.id)}
                        onDoubleClick={() => open(f)}
                        data-testid="finding-row"
                        data-finding-id={f.id}
                        data-severity={f.severity}
                      >
                        <span className="fv-severity">
                          <span className={`sev sev-${f.severity}`}>{f.severity}</span>
                        </span>
                        <span className="fv-main">
                          <span className="fv-title" title={visible(f.summary)}>
                            {visible(f.title)}
                          </span>
                          <span className="fv-sub small">
                            <span className="fv-container" title={f.container?.id}>
                              {f.container ? visible(f.container.name) : 'engine'}
                            </span>
                            <span className="fv-detector">{f.detector}</span>
                          </span>
                        </span>
                        <span className="fv-attack" title={f.attack.map(attackLabel).join('\n')}>
                          <span className="mono">{f.attack.join(' ')}</span>
                          <span className="fv-attack-name small muted">{f.attack.map(attackName).join(' · ')}</span>
                        </span>
                        <span className="fv-state">
                          <span className={`statepill st-${f.state}`}>{f.state}</span>
                        </span>
                      </div>
                    );
                  })}
                </div>
              )}
            </div>
            <div className="fv-foot muted small">
              {shown.length} of {all.length} findings{rows.length < shown.length ? ` in ${rows.length} lines` : ''} · <kbd>n</kbd>/<kbd>p</kbd> move · <kbd>Enter</kbd> open evidence · <kbd>c</kbd> confirm, next · <kbd>x</kbd> false positive, next · <kbd>u</kbd> reset
            </div>
          </div>
          <FindingDetail
            f={selected}
            group={selectedGroup}
            onOpen={open}
            onJudge={(s) => selected && void triage.set(selected.id, s)}
            respond={selected ? <RespondMenu finding={selected} engine={engineOf(engines, selected)} response={responses.get(selected.detector)} currentCase={caseQ.data as CaseView | null | undefined} /> : null}
          />
        </div>
      )}
    </div>
  );
}

/** The engine a finding came from: its own engine id, else the one selected. */
const engineOf = (engines: EngineView[], f: Finding) => engines.find((e) => e.id === f.engineId);

/** Informational findings of one cause as one line: the count, the containers, the cause; a click opens it. */
function GroupRow({ row, start, selected, onClick }: { row: Extract<FindingRow, { type: 'group' }>; start: number; selected: boolean; onClick(): void }) {
  const g = row.g;
  const news = g.findings.filter((f) => f.state === 'new').length;
  return (
    <div
      className={`fv-row fv-group ${selected ? 'sel' : ''}`}
      style={{ transform: `translateY(${start}px)` }}
      role="option"
      aria-selected={selected}
      onClick={onClick}
      data-testid="finding-group"
      data-group-key={g.key.replace(/\u0000/g, '|')}
      data-count={g.findings.length}
      data-open={row.open}
      data-severity={g.severity}
    >
      <span className="fv-severity">
        <span className={`sev sev-${g.severity}`}>{g.severity}</span>
      </span>
      <span className="fv-main">
        <span className="fv-title" title={visible(groupSummary(g))}>
          <span aria-hidden>{row.open ? '▾' : '▸'}</span> {visible(g.title)} <b>×{g.findings.length}</b>
        </span>
        <span className="fv-sub small">
          <span className="fv-container">
            {g.containers.length} container{g.containers.length === 1 ? '' : 's'} · cause {visible(g.cause)}
          </span>
          <span className="fv-detector">{g.detector}</span>
        </span>
      </span>
      <span className="fv-attack" title={g.attack.map(attackLabel).join('\n')}>
        <span className="mono">{g.attack.join(' ')}</span>
        <span className="fv-attack-name small muted">{g.attack.map(attackName).join(' · ')}</span>
      </span>
      <span className="fv-state">
        <span className="statepill st-new">{news} new</span>
      </span>
    </div>
  );
}

function SortButton({ k, label, sort, onSort }: { k: SortKey; label: string; sort: { key: SortKey; desc: boolean }; onSort(k: SortKey): void }) {
  const on = sort.key === k;
  return (
    <button type="button" className={`fv-col fv-${k} ${on ? 'sorted' : ''}`} onClick={() => onSort(k)} aria-pressed={on} aria-label={`${label}${on ? (sort.desc ? ', sorted descending' : ', sorted ascending') : ''}`} data-testid={`sort-${k}`}>
      {label} {on ? (sort.desc ? '▾' : '▴') : ''}
    </button>
  );
}

function ScanStatus({ running, progress, error, last }: { running: boolean; progress: ScanProgress | undefined; error: Error | undefined; last: { scannedAt: string; durationMs: number; engine: { name: string } }[] | undefined }) {
  if (error) return <span className="bad small" role="alert">Scan failed: {error.message}</span>;
  if (running) {
    const pct = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : undefined;
    return (
      <span className="fv-progress" role="status" data-testid="scan-progress">
        <span className="fv-bar">
          <i style={{ width: `${pct ?? 5}%` }} className={pct === undefined ? 'indeterminate' : ''} />
        </span>
        <span className="small muted">
          {progress ? `${progress.phase} ${progress.done}/${progress.total}${progress.message ? ` · ${visible(progress.message)}` : ''}` : 'starting…'}
        </span>
      </span>
    );
  }
  if (!last?.length) return <span className="muted small">No scan yet on the connected engines.</span>;
  return (
    <span className="muted small">
      {last.map((s) => `${shown(s.engine.name, 120)}: scanned ${new Date(s.scannedAt).toLocaleString()} in ${(s.durationMs / 1000).toFixed(1)} s`).join(' · ')}
    </span>
  );
}

function TriageNote({ caseId, persisted, error }: { caseId: string | undefined; persisted: boolean | undefined; error: Error | undefined }) {
  if (error) return <span className="bad small">Triage not saved: {error.message}</span>;
  if (!caseId || persisted === false) return <span className="warn small" title="Open or create a case to keep triage decisions with their history">Triage kept in this window only (no case open)</span>;
  return <span className="muted small">Triage recorded in the current case</span>;
}

function FindingsEmpty({ total, failures, scanned }: { total: number; failures: { engineId: string; message: string }[]; scanned: number }) {
  if (total > 0) return <Empty title="No finding matches the filters">Clear a filter, or include confirmed, false-positive and suppressed states.</Empty>;
  return (
    <Empty title={scanned ? 'No findings' : 'No scan yet'}>
      {scanned ? 'The latest scans found nothing suspicious.' : 'Press Scan to collect evidence from every container and run the detectors.'}
      {failures.map((f) => (
        <div key={f.engineId} className="bad small">
          {f.engineId}: {f.message}
        </div>
      ))}
    </Empty>
  );
}

/** Short labels instead of pictographs: they render with any font, and read faster. */
const EVIDENCE_ICON: Record<string, string> = { process: 'PROC', file: 'FILE', socket: 'NET', event: 'EVT', exec: 'EXEC', inspect: 'CFG', image: 'IMG', stats: 'STAT' };

function FindingDetail({ f, group, onOpen, onJudge, respond }: { f: Finding | undefined; group: CauseGroup | undefined; onOpen(f: Finding, e?: EvidenceRef): void; onJudge(s: TriageState): void; respond: ReactNode }) {
  if (!f) return <aside className="fv-detail muted">Select a finding (click, or <kbd>n</kbd>) to see its evidence. Double-click or <kbd>Enter</kbd> jumps to the view that shows it.</aside>;
  return (
    <aside className="fv-detail" data-testid="finding-detail">
      <div className="fv-dhead">
        <span className={`sev sev-${f.severity}`}>{f.severity}</span>
        <h3>{visible(f.title)}</h3>
      </div>
      {group ? (
        <p className="small muted" data-testid="finding-group-note">
          First of {group.findings.length} informational findings with the same cause (<code>{visible(group.cause)}</code>) on {group.containers.length} container{group.containers.length === 1 ? '' : 's'}. <kbd>Enter</kbd> lists them.
        </p>
      ) : null}
      <p className="fv-summary">{visible(f.summary, { newlines: true })}</p>
      <dl className="fv-dl">
        <dt title={`ATT&CK Enterprise v${ATTACK_VERSION}`}>ATT&amp;CK</dt>
        <dd>
          <ul className="fv-techniques" data-testid="finding-techniques">
            {f.attack.map((t) => (
              <li key={t}>
                <span className="mono">{t}</span>{' '}
                {attackName(t) === t ? null : <span>{attackName(t)}</span>}
                {attackTactics(t).length ? <span className="muted small"> · {attackTactics(t).join(', ')}</span> : null}
              </li>
            ))}
          </ul>
        </dd>
        <dt>Detector</dt>
        <dd>
          {f.detector} <span className="muted">({f.kind})</span>
        </dd>
        <dt>Container</dt>
        <dd>{f.container ? `${visible(f.container.name)} · ${f.container.id.slice(0, 12)}` : 'the engine itself'}</dd>
        {f.firstSeen ? (
          <>
            <dt>First seen</dt>
            <dd>{f.firstSeen}</dd>
          </>
        ) : null}
        <dt>State</dt>
        <dd>
          <span className={`statepill st-${f.state}`}>{f.state}</span>
          {f.suppressedBy ? <span className="muted small"> by {f.suppressedBy}</span> : null}
        </dd>
      </dl>
      <div className="fv-judge" role="group" aria-label="Triage">
        <button type="button" onClick={() => onJudge('confirmed')} disabled={f.state === 'confirmed'} data-testid="triage-confirm">
          Confirm <kbd>c</kbd>
        </button>
        <button type="button" onClick={() => onJudge('false-positive')} disabled={f.state === 'false-positive'} data-testid="triage-fp">
          False positive <kbd>x</kbd>
        </button>
        <button type="button" onClick={() => onJudge('new')} disabled={f.state === 'new'}>
          Reset <kbd>u</kbd>
        </button>
      </div>
      {respond}
      <h4>Evidence ({f.evidence.length})</h4>
      <ul className="fv-evidence">
        {f.evidence.map((e, i) => {
          const target = evidenceTarget(e.kind);
          return (
            <li key={i}>
              <button type="button" className="fv-ev" onClick={() => onOpen(f, e)} data-testid="evidence-link" data-kind={e.kind} title={`Open in ${target.tab}`}>
                <span className="fv-ev-kind" aria-hidden>
                  {EVIDENCE_ICON[e.kind] ?? '•'}
                </span>
                <span className="fv-ev-body">
                  <span className="mono fv-ev-ref">{visible(e.ref)}</span>
                  <span className="fv-ev-excerpt">{visible(e.excerpt)}</span>
                  {e.sha256 ? <span className="mono small muted">sha256 {e.sha256.slice(0, 16)}…</span> : null}
                </span>
                <span className="fv-ev-go">{target.tab} →</span>
              </button>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
