import { FindingSchema, severityRank, type Finding } from '@shared/domain/finding.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import type { Suppression } from '@shared/domain/suppression.js';
import type { Detector, Hit } from './detector.js';
import { findingId } from './finding-id.js';
import { DetectPolicySchema, type DetectPolicyInput } from './policy.js';
import { DETECTORS } from './registry.js';
import { findSuppression, suppressionLabel } from './suppress.js';

export { DETECTORS } from './registry.js';
export { riskScore } from './risk-score.js';
export type { Suppression } from '@shared/domain/suppression.js';

export interface RunOptions {
  suppressions?: Suppression[];
  policy?: DetectPolicyInput;
  /** Run only these detector ids (default: all). */
  only?: string[];
  detectors?: readonly Detector[];
}

export interface DetectorFailure {
  detector: string;
  message: string;
}

export interface DetectionResult {
  findings: Finding[];
  /** Findings an allowlist or baseline covered, each with `suppressedBy`; reported, never dropped. */
  suppressed: Finding[];
  /** A detector that threw is reported here and the others still run. */
  failures: DetectorFailure[];
}

function toFinding(d: Detector, hit: Hit, evidence: EngineEvidence): Finding {
  const c = hit.container?.container ?? hit.subject;
  return FindingSchema.parse({
    id: findingId(d.meta.id, evidence.engine.id, c?.id, hit.ref),
    detector: d.meta.id,
    title: d.meta.title,
    severity: hit.severity ?? d.meta.severity,
    attack: hit.attack && hit.attack.length > 0 ? hit.attack : d.meta.attack,
    kind: d.meta.kind,
    engineId: evidence.engine.id,
    container: c ? { id: c.id, name: c.name } : undefined,
    workload: hit.workload,
    evidence: hit.evidence.slice(0, 64),
    summary: hit.summary,
    cause: (hit.cause ?? hit.ref.split(':')[0] ?? d.meta.id).slice(0, 256),
    firstSeen: hit.at ?? evidence.collectedAt,
    state: 'new',
  });
}

/**
 * Runs every detector over one engine's evidence. Pure: the same evidence, policy and suppressions give the
 * same findings with the same ids. Findings are sorted worst first; duplicates (same id) are merged.
 */
export function runDetectors(evidence: EngineEvidence, opts: RunOptions = {}): DetectionResult {
  const policy = DetectPolicySchema.parse(opts.policy ?? {});
  const suppressions = opts.suppressions ?? [];
  const detectors = (opts.detectors ?? DETECTORS).filter((d) => !opts.only || opts.only.includes(d.meta.id));
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  const failures: DetectorFailure[] = [];
  const seen = new Set<string>();
  const engineIds = [evidence.engine.id, evidence.engine.name];

  for (const d of detectors) {
    let hits: Hit[];
    try {
      hits = d.detect(evidence, { policy });
    } catch (e) {
      failures.push({ detector: d.meta.id, message: (e as Error).message });
      continue;
    }
    for (const hit of hits) {
      const f = toFinding(d, hit, evidence);
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      const c = hit.container?.container ?? hit.subject;
      const s = findSuppression(
        { finding: f, ref: hit.ref, image: c?.image, labels: c?.labels, engineIds, user: hit.user },
        suppressions,
        evidence.collectedAt,
      );
      if (s) suppressed.push({ ...f, state: 'suppressed', suppressedBy: suppressionLabel(s) });
      else findings.push(f);
    }
  }
  const bySeverity = (a: Finding, b: Finding) =>
    severityRank(b.severity) - severityRank(a.severity) ||
    a.detector.localeCompare(b.detector) ||
    a.id.localeCompare(b.id);
  return { findings: findings.sort(bySeverity), suppressed: suppressed.sort(bySeverity), failures };
}
