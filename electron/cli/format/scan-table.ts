import type { ScanResult } from '@shared/domain/scan.js';
import { groupSummary, splitInformational } from '@shared/domain/finding-groups.js';
import { table, terminalSafe } from './text.js';
import { paint, type Tint } from '../output-style.js';
import { ATTACK_VERSION, attackName, attackTactics } from '@shared/domain/attack-techniques.js';

const SEVERITY_TINT: Record<string, Tint> = { CRITICAL: 'magenta', HIGH: 'red', MEDIUM: 'yellow', LOW: 'blue' };

/** Colours the severity word that starts a finding row (after padding, so columns stay aligned). */
const tintSeverities = (text: string, color: boolean) =>
  color ? text.replace(/^(CRITICAL|HIGH|MEDIUM|LOW)\b/gm, (w) => paint(w, SEVERITY_TINT[w]!, true)) : text;

/** Human summary of a scan for a terminal; `color` only when stdout is a terminal that wants it. */
export function formatScanTable(r: ScanResult, color = false): string {
  const head = `Engine ${terminalSafe(r.engine.name)} (${terminalSafe(r.engine.endpoint)}), ${r.containers.length} containers, ${r.findings.length} findings${r.suppressed?.length ? `, ${r.suppressed.length} suppressed` : ''}, ${r.durationMs} ms\n\n`;
  const containers = table(
    ['CONTAINER ID', 'NAME', 'IMAGE', 'STATE', 'RISK'],
    r.containers.map((c) => [
      c.id.slice(0, 12),
      terminalSafe(c.name, 40),
      terminalSafe(c.image, 40),
      c.state,
      String(c.risk),
    ]),
  );
  const split = splitInformational(r.findings);
  const findings = r.findings.length
    ? `\n${table(
        ['SEVERITY', 'DETECTOR', 'ATT&CK', r.findings.some((f) => f.workload) ? 'SUBJECT' : 'CONTAINER', 'SUMMARY'],
        [
          ...split.individual.map((f) => [
            f.severity.toUpperCase(),
            f.detector,
            f.attack.join(','),
            terminalSafe(f.container?.name ?? '-', 30),
            terminalSafe(f.summary, 100),
          ]),
          // Informational findings: one row per cause, with how many containers share it.
          ...split.informational.map((g) => [
            g.severity.toUpperCase(),
            g.detector,
            g.attack.join(','),
            g.findings.length === 1 ? terminalSafe(subject(g.findings[0]!), 30) : `${g.containers.length} containers`,
            terminalSafe(groupSummary(g), 100),
          ]),
        ],
      )}`
    : '';
  // The table keeps ids to stay narrow; the techniques it names are spelled out once under it.
  const ids = [...new Set(r.findings.flatMap((f) => f.attack))].sort();
  const techniques = ids.length
    ? `\nATT&CK techniques (Enterprise v${ATTACK_VERSION}):\n${table(
        ['ID', 'NAME', 'TACTICS'],
        ids.map((t) => [t, attackName(t), attackTactics(t).join(', ') || '-']),
      )}`
    : '';
  // Suppressed findings stay visible with the entry (id@version) that hid them, so an allowlist cannot hide silently.
  const suppressed = r.suppressed?.length
    ? `\nSuppressed (${r.suppressed.length}):\n${table(
        ['SEVERITY', 'DETECTOR', 'CONTAINER', 'SUPPRESSED BY', 'SUMMARY'],
        r.suppressed.map((f) => [
          f.severity.toUpperCase(),
          f.detector,
          terminalSafe(f.container?.name ?? '-', 30),
          terminalSafe(f.suppressedBy ?? '-', 60),
          terminalSafe(f.summary, 80),
        ]),
      )}`
    : '';
  const errors = r.errors.length
    ? `\nErrors:\n${r.errors.map((e) => `  ${e.containerId?.slice(0, 12) ?? '-'} ${e.call}: ${terminalSafe(e.message, 300)}`).join('\n')}\n`
    : '';
  return head + containers + tintSeverities(findings + suppressed, color) + techniques + errors;
}

/** A container by name, else the Kubernetes workload a finding is about. */
const subject = (f: ScanResult['findings'][number]): string =>
  f.container?.name ?? (f.workload ? `${f.workload.kind}/${f.workload.namespace ?? '-'}/${f.workload.name}` : '-');
