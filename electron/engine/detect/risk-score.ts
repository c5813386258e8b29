import type { Finding, Severity } from '@shared/domain/finding.js';

/** How much one finding of each severity moves the score; critical alone already means "act now". */
const WEIGHT: Record<Severity, number> = { low: 0.03, medium: 0.12, high: 0.3, critical: 0.6 };

/**
 * 0..100: the probability-style union of the findings' weights, so many low findings never outrank one
 * critical, the score only grows as findings are added, and it never exceeds 100. Suppressed findings
 * are not passed in.
 */
export function riskScore(findings: readonly Finding[]): number {
  let clean = 1;
  for (const f of findings) {
    if (f.state === 'false-positive' || f.state === 'suppressed') continue;
    clean *= 1 - WEIGHT[f.severity];
  }
  return Math.round((1 - clean) * 100);
}
