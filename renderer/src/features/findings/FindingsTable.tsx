import { type RefObject } from 'react';
import { type Virtualizer } from '@tanstack/react-virtual';
import { Empty } from '../../components/States.js';
import { type Finding } from '@shared/domain/finding.js';
import { visible } from '../../lib/visible-text.js';
import { type FindingRow, type SortKey } from './findings-model.js';
import { attackLabel, attackName } from '@shared/domain/attack-techniques.js';
import { groupSummary, type CauseGroup } from '@shared/domain/finding-groups.js';

export interface FindingsTableProps {
  all: Finding[];
  shown: Finding[];
  rows: FindingRow[];
  virt: Virtualizer<HTMLDivElement, Element>;
  scroller: RefObject<HTMLDivElement | null>;
  selectedId: string | undefined;
  selectedGroup: CauseGroup | undefined;
  setSelectedId: (id: string) => void;
  toggleGroup: (key: string) => void;
  open: (f: Finding) => void;
  sort: { key: SortKey; desc: boolean };
  sortBy: (key: SortKey) => void;
  failures: { engineId: string; message: string }[];
  scanned: number;
}

/** The virtual list of findings and cause groups, with sortable columns and the key reminder below. */
export function FindingsTable({
  all,
  shown,
  rows,
  virt,
  scroller,
  selectedId,
  selectedGroup,
  setSelectedId,
  toggleGroup,
  open,
  sort,
  sortBy,
  failures,
  scanned,
}: FindingsTableProps) {
  return (
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
          <FindingsEmpty total={all.length} failures={failures} scanned={scanned} />
        ) : (
          <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
            {virt.getVirtualItems().map((v) => {
              const row = rows[v.index]!;
              if (row.type === 'group')
                return (
                  <GroupRow
                    key={`g:${row.g.key}`}
                    row={row}
                    start={v.start}
                    selected={selectedGroup?.key === row.g.key}
                    onClick={() => (toggleGroup(row.g.key), setSelectedId(row.g.findings[0]!.id))}
                  />
                );
              return (
                <FindingLine
                  key={row.f.id}
                  row={row}
                  start={v.start}
                  selected={row.f.id === selectedId}
                  onSelect={setSelectedId}
                  onOpen={open}
                />
              );
            })}
          </div>
        )}
      </div>
      <div className="fv-foot muted small">
        {shown.length} of {all.length} findings{rows.length < shown.length ? ` in ${rows.length} lines` : ''} ·{' '}
        <kbd>n</kbd>/<kbd>p</kbd> move · <kbd>Enter</kbd> open evidence · <kbd>c</kbd> confirm, next · <kbd>x</kbd>{' '}
        false positive, next · <kbd>u</kbd> reset
      </div>
    </div>
  );
}

/** One finding: severity, title, container and detector, ATT&CK techniques and triage state. */
function FindingLine({
  row,
  start,
  selected,
  onSelect,
  onOpen,
}: {
  row: Extract<FindingRow, { type: 'finding' }>;
  start: number;
  selected: boolean;
  onSelect(id: string): void;
  onOpen(f: Finding): void;
}) {
  const f = row.f;
  return (
    <div
      className={`fv-row ${selected ? 'sel' : ''} st-${f.state} ${row.inGroup ? 'fv-in-group' : ''}`}
      style={{ transform: `translateY(${start}px)` }}
      role="option"
      aria-selected={selected}
      onClick={() => onSelect(f.id)}
      onDoubleClick={() => onOpen(f)}
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
}

/** Informational findings of one cause as one line: the count, the containers, the cause; a click opens it. */
function GroupRow({
  row,
  start,
  selected,
  onClick,
}: {
  row: Extract<FindingRow, { type: 'group' }>;
  start: number;
  selected: boolean;
  onClick(): void;
}) {
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

function SortButton({
  k,
  label,
  sort,
  onSort,
}: {
  k: SortKey;
  label: string;
  sort: { key: SortKey; desc: boolean };
  onSort(k: SortKey): void;
}) {
  const on = sort.key === k;
  return (
    <button
      type="button"
      className={`fv-col fv-${k} ${on ? 'sorted' : ''}`}
      onClick={() => onSort(k)}
      aria-pressed={on}
      aria-label={`${label}${on ? (sort.desc ? ', sorted descending' : ', sorted ascending') : ''}`}
      data-testid={`sort-${k}`}
    >
      {label} {on ? (sort.desc ? '▾' : '▴') : ''}
    </button>
  );
}

function FindingsEmpty({
  total,
  failures,
  scanned,
}: {
  total: number;
  failures: { engineId: string; message: string }[];
  scanned: number;
}) {
  if (total > 0)
    return (
      <Empty title="No finding matches the filters">
        Clear a filter, or include confirmed, false-positive and suppressed states.
      </Empty>
    );
  return (
    <Empty title={scanned ? 'No findings' : 'No scan yet'}>
      {scanned
        ? 'The latest scans found nothing suspicious.'
        : 'Press Scan to collect evidence from every container and run the detectors.'}
      {failures.map((f) => (
        <div key={f.engineId} className="bad small">
          {f.engineId}: {f.message}
        </div>
      ))}
    </Empty>
  );
}
