import { readFile, stat } from 'node:fs/promises';
import { EngineEvidenceSchema, type EngineEvidence } from '@shared/domain/evidence-set.js';
import type { Finding } from '@shared/domain/finding.js';
import { AppError } from '@shared/errors.js';
import { readBundle } from '../../bundle/read-bundle.js';
import { runDetectors } from '../run-detectors.js';
import type { RuleDetector } from './rule-detector.js';

/** Largest evidence JSON read for a rule test: a saved scan of a big engine, not an unbounded file. */
const EVIDENCE_MAX_BYTES = 512 * 1024 * 1024;

export interface RuleTestResult {
  rule: RuleDetector;
  matches: Finding[];
}

/**
 * Recorded evidence to test rules on: an evidence set saved as JSON (the `evidence.json` of a bundle, or an object with
 * an `evidence` member), or an evidence bundle as `stowaway collect` writes it, checked like any imported bundle.
 */
export async function loadRecordedEvidence(src: { evidence?: string; bundle?: string }): Promise<EngineEvidence> {
  if (src.bundle !== undefined) {
    const b = await readBundle(src.bundle);
    b.dispose();
    return b.evidence;
  }
  const file = src.evidence!;
  let text: string;
  try {
    if ((await stat(file)).size > EVIDENCE_MAX_BYTES) throw new Error(`over ${EVIDENCE_MAX_BYTES} bytes`);
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new AppError('NOT_FOUND', `Cannot read evidence ${file}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new AppError('VALIDATION', `${file} is not JSON: ${(e as Error).message}`);
  }
  const candidate =
    typeof doc === 'object' && doc !== null && 'evidence' in doc && !('engine' in doc)
      ? (doc as { evidence: unknown }).evidence
      : doc;
  const parsed = EngineEvidenceSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError(
      'VALIDATION',
      `${file} is not an evidence set: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** Runs only the rules over the evidence and says, rule by rule, what each matched (suppressions do not apply). */
export function testRules(
  rules: readonly RuleDetector[],
  evidence: EngineEvidence,
): { results: RuleTestResult[]; failures: Array<{ detector: string; message: string }> } {
  const r = runDetectors(evidence, { detectors: rules });
  return {
    results: rules.map((rule) => ({ rule, matches: r.findings.filter((f) => f.detector === rule.meta.id) })),
    failures: r.failures,
  };
}
