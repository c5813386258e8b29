import { z } from 'zod';
import { clip, LIMITS } from './limits.js';

export { clip, LIMITS } from './limits.js';

/** A string schema that clips instead of rejecting: hostile input is shown bounded, never dropped. */
export const boundedString = (max: number) => z.string().transform((s) => clip(s, max));

/** Labels map, bounded in count and size. */
export const LabelsSchema = z.record(z.string(), z.string()).transform((labels) => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels).slice(0, LIMITS.labels))
    out[clip(k, LIMITS.name)] = clip(v, LIMITS.label);
  return out;
});
