import { attackLabel } from '@shared/domain/attack-techniques.js';
import { severityRank, type Finding, type TriageState } from '@shared/domain/finding.js';
import { groupByCause, type CauseGroup } from '@shared/domain/finding-groups.js';

export type SortKey = 'severity' | 'title' | 'detector' | 'attack' | 'container' | 'firstSeen' | 'state';

export interface FindingFilter {
  query: string;
  severities: ReadonlySet<string>;
  states: ReadonlySet<string>;
  detector: string;
  technique: string;
  container: string;
}

export const STATES: TriageState[] = ['new', 'confirmed', 'false-positive', 'suppressed'];

const keyOf = (f: Finding, k: SortKey): string | number => {
  switch (k) {
    case 'severity':
      return severityRank(f.severity);
    case 'title':
      return f.title.toLowerCase();
    case 'detector':
      return f.detector;
    case 'attack':
      return f.attack[0] ?? '';
    case 'container':
      return (f.container?.name ?? '').toLowerCase();
    case 'firstSeen':
      return f.firstSeen ?? '';
    case 'state':
      return STATES.indexOf(f.state);
  }
};

/** Filtered and sorted findings; ties fall back to severity then title so the order is stable across refreshes. */
export function selectFindings(all: Finding[], f: FindingFilter, sort: { key: SortKey; desc: boolean }): Finding[] {
  const q = f.query.trim().toLowerCase();
  const out = all.filter(
    (x) =>
      (f.severities.size === 0 || f.severities.has(x.severity)) &&
      (f.states.size === 0 || f.states.has(x.state)) &&
      (!f.detector || x.detector === f.detector) &&
      (!f.technique || x.attack.some((a) => a === f.technique || a.startsWith(`${f.technique}.`))) &&
      (!f.container || x.container?.id === f.container) &&
      (!q ||
        `${x.title} ${x.summary} ${x.detector} ${x.attack.map(attackLabel).join(' ')} ${x.container?.name ?? ''} ${x.evidence.map((e) => `${e.ref} ${e.excerpt}`).join(' ')}`
          .toLowerCase()
          .includes(q)),
  );
  const dir = sort.desc ? -1 : 1;
  return out.sort((a, b) => {
    const ka = keyOf(a, sort.key);
    const kb = keyOf(b, sort.key);
    if (ka !== kb) return (ka < kb ? -1 : 1) * dir;
    const s = severityRank(b.severity) - severityRank(a.severity);
    return s !== 0 ? s : a.title.localeCompare(b.title) || a.id.localeCompare(b.id);
  });
}

/** Which view shows a piece of evidence, and what to focus there. */
export function evidenceTarget(kind: string): { tab: string; focusKind?: string } {
  switch (kind) {
    case 'process':
      return { tab: 'processes', focusKind: 'process' };
    case 'file':
      return { tab: 'files', focusKind: 'file' };
    case 'socket':
      return { tab: 'network', focusKind: 'socket' };
    case 'event':
    case 'exec':
      return { tab: 'timeline', focusKind: 'event' };
    default:
      return { tab: 'overview' };
  }
}

/** Distinct values with counts, most frequent first, for the filter pickers. */
export function facet(all: Finding[], pick: (f: Finding) => string[]): [string, number][] {
  const m = new Map<string, number>();
  for (const f of all) for (const v of pick(f)) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** A line of the findings table: one finding, or informational findings of one cause shown as one. */
export type FindingRow =
  { type: 'finding'; f: Finding; inGroup?: string } | { type: 'group'; g: CauseGroup; open: boolean };

/**
 * The table's lines for the filtered, sorted findings. Informational (low) findings that share a detector and cause
 * collapse into one line where the first of them sorts, listing their findings under it when opened; the rest stay
 * one line each. With `grouped` off every finding is its own line.
 */
export function findingRows(shown: Finding[], open: ReadonlySet<string>, grouped = true): FindingRow[] {
  if (!grouped) return shown.map((f) => ({ type: 'finding', f }));
  const groupOf = new Map<string, CauseGroup>();
  for (const g of groupByCause(shown.filter((f) => f.severity === 'low')))
    if (g.findings.length > 1) for (const f of g.findings) groupOf.set(f.id, g);
  const out: FindingRow[] = [];
  const placed = new Set<string>();
  for (const f of shown) {
    const g = groupOf.get(f.id);
    if (!g) out.push({ type: 'finding', f });
    else if (!placed.has(g.key)) {
      placed.add(g.key);
      const isOpen = open.has(g.key);
      out.push({ type: 'group', g, open: isOpen });
      if (isOpen) for (const x of g.findings) out.push({ type: 'finding', f: x, inGroup: g.key });
    }
  }
  return out;
}

/** The line that holds a finding: its own, or its group's while the group is closed. */
export function rowOf(rows: FindingRow[], findingId: string | undefined): number {
  if (!findingId) return -1;
  return rows.findIndex((r) =>
    r.type === 'finding' ? r.f.id === findingId : !r.open && r.g.findings.some((f) => f.id === findingId),
  );
}

/** The finding a line stands for when selected: a closed group stands for its first finding; an open one for none. */
export const rowFinding = (r: FindingRow | undefined): Finding | undefined =>
  !r ? undefined : r.type === 'finding' ? r.f : r.open ? undefined : r.g.findings[0];
