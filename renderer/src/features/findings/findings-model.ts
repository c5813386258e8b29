import { attackLabel } from '../../../../shared/domain/attack-techniques.js';
import { severityRank, type Finding, type TriageState } from '../../../../shared/domain/finding.js';

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
      (!q || `${x.title} ${x.summary} ${x.detector} ${x.attack.map(attackLabel).join(' ')} ${x.container?.name ?? ''} ${x.evidence.map((e) => `${e.ref} ${e.excerpt}`).join(' ')}`.toLowerCase().includes(q)),
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
