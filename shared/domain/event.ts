import { z } from 'zod';
import { boundedString, LabelsSchema, LIMITS } from './bounds.js';

/** An engine event (docker events, or a Kubernetes audit/event record mapped to the same shape). */
export const EngineEventSchema = z.object({
  engineId: z.string(),
  time: z.string(),
  timeNano: z.number().optional(),
  type: z.string().max(64),
  action: boundedString(LIMITS.command),
  actorId: z.string().max(256),
  actorName: boundedString(LIMITS.name).optional(),
  attributes: LabelsSchema,
  /** Set when Stowaway's own call (top, archive read, export, exec) caused the event: its footprint, not the evidence's. */
  byStowaway: z.object({ call: z.string().max(32), at: z.string() }).optional(),
});
export type EngineEvent = z.infer<typeof EngineEventSchema>;
