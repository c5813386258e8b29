import { z } from 'zod';
import { defineOp } from './define.js';
import { DetectorMetaSchema, FindingSchema, StrategySchema } from '../domain/finding.js';
import { EngineEvidenceSchema } from '../domain/evidence-set.js';

export const StrategyInfoSchema = z.object({
  id: StrategySchema,
  title: z.string(),
  tactic: z.string(),
  reportAttack: z.string(),
});

/** A named baseline: an allowlist shipped with Stowaway for a known kind of host (CI runners, say). */
export const BaselineInfoSchema = z.object({ name: z.string(), reason: z.string(), detectors: z.array(z.string()) });

/** A rule file's problem, at the line of the offending node. */
export const RuleErrorSchema = z.object({
  file: z.string().max(4096),
  line: z.number().int(),
  message: z.string().max(4096),
});

const Path = z.string().min(1).max(4096);

/** The detector catalogue, for the UI (finding details, coverage views, scan options). */
export const detectorOps = {
  'detectors.list': defineOp(
    z.object({}),
    z.object({
      detectors: z.array(DetectorMetaSchema),
      strategies: z.array(StrategyInfoSchema),
      baselines: z.array(BaselineInfoSchema).default([]),
    }),
  ),
  /**
   * Built-in detectors and those of a rules directory (by default the data directory's rules folder, which may be
   * absent), with the problems of invalid rules; `markdown` adds the catalogue as DETECTORS.md renders it.
   */
  'detectors.catalogue': defineOp(
    z.object({ rulesDir: Path.optional(), markdown: z.boolean().default(false) }),
    z.object({
      dir: z.string(),
      strategies: z.record(StrategySchema, StrategyInfoSchema.omit({ id: true })),
      // Rule ids are the analyst's (site.sleeper-implant): wider than the built-ins' lower-case names.
      detectors: z.array(DetectorMetaSchema.extend({ id: z.string().min(1).max(128) })),
      ruleCount: z.number().int(),
      ruleErrors: z.array(RuleErrorSchema),
      markdown: z.string().optional(),
    }),
  ),
  /** Runs the rules of a directory against recorded evidence (an evidence.json file or a bundle) and says what each matched. */
  'detectors.test': defineOp(
    z
      .object({ rulesDir: Path, evidence: Path.optional(), bundle: Path.optional() })
      .refine((v) => (v.evidence === undefined) !== (v.bundle === undefined), 'give one of evidence or bundle'),
    z.object({
      dir: z.string(),
      engine: EngineEvidenceSchema.shape.engine,
      collectedAt: z.string(),
      rules: z.array(
        z.object({
          id: z.string(),
          version: z.number().int(),
          source: z.string().optional(),
          file: z.string(),
          line: z.number().int(),
          matches: z.array(FindingSchema),
        }),
      ),
      errors: z.array(RuleErrorSchema),
      failures: z.array(z.object({ detector: z.string(), message: z.string() })),
    }),
    { timeoutMs: 300_000 },
  ),
};
