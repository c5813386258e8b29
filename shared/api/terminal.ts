import { z } from 'zod';
import { defineOp } from './define.js';
import { boundedString, LIMITS } from '../domain/bounds.js';

const SessionRef = z.object({ sessionId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) });
const Size = z.object({ cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500) });

/** Where a finished exec recording went: the case store when there is one, else the data directory. */
export const RecordingSchema = z.object({
  path: boundedString(LIMITS.path),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int(),
  format: z.literal('asciicast-v2'),
  storedIn: z.enum(['case', 'data-dir']),
  collectedBy: z.string(),
  collectedAt: z.string(),
});
export type Recording = z.infer<typeof RecordingSchema>;

export const TerminalSessionSchema = z.object({
  sessionId: z.string(),
  mode: z.enum(['logs', 'exec']),
  containerId: z.string(),
  tty: z.boolean(),
  /** The container's name, already clipped; the UI shows it as text, never as a terminal title. */
  title: boundedString(LIMITS.name),
});
export type TerminalSession = z.infer<typeof TerminalSessionSchema>;

const OpenBase = z
  .object({
    engineId: z.string().min(1).max(128),
    containerId: z.string().regex(/^[0-9a-f]{12,64}$/),
    tail: z.number().int().min(0).max(10_000).default(500),
  })
  .merge(Size.partial());

export const terminalOps = {
  /** Read-only: follows the container's logs; no stdin reaches the container. */
  'terminal.logs': defineOp(OpenBase, TerminalSessionSchema),
  /**
   * Runs a command in the container (default `sh`) with a TTY. It changes the container: the exec shows in its event
   * history and the command may change its files, so it is a mutation and needs `confirm: true`.
   */
  'terminal.exec': defineOp(
    OpenBase.extend({
      cmd: z.array(z.string().max(LIMITS.command)).min(1).max(64).optional(),
      confirm: z.literal(true),
    }),
    TerminalSessionSchema,
    { mutates: true },
  ),
  'terminal.input': defineOp(SessionRef.extend({ data: z.string().max(65_536) }), z.object({ accepted: z.boolean() })),
  'terminal.resize': defineOp(SessionRef.merge(Size), z.object({ ok: z.boolean() })),
  'terminal.close': defineOp(SessionRef, z.object({ recording: RecordingSchema.optional() })),
};

/** Pushed to the UI: output chunks and the end of a session. */
export const TerminalDataSchema = z.object({ sessionId: z.string(), data: z.string().max(262_144) });
export const TerminalExitSchema = z.object({
  sessionId: z.string(),
  reason: boundedString(LIMITS.summary),
  exitCode: z.number().int().optional(),
  recording: RecordingSchema.optional(),
});
