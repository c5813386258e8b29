import { SEVERITIES, type Finding, type Severity } from '@shared/domain/finding.js';

/** Findings printed per detector in the digest; the rest are counted, and the JSON export lists them all. */
export const DIGEST_ROWS_PER_DETECTOR = 8;

export interface DetectorDigest {
  detector: string;
  count: number;
  worst: Severity;
  techniques: string[];
  containers: number;
  bySeverity: Record<Severity, number>;
  /** Analyst-triaged findings first (they are the ones a reader asks about), then the most severe. */
  shown: Finding[];
}

const TRIAGE_ORDER: Record<Finding['state'], number> = { confirmed: 0, 'false-positive': 1, suppressed: 2, new: 3 };

/**
 * Findings of a very large case grouped per detector, with a bounded sample of each group: what the printed
 * report shows, because a thousand pages of near-identical rows take Chromium minutes to lay out and nobody
 * reads them on paper. Worst detector first.
 */
export function digestFindings(findings: readonly Finding[], perDetector = DIGEST_ROWS_PER_DETECTOR): DetectorDigest[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = groups.get(f.detector);
    if (list) list.push(f);
    else groups.set(f.detector, [f]);
  }
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  const out: DetectorDigest[] = [];
  for (const [detector, list] of groups) {
    const bySeverity = { low: 0, medium: 0, high: 0, critical: 0 } as Record<Severity, number>;
    const techniques = new Set<string>();
    const containers = new Set<string>();
    let worst: Severity = 'low';
    for (const f of list) {
      bySeverity[f.severity]++;
      if (rank(f.severity) > rank(worst)) worst = f.severity;
      f.attack.forEach((t) => techniques.add(t));
      if (f.container) containers.add(f.container.id);
    }
    const shown = [...list]
      .sort((a, b) => TRIAGE_ORDER[a.state] - TRIAGE_ORDER[b.state] || rank(b.severity) - rank(a.severity))
      .slice(0, perDetector);
    out.push({
      detector,
      count: list.length,
      worst,
      techniques: [...techniques].sort(),
      containers: containers.size,
      bySeverity,
      shown,
    });
  }
  return out.sort((a, b) => rank(b.worst) - rank(a.worst) || b.count - a.count || a.detector.localeCompare(b.detector));
}
