import { z } from 'zod';
import { defineOp } from './define.js';
import { DetectorMetaSchema, StrategySchema } from '../domain/finding.js';

export const StrategyInfoSchema = z.object({ id: StrategySchema, title: z.string(), tactic: z.string(), reportAttack: z.string() });

/** The detector catalogue, for the UI (finding details, coverage views). */
export const detectorOps = {
  'detectors.list': defineOp(z.object({}), z.object({ detectors: z.array(DetectorMetaSchema), strategies: z.array(StrategyInfoSchema) })),
};
