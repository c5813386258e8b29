import { SEVERITIES, severityRank, type Finding, type Severity } from '@shared/domain/finding.js';
import type { EngineEvent } from '@shared/domain/event.js';
import { TACTICS, attackName, attackTactics, attackTechnique, type Tactic } from '@shared/domain/attack-techniques.js';

/** One container as the risk strip shows it. */
export interface RiskRow {
  id: string;
  name: string;
  image: string;
  state: string;
  risk: number;
  findings: number;
  worst: Severity | undefined;
}

export type RiskSort = 'risk' | 'name' | 'findings';

/** The findings that count against a container: what an analyst dismissed or an allowlist hid does not. */
export const live = (f: Finding) => f.state !== 'false-positive' && f.state !== 'suppressed';

/** Every container with its score and live findings; containers without findings get risk 0. */
export function riskRows(
  containers: { id: string; name: string; image: string; state: string; risk?: number }[],
  findings: Finding[],
  scored: { id: string; risk: number }[] = [],
): RiskRow[] {
  const score = new Map(scored.map((c) => [c.id, c.risk]));
  const rows = new Map<string, RiskRow>(
    containers.map((c) => [
      c.id,
      {
        id: c.id,
        name: c.name,
        image: c.image,
        state: c.state,
        risk: score.get(c.id) ?? c.risk ?? 0,
        findings: 0,
        worst: undefined,
      },
    ]),
  );
  for (const f of findings) {
    if (!f.container || !live(f)) continue;
    const r = rows.get(f.container.id);
    if (!r) continue;
    r.findings++;
    if (!r.worst || severityRank(f.severity) > severityRank(r.worst)) r.worst = f.severity;
  }
  return [...rows.values()];
}

export function sortRisk(rows: RiskRow[], key: RiskSort, desc: boolean): RiskRow[] {
  const sign = desc ? -1 : 1;
  const cmp: Record<RiskSort, (a: RiskRow, b: RiskRow) => number> = {
    risk: (a, b) =>
      a.risk - b.risk ||
      (a.worst ? severityRank(a.worst) : -1) - (b.worst ? severityRank(b.worst) : -1) ||
      a.findings - b.findings,
    findings: (a, b) => a.findings - b.findings || a.risk - b.risk,
    name: (a, b) => a.name.localeCompare(b.name),
  };
  return [...rows].sort((a, b) => sign * cmp[key](a, b) || a.name.localeCompare(b.name));
}

export type Heat = 'none' | Severity;
const HEATS: Heat[] = ['none', ...SEVERITIES];

/** One cell of the heat strip: a container, or past `max` cells a run of neighbours shown by the worst of them. */
export interface StripCell {
  first: number;
  last: number;
  heat: Heat;
  maxRisk: number;
  label: string;
}

/**
 * The strip's cells for rows in display order. Up to `max` rows each get a cell; beyond that, consecutive rows share
 * one so the strip's DOM stays bounded at any engine size while still showing where the hot spots are.
 */
export function stripCells(rows: RiskRow[], heat: (r: RiskRow) => Heat, max = 240): StripCell[] {
  const per = Math.max(1, Math.ceil(rows.length / max));
  const out: StripCell[] = [];
  for (let i = 0; i < rows.length; i += per) {
    const run = rows.slice(i, i + per);
    let worst: Heat = 'none';
    let maxRisk = 0;
    for (const r of run) {
      const h = heat(r);
      if (HEATS.indexOf(h) > HEATS.indexOf(worst)) worst = h;
      maxRisk = Math.max(maxRisk, r.risk);
    }
    const label =
      run.length === 1
        ? `${run[0]!.name}: risk ${run[0]!.risk}`
        : `${run.length} containers, ${run[0]!.name} to ${run.at(-1)!.name}: risk up to ${maxRisk}`;
    out.push({ first: i, last: i + run.length - 1, heat: worst, maxRisk, label });
  }
  return out;
}

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (live(f)) out[f.severity]++;
  return out;
}

export interface DetectorCount {
  detector: string;
  count: number;
  worst: Severity;
}

export function countByDetector(findings: Finding[]): DetectorCount[] {
  const m = new Map<string, DetectorCount>();
  for (const f of findings) {
    if (!live(f)) continue;
    const d = m.get(f.detector) ?? { detector: f.detector, count: 0, worst: f.severity };
    d.count++;
    if (severityRank(f.severity) > severityRank(d.worst)) d.worst = f.severity;
    m.set(f.detector, d);
  }
  return [...m.values()].sort(
    (a, b) =>
      b.count - a.count || severityRank(b.worst) - severityRank(a.worst) || a.detector.localeCompare(b.detector),
  );
}

export interface MatrixCell {
  id: string;
  /** The technique's own name (a sub-technique's without its parent, as the Navigator shows it). */
  name: string;
  /** With the parent's name, for a tooltip. */
  fullName: string;
  count: number;
  worst: Severity;
}

export interface MatrixColumn {
  tactic: Tactic;
  techniques: MatrixCell[];
}

/**
 * ATT&CK as the Navigator lays it out: tactics as columns in matrix order, each with the techniques seen under it
 * (a technique of several tactics appears under each), most findings first. Tactics nothing was seen under are left
 * out so the seen ones stay readable; techniques the bundled table does not know go under "Unmapped".
 */
export function attackMatrix(findings: Finding[]): { columns: MatrixColumn[]; unmapped: MatrixCell[] } {
  const cells = new Map<string, MatrixCell>();
  for (const f of findings) {
    if (!live(f)) continue;
    for (const t of new Set(f.attack)) {
      const c = cells.get(t) ?? {
        id: t,
        name: attackTechnique(t)?.name ?? t,
        fullName: attackName(t),
        count: 0,
        worst: f.severity,
      };
      c.count++;
      if (severityRank(f.severity) > severityRank(c.worst)) c.worst = f.severity;
      cells.set(t, c);
    }
  }
  const order = (a: MatrixCell, b: MatrixCell) =>
    b.count - a.count || severityRank(b.worst) - severityRank(a.worst) || a.id.localeCompare(b.id);
  const columns = TACTICS.map((tactic) => ({
    tactic,
    techniques: [...cells.values()].filter((c) => attackTactics(c.id).includes(tactic)).sort(order),
  })).filter((c) => c.techniques.length > 0);
  const unmapped = [...cells.values()].filter((c) => attackTactics(c.id).length === 0).sort(order);
  return { columns, unmapped };
}

export interface Lifecycle {
  id: string;
  name: string;
  image: string | undefined;
  started?: number;
  died?: number;
  destroyed?: number;
}

/** Seconds between exit and removal under which the daemon, not a person, removed the container (`--rm`). */
export const AUTO_REMOVE_SECONDS = 5;

/**
 * From one window of engine events: containers started in it (newest first), and containers removed on exit
 * (`docker run --rm`): destroyed within seconds of dying, which leaves them in the event history only.
 */
export function lifecycles(events: EngineEvent[]): { started: Lifecycle[]; autoRemoved: Lifecycle[] } {
  const m = new Map<string, Lifecycle>();
  for (const e of events) {
    if (e.type !== 'container' || !['start', 'die', 'destroy'].includes(e.action)) continue;
    const t = e.timeNano !== undefined ? e.timeNano / 1e6 : Date.parse(e.time);
    const l = m.get(e.actorId) ?? {
      id: e.actorId,
      name: e.attributes.name ?? e.actorName ?? e.actorId.slice(0, 12),
      image: e.attributes.image,
    };
    if (e.action === 'start') l.started = Math.max(l.started ?? 0, t);
    if (e.action === 'die') l.died = t;
    if (e.action === 'destroy') l.destroyed = t;
    m.set(e.actorId, l);
  }
  const all = [...m.values()];
  const started = all.filter((l) => l.started !== undefined).sort((a, b) => b.started! - a.started!);
  const autoRemoved = all
    .filter(
      (l) =>
        l.died !== undefined &&
        l.destroyed !== undefined &&
        l.destroyed >= l.died &&
        (l.destroyed - l.died) / 1000 <= AUTO_REMOVE_SECONDS,
    )
    .sort((a, b) => b.destroyed! - a.destroyed!);
  return { started, autoRemoved };
}

/** "12 s", "4 min", "3 h", "2 d": how old a scan is, at a glance. */
export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}
