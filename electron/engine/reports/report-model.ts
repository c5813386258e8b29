import { SEVERITIES, type Finding, type Severity, type TriageState } from '@shared/domain/finding.js';
import { riskScore } from '../detect/risk-score.js';
import type { CaseExport } from './case-export.js';
import { ADS_BLIND_SPOTS, RESPONSE_STEPS, stepEntries, type ResponseStep } from './ads-response.js';
import type { CustodyEntry } from '@shared/domain/case.js';
import { attackName, attackTactics } from '@shared/domain/attack-techniques.js';

export interface TimelineEntry {
  at: string;
  what: 'custody' | 'finding';
  label: string;
  text: string;
}

/** What HTML, PDF and Markdown reports present, computed once from the case export. */
export interface ReportModel {
  data: CaseExport;
  risk: number;
  bySeverity: Record<Severity, number>;
  byState: Record<TriageState, number>;
  /** Most severe first. */
  groups: Array<{ severity: Severity; findings: Finding[] }>;
  /** With the bundled ATT&CK table's name and tactics (the id and none when the table lacks it). */
  techniques: Array<{ id: string; name: string; tactics: readonly string[]; count: number; worst: Severity }>;
  timeline: TimelineEntry[];
  response: Array<{ step: ResponseStep; done: CustodyEntry[] }>;
  blindSpots: Array<{ source: string; text: string }>;
}

export function buildReportModel(data: CaseExport): ReportModel {
  const bySeverity = { low: 0, medium: 0, high: 0, critical: 0 } as Record<Severity, number>;
  const byState = { new: 0, confirmed: 0, 'false-positive': 0, suppressed: 0 } as Record<TriageState, number>;
  const techniques = new Map<string, { id: string; count: number; worst: Severity }>();
  for (const f of data.findings) {
    bySeverity[f.severity]++;
    byState[f.state]++;
    // Dismissed and allowlisted findings are not techniques seen in this incident.
    if (f.state === 'false-positive' || f.state === 'suppressed') continue;
    for (const t of f.attack) {
      const cur = techniques.get(t) ?? { id: t, count: 0, worst: 'low' as Severity };
      cur.count++;
      if (SEVERITIES.indexOf(f.severity) > SEVERITIES.indexOf(cur.worst)) cur.worst = f.severity;
      techniques.set(t, cur);
    }
  }
  const groups = [...SEVERITIES]
    .reverse()
    .map((severity) => ({ severity, findings: data.findings.filter((f) => f.severity === severity) }))
    .filter((g) => g.findings.length > 0);

  const timeline: TimelineEntry[] = data.custody.map((c) => ({
    at: c.at,
    what: 'custody' as const,
    label: c.action,
    text: `${c.actor}: ${c.detail}`,
  }));
  for (const f of data.findings)
    if (f.firstSeen)
      timeline.push({
        at: f.firstSeen,
        what: 'finding',
        label: f.severity,
        text: `${f.title}${f.container ? ` in ${f.container.name}` : ''}`,
      });
  timeline.sort((a, b) => a.at.localeCompare(b.at));

  const blindSpots: ReportModel['blindSpots'] = [];
  for (const d of data.detectors)
    for (const b of d.blindSpots) blindSpots.push({ source: `${d.id} (${d.strategy.join(', ')})`, text: b });
  for (const b of ADS_BLIND_SPOTS) blindSpots.push({ source: b.strategy, text: b.text });

  return {
    data,
    risk: riskScore(data.findings),
    bySeverity,
    byState,
    groups,
    techniques: [...techniques.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((t) => ({ ...t, name: attackName(t.id), tactics: attackTactics(t.id) })),
    // Timelines of very large cases are cut: the JSON export keeps everything.
    timeline: timeline.slice(-2000),
    response: RESPONSE_STEPS.map((step) => ({ step, done: stepEntries(step, data.custody) })),
    blindSpots,
  };
}

/** Detector response lines for the detectors that fired, beside the generic ADS steps. */
export function detectorResponses(data: CaseExport): Array<{ detector: string; lines: string[] }> {
  return data.detectors.map((d) => ({ detector: `${d.id}: ${d.title}`, lines: d.response }));
}
