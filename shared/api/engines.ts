import { z } from 'zod';
import { defineOp } from './define.js';
import { EndpointSchema, EngineStateSchema, EngineViewSchema } from '../domain/engine.js';

/** What the "add remote host" form sends: a name and an endpoint. Keys are referenced by path, never sent. */
export const EngineDraftSchema = z.object({
  name: z.string().trim().min(1).max(128),
  endpoint: EndpointSchema,
  apiVersion: z.string().regex(/^v?\d+\.\d+$/).optional(),
});
export type EngineDraft = z.infer<typeof EngineDraftSchema>;

/** Result of a test connection: what the engine said, or why it could not be reached. */
export const EngineTestResultSchema = z.object({
  ok: z.boolean(),
  errorCode: z.string().optional(),
  message: z.string().max(2048),
  serverVersion: z.string().optional(),
  apiVersion: z.string().optional(),
  os: z.string().optional(),
  containers: z.number().int().optional(),
  elapsedMs: z.number(),
});
export type EngineTestResult = z.infer<typeof EngineTestResultSchema>;

const EngineRef = z.object({ engineId: z.string().min(1).max(128) });

/** Saved remote hosts and connection management. */
export const engineOps = {
  'engines.add': defineOp(EngineDraftSchema, EngineViewSchema),
  'engines.test': defineOp(EngineDraftSchema, EngineTestResultSchema, { timeoutMs: 60_000 }),
  'engines.remove': defineOp(EngineRef.extend({ confirm: z.literal(true).optional() }), z.object({ removed: z.boolean() }), { mutates: true }),
  'engines.reconnect': defineOp(EngineRef, EngineStateSchema, { timeoutMs: 60_000 }),
  'engines.rediscover': defineOp(z.object({}), z.array(EngineViewSchema)),
};
