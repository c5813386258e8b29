import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { severityRank, type Finding } from '@shared/domain/finding.js';

/** One detector's scenario: containers that must draw it, and look-alikes that must not draw anything at medium or above. */
export interface Scenario {
  detector: string;
  malicious: string[];
  benign: string[];
}

export interface Score {
  detector: string;
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  trueNegatives: number;
  precision: number;
  recall: number;
}

/**
 * Per detector: recall over its malicious containers (it fired at any severity) and precision over its verdicts,
 * where a false positive is a benign look-alike on which that detector fired at medium or above, unsuppressed.
 */
export function score(scenarios: Scenario[], findingsFor: (key: string) => Finding[]): Score[] {
  const byDetector = new Map<string, Score>();
  for (const s of scenarios) {
    const row = byDetector.get(s.detector) ?? {
      detector: s.detector,
      truePositives: 0,
      falseNegatives: 0,
      falsePositives: 0,
      trueNegatives: 0,
      precision: 1,
      recall: 1,
    };
    for (const key of s.malicious) {
      if (findingsFor(key).some((f) => f.detector === s.detector)) row.truePositives++;
      else row.falseNegatives++;
    }
    for (const key of s.benign) {
      if (
        findingsFor(key).some(
          (f) => f.detector === s.detector && !f.suppressedBy && severityRank(f.severity) >= severityRank('medium'),
        )
      )
        row.falsePositives++;
      else row.trueNegatives++;
    }
    byDetector.set(s.detector, row);
  }
  return [...byDetector.values()].map((r) => ({
    ...r,
    precision: r.truePositives + r.falsePositives === 0 ? 1 : r.truePositives / (r.truePositives + r.falsePositives),
    recall: r.truePositives + r.falseNegatives === 0 ? 1 : r.truePositives / (r.truePositives + r.falseNegatives),
  }));
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

/** The score table as text, one row per detector, the way the suite prints it. */
export function scoreTable(suite: string, rows: Score[]): string {
  const head = ['detector', 'malicious caught', 'benign quiet', 'precision', 'recall'];
  const body = rows.map((r) => [
    r.detector,
    `${r.truePositives}/${r.truePositives + r.falseNegatives}`,
    `${r.trueNegatives}/${r.trueNegatives + r.falsePositives}`,
    pct(r.precision),
    pct(r.recall),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [`scenario scores: ${suite}`, line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join(
    '\n',
  );
}

/** Prints the table and keeps it as JSON under test-artifacts/scenario-scores/, one file per suite. */
export function reportScores(suite: string, rows: Score[]): void {
  process.stdout.write(`\n${scoreTable(suite, rows)}\n`);
  const dir = path.join(process.cwd(), 'test-artifacts', 'scenario-scores');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${suite}.json`), JSON.stringify(rows, null, 2));
}
