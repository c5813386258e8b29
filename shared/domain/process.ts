import { z } from 'zod';
import { boundedString, LIMITS } from './bounds.js';

/** Where a process listing came from: the host side cannot be lied to from inside the container. */
export const ProcessViewSchema = z.enum(['host', 'container']);

export const ProcessFlagSchema = z.enum(['hidden', 'deleted-exe', 'memfd', 'masquerade', 'tmp-exe', 'kernel-thread-name', 'socket-stdio']);
export type ProcessFlag = z.infer<typeof ProcessFlagSchema>;

export const ProcessInfoSchema = z.object({
  pid: z.number().int(),
  ppid: z.number().int(),
  /** PID as seen inside the container's namespace, when known. */
  nsPid: z.number().int().optional(),
  user: boundedString(LIMITS.name),
  comm: boundedString(LIMITS.name),
  cmdline: boundedString(LIMITS.command),
  exe: boundedString(LIMITS.path).optional(),
  startTime: z.string().optional(),
  flags: z.array(ProcessFlagSchema).default([]),
});
export type ProcessInfo = z.infer<typeof ProcessInfoSchema>;

export const ProcessSnapshotSchema = z.object({
  containerId: z.string(),
  view: ProcessViewSchema,
  source: z.string(),
  collectedAt: z.string(),
  processes: z.array(ProcessInfoSchema).max(100_000),
});
export type ProcessSnapshot = z.infer<typeof ProcessSnapshotSchema>;
