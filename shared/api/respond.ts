import { z } from 'zod';
import { defineOp } from './define.js';

export const RespondActionSchema = z.enum(['isolate', 'pause', 'unpause', 'stop', 'preserve']);

const ManifestItem = z.object({
  kind: z.string().max(64),
  source: z.string().max(2048),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  note: z.string().max(512).optional(),
});

export const RespondResultSchema = z.object({
  action: RespondActionSchema,
  caseId: z.string(),
  containerId: z.string(),
  outcome: z.string().max(8192),
  manifest: z
    .object({
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      items: z.array(ManifestItem).max(5000),
      notes: z.array(z.string().max(1024)).max(5000),
    })
    .optional(),
});
export type RespondResult = z.infer<typeof RespondResultSchema>;

export const respondOps = {
  /** Containment or preservation of one container, written to the case's custody log before and after it runs. */
  'respond.run': defineOp(
    z.object({
      engineId: z.string().min(1).max(128),
      containerId: z.string().regex(/^[0-9a-f]{12,64}$/),
      action: RespondActionSchema,
      /** The current case when absent. */
      caseId: z.string().min(1).max(128).optional(),
      memoryPid: z.number().int().positive().optional(),
      memoryBytes: z
        .number()
        .int()
        .positive()
        .max(256 << 20)
        .optional(),
      confirm: z.literal(true),
    }),
    RespondResultSchema,
    { mutates: true, timeoutMs: 300_000 },
  ),
};
