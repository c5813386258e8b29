import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useApi } from '../../workbench/api-context.js';
import { useWorkbench } from '../../workbench/workbench.js';
import { useQuery } from '../../lib/use-query.js';
import { useHotkeys } from '../../lib/use-hotkeys.js';
import { ErrorState, Loading } from '../../components/States.js';
import { type EvidenceRef, type Finding, type TriageState } from '@shared/domain/finding.js';
import {
  evidenceTarget,
  findingRows,
  rowFinding,
  rowOf,
  selectFindings,
  STATES,
  type SortKey,
} from './findings-model.js';
import { RespondMenu } from './RespondMenu.js';
import { FindingDetail } from './FindingDetail.js';
import { FindingsFilters, type FindingFilters } from './FindingsFilters.js';
import { FindingsTable } from './FindingsTable.js';
import { FindingsToolbar } from './FindingsToolbar.js';
import { useFindings, useScan, useTriage } from './use-findings.js';
import '../../lib/common.css';
import './findings.css';
import { isUnknownOp } from '../../lib/unknown-op.js';
import type { EngineView } from '@shared/domain/engine.js';
import type { CaseView } from '@shared/api/cases.js';

const ROW_H = 42;

/** Triage of every finding across engines: filter, sort, judge, and jump to the evidence behind each. */
export function FindingsView() {
  const api = useApi();
  const wb = useWorkbench();
  const enginesQ = useQuery(() => api.call('engines.list', {}), []);
  const engines = enginesQ.data ?? [];
  const q = useFindings(engines);
  const scan = useScan(q.reload);
  const triage = useTriage(q.data?.caseId);
  const catalogue = useQuery(() => api.call('detectors.list', {}), []);
  const responses = useMemo(
    () => new Map((catalogue.data?.detectors ?? []).map((d) => [d.id, d.response])),
    [catalogue.data],
  );
  const caseQ = useQuery(
    () => api.call('cases.current', {}).catch((e) => (isUnknownOp(e) ? null : Promise.reject(e))),
    [q.data?.caseId],
  );

  // New scans elsewhere (CLI, another window) and engine connections refresh the list; the selection stays.
  useEffect(() => {
    const offP = api.on('scan.progress', (p) => p.phase === 'done' && q.reload());
    const offS = api.on('engine.state', (s) => s.status === 'connected' && enginesQ.reload());
    return () => {
      offP();
      offS();
    };
  }, [api, q.reload, enginesQ.reload]);

  const all = useMemo(
    () => (q.data?.findings ?? []).map((f) => (triage.local.has(f.id) ? { ...f, state: triage.local.get(f.id)! } : f)),
    [q.data, triage.local],
  );
  const [filters, setFilters] = useState<FindingFilters>(() => ({
    query: '',
    severities: new Set(),
    states: new Set(['new', 'confirmed']),
    detector: '',
    technique: '',
    container: '',
    grouped: true,
  }));
  const setFilter = <K extends keyof FindingFilters>(key: K, v: FindingFilters[K]) =>
    setFilters((f) => ({ ...f, [key]: v }));
  const { query, severities, states, detector, technique, container, grouped } = filters;
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'severity', desc: true });
  const [selectedId, setSelectedId] = useState<string>();
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
    setFilters((f) => ({
      ...f,
      technique: asked.technique ?? '',
      detector: asked.detector ?? '',
      container: asked.containerId ?? '',
      severities: new Set(asked.severity ? [asked.severity] : []),
    }));
    if (asked.findingId) {
      setFilters((f) => ({ ...f, query: '', states: new Set(STATES) }));
      setSelectedId(asked.findingId);
      reveal.current = asked.findingId;
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [asked?.seq]);
  const shown = useMemo(
    () => selectFindings(all, { query: deferredQuery, severities, states, detector, technique, container }, sort),
    [all, deferredQuery, severities, states, detector, technique, container, sort],
  );
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
  const virt = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_H,
    overscan: 10,
  });
  // A finding picked elsewhere (the palette) is scrolled into view once the list holds it, its group opened.
  useEffect(() => {
    const i = reveal.current ? rowOf(rows, reveal.current) : -1;
    if (i < 0) return;
    const r = rows[i]!;
    if (r.type === 'group') return setOpenGroups((s) => new Set(s).add(r.g.key));
    reveal.current = undefined;
    virt.scrollToIndex(i, { align: 'center' });
  }, [rows, virt]);

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
      if (t && t !== scroller.current && t.closest('button, input, select, textarea, a, [contenteditable], .xterm'))
        return;
      e.preventDefault();
      openRef.current?.();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const sortBy = (key: SortKey) =>
    setSort((s) => ({ key, desc: s.key === key ? !s.desc : key === 'severity' || key === 'firstSeen' }));
  const connected = engines.filter((e) => e.kind === 'docker' && e.state.status === 'connected');
  const scanTargets = wb.engineId ? [wb.engineId] : connected.map((e) => e.id);

  return (
    <div className="fv" data-testid="findings" data-count={all.length} data-shown={shown.length}>
      <FindingsToolbar engines={engines} scan={scan} scanTargets={scanTargets} data={q.data} triage={triage} />
      <FindingsFilters all={all} value={filters} set={setFilter} search={search} />
      {q.error && !q.data ? (
        <ErrorState error={q.error} onRetry={q.reload} />
      ) : !q.data ? (
        <Loading what="findings" />
      ) : (
        <div className="fv-split">
          <FindingsTable
            all={all}
            shown={shown}
            rows={rows}
            virt={virt}
            scroller={scroller}
            selectedId={selectedId}
            selectedGroup={selectedGroup}
            setSelectedId={setSelectedId}
            toggleGroup={toggleGroup}
            open={open}
            sort={sort}
            sortBy={sortBy}
            failures={q.data.failures}
            scanned={q.data.scans.length}
          />
          <FindingDetail
            f={selected}
            group={selectedGroup}
            onOpen={open}
            onJudge={(s) => selected && void triage.set(selected.id, s)}
            respond={
              selected ? (
                <RespondMenu
                  finding={selected}
                  engine={engineOf(engines, selected)}
                  response={responses.get(selected.detector)}
                  currentCase={caseQ.data as CaseView | null | undefined}
                />
              ) : null
            }
          />
        </div>
      )}
    </div>
  );
}

/** The engine a finding came from: its own engine id, else the one selected. */
const engineOf = (engines: EngineView[], f: Finding) => engines.find((e) => e.id === f.engineId);
