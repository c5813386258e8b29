import { z } from 'zod';
import { defineOp } from './define.js';
import { EndpointSchema, EngineConfigSchema, EngineStateSchema, EngineViewSchema } from '../domain/engine.js';

const HostKeySchema = EngineStateSchema.shape.hostKey;

/** What the "add remote host" form sends: a name and an endpoint. Keys are referenced by path, never sent. */
export const EngineDraftSchema = z.object({
  name: z.string().trim().min(1).max(128),
  endpoint: EndpointSchema,
  apiVersion: z
    .string()
    .regex(/^v?\d+\.\d+$/)
    .optional(),
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
  /** Set when the host key was unknown or changed: what the trust prompt shows. */
  hostKey: HostKeySchema,
});
export type EngineTestResult = z.infer<typeof EngineTestResultSchema>;

const EngineRef = z.object({ engineId: z.string().min(1).max(128) });

/**
 * Trust an ssh host key the analyst verified out of band: by a known engine, or by an endpoint (the add-host
 * form, before the host is saved). The key the host presents must have exactly this fingerprint.
 */
export const TrustHostKeyInputSchema = z
  .object({
    engineId: z.string().min(1).max(128).optional(),
    endpoint: z
      .object({
        host: z.string().trim().min(1).max(255),
        port: z.number().int().min(1).max(65535).default(22),
        knownHostsPath: z.string().max(4096).optional(),
      })
      .optional(),
    /** HOST, HOST:PORT, [HOST]:PORT or ssh://[user@]HOST[:PORT], as the analyst types it on the command line. */
    target: z.string().trim().min(1).max(512).optional(),
    fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a SHA256:... fingerprint as ssh-keygen -l prints it'),
    /** How long to wait for the host to present its key. */
    timeoutMs: z.number().int().min(100).max(600_000).optional(),
    confirm: z.literal(true).optional(),
  })
  .refine(
    (v) => [v.engineId, v.endpoint, v.target].filter(Boolean).length === 1,
    'give one of engineId, endpoint or target',
  );
export const TrustHostKeyResultSchema = z.object({
  added: z.boolean(),
  file: z.string(),
  line: z.string().max(20_000),
  host: z.string(),
  fingerprint: z.string(),
  keyType: z.string(),
});
export type TrustHostKeyResult = z.infer<typeof TrustHostKeyResultSchema>;

/** The engine a headless command names: its flags chosen as the docker CLI chooses, and why its transport is unsafe. */
export const ResolvedTargetSchema = z.object({
  engine: EngineConfigSchema,
  url: z.string().max(4096),
  insecureWhy: z.string().max(512).optional(),
});
export type ResolvedTarget = z.infer<typeof ResolvedTargetSchema>;

/** Every engine discovery finds, with its URL and, when checked, the state a connection found. */
export const ContextListingSchema = z.object({
  currentBy: z.string().max(512),
  engines: z
    .array(EngineConfigSchema.extend({ url: z.string().max(4096), state: EngineStateSchema.optional() }))
    .max(1000),
  warnings: z.array(z.string().max(4096)).max(200),
});
export type ContextListing = z.infer<typeof ContextListingSchema>;

/** Saved remote hosts and connection management. */
export const engineOps = {
  'engines.add': defineOp(EngineDraftSchema, EngineViewSchema),
  'engines.test': defineOp(EngineDraftSchema, EngineTestResultSchema, { timeoutMs: 60_000 }),
  'engines.remove': defineOp(
    EngineRef.extend({ confirm: z.literal(true).optional() }),
    z.object({ removed: z.boolean() }),
    { mutates: true },
  ),
  'engines.reconnect': defineOp(EngineRef, EngineStateSchema, { timeoutMs: 60_000 }),
  'engines.rediscover': defineOp(z.object({}), z.array(EngineViewSchema)),
  'engines.trustHostKey': defineOp(TrustHostKeyInputSchema, TrustHostKeyResultSchema, {
    mutates: true,
    timeoutMs: 60_000,
  }),
  /** Why some configured engines are missing: broken docker contexts, unreadable kubeconfig, corrupt engines.json. */
  /** What `stowaway contexts` lists: every engine found; with `check`, each connected once on its own (not the ones in use). */
  'engines.discover': defineOp(
    z.object({ check: z.boolean().default(false), timeoutMs: z.number().int().min(100).max(600_000).default(10_000) }),
    ContextListingSchema,
    { timeoutMs: 660_000 },
  ),
  'engines.warnings': defineOp(z.object({}), z.object({ warnings: z.array(z.string().max(2048)).max(200) })),
  /**
   * --host > --context > DOCKER_HOST > DOCKER_CONTEXT > current context: the engine is registered (replacing one of
   * the same id with another endpoint) so that later operations can name it. With `engineId`, a known engine.
   */
  'engines.resolve': defineOp(
    z.object({
      engineId: z.string().min(1).max(128).optional(),
      context: z.string().min(1).max(256).optional(),
      host: z.string().min(1).max(4096).optional(),
      allowInsecure: z.boolean().optional(),
    }),
    ResolvedTargetSchema,
  ),
};
