import { z } from 'zod';
import { defineOp } from './define.js';
import { DetectorMetaSchema, StrategySchema } from '../domain/finding.js';

export const StrategyInfoSchema = z.object({ id: StrategySchema, title: z.string(), tactic: z.string(), reportAttack: z.string() });

/** A named baseline: an allowlist shipped with Stowaway for a known kind of host (CI runners, say). */
export const BaselineInfoSchema = z.object({ name: z.string(), reason: z.string(), detectors: z.array(z.string()) });

/** The detector catalogue, for the UI (finding details, coverage views, scan options). */
export const detectorOps = {
  'detectors.list': defineOp(
    z.object({}),
    z.object({ detectors: z.array(DetectorMetaSchema), strategies: z.array(StrategyInfoSchema), baselines: z.array(BaselineInfoSchema).default([]) }),
  ),
};
