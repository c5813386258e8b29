import type { Finding, Severity } from './finding.js';

/** Findings of one detector that share a cause (same condition on many containers or images), shown as one row. */
export interface CauseGroup {
  key: string;
  detector: string;
  title: string;
  cause: string;
  severity: Severity;
  attack: string[];
  findings: Finding[];
  /** Names of the containers the group's findings are about, each once. */
  containers: string[];
}

/** The cause a finding was raised for: set by the detector run, else the detector alone. */
export const causeOf = (f: Finding): string => f.cause ?? f.detector;

/** Groups findings by detector and cause, keeping the order in which each group first appears. */
export function groupByCause(findings: Finding[]): CauseGroup[] {
  const groups = new Map<string, CauseGroup>();
  for (const f of findings) {
    const key = `${f.detector}\u0000${causeOf(f)}\u0000${f.severity}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        detector: f.detector,
        title: f.title,
        cause: causeOf(f),
        severity: f.severity,
        attack: [...f.attack],
        findings: [],
        containers: [],
      };
      groups.set(key, g);
    }
    g.findings.push(f);
    for (const a of f.attack) if (!g.attack.includes(a)) g.attack.push(a);
    if (f.container && !g.containers.includes(f.container.name)) g.containers.push(f.container.name);
  }
  return [...groups.values()];
}

/**
 * Informational (low) findings grouped by cause, the rest one by one: a condition shared by forty containers
 * reads as one line with a count, not forty.
 */
export function splitInformational(findings: Finding[]): { individual: Finding[]; informational: CauseGroup[] } {
  return {
    individual: findings.filter((f) => f.severity !== 'low'),
    informational: groupByCause(findings.filter((f) => f.severity === 'low')),
  };
}

/** One line for a group: the first summary, and how many more share the cause. */
export function groupSummary(g: CauseGroup): string {
  const first = g.findings[0]!.summary;
  if (g.findings.length === 1) return first;
  const where = g.containers.length
    ? ` on ${g.containers.length} container${g.containers.length === 1 ? '' : 's'}`
    : '';
  return `${g.findings.length} findings${where} (${g.cause}), e.g. ${first}`;
}
