import { z } from 'zod';
import { defineOp } from './define.js';
import { EngineEventSchema } from '../domain/event.js';

/** Most events one timeline call returns; older ones are dropped first and the cut is reported. */
export const TIMELINE_MAX_EVENTS = 5000;

const isoOrUnix = z.union([z.string().datetime({ offset: true }), z.number().int().nonnegative()]);

export const timelineOps = {
  /** Engine events in a closed window (Engine API events with since/until: the stream ends by itself). */
  'timeline.events': defineOp(
    z.object({
      engineId: z.string().min(1).max(128),
      since: isoOrUnix,
      until: isoOrUnix.optional(),
      containerId: z
        .string()
        .regex(/^[0-9a-f]{12,64}$/)
        .optional(),
    }),
    z.object({
      events: z.array(EngineEventSchema).max(TIMELINE_MAX_EVENTS),
      since: z.string(),
      until: z.string(),
      truncated: z.number().int(),
    }),
    { timeoutMs: 60_000 },
  ),
};
