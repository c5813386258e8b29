import { z } from 'zod';

/** How Stowaway reaches an engine: the same endpoint kinds the docker CLI understands, plus kubeconfig. */
export const EndpointSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('unix'), socketPath: z.string() }),
  z.object({ type: z.literal('npipe'), pipePath: z.string() }),
  z.object({
    type: z.literal('tcp'),
    host: z.string(),
    port: z.number().int().min(1).max(65535),
    tls: z
      .object({
        caPath: z.string().optional(),
        certPath: z.string().optional(),
        keyPath: z.string().optional(),
        verify: z.boolean().default(true),
      })
      .optional(),
    /**
     * Plain tcp, or TLS that skips verifying the server certificate, must be asked for explicitly: anyone on
     * the path can read the traffic and drive the engine.
     */
    allowInsecure: z.boolean().default(false),
  }),
  z.object({
    type: z.literal('ssh'),
    host: z.string(),
    port: z.number().int().min(1).max(65535).default(22),
    user: z.string().optional(),
    /** Path to a private key; keys themselves are never stored. */
    identityFile: z.string().optional(),
    knownHostsPath: z.string().optional(),
  }),
  z.object({ type: z.literal('kubernetes'), kubeconfigPath: z.string(), context: z.string() }),
  /** An offline evidence bundle opened as a read-only case: answers from what was collected, never a live call. */
  z.object({ type: z.literal('bundle'), path: z.string().max(4096), caseId: z.string().max(128) }),
]);
export type Endpoint = z.infer<typeof EndpointSchema>;

export const EngineSourceSchema = z.enum(['default', 'env', 'context', 'kubeconfig', 'saved', 'cli', 'bundle']);

/** An engine the analyst can connect to. */
export const EngineConfigSchema = z.object({
  id: z.string().min(1).max(128),
  name: z.string().min(1).max(256),
  kind: z.enum(['docker', 'kubernetes']),
  source: EngineSourceSchema,
  endpoint: EndpointSchema,
  current: z.boolean().default(false),
  description: z.string().max(1024).optional(),
  /** Engine API version pinned on the client (DOCKER_API_VERSION); unset lets the engine pick its own. */
  apiVersion: z
    .string()
    .regex(/^v?\d+\.\d+$/)
    .optional(),
});
export type EngineConfig = z.infer<typeof EngineConfigSchema>;

export const ConnectionStatusSchema = z.enum(['idle', 'connecting', 'connected', 'lost', 'failed']);
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

/** Connection state of one engine, as the status bar and engine picker show it. */
export const EngineStateSchema = z.object({
  engineId: z.string(),
  status: ConnectionStatusSchema,
  reason: z.string().max(2048).optional(),
  errorCode: z.string().optional(),
  serverVersion: z.string().optional(),
  apiVersion: z.string().optional(),
  os: z.string().optional(),
  since: z.string(),
  retryInMs: z.number().optional(),
  /** The host key an ssh engine presented when it was refused as unknown or changed, so the UI can ask about it. */
  hostKey: z
    .object({
      host: z.string().max(300),
      port: z.number().int(),
      keyType: z.string().max(64),
      fingerprint: z.string().max(100),
      /** For a changed key: the fingerprint known_hosts records. */
      recordedFingerprint: z.string().max(100).optional(),
    })
    .optional(),
});
export type EngineState = z.infer<typeof EngineStateSchema>;

/**
 * Why a connection to an engine can be read and driven by anyone on the network path: plain tcp, or TLS whose
 * server certificate is not verified. Absent for every other transport.
 */
export const InsecureTransportSchema = z.enum(['plain-tcp', 'tls-unverified']);
export type InsecureTransport = z.infer<typeof InsecureTransportSchema>;

export const EngineViewSchema = EngineConfigSchema.extend({
  state: EngineStateSchema,
  insecure: InsecureTransportSchema.optional(),
});
export type EngineView = z.infer<typeof EngineViewSchema>;
export type HostKeyInfo = NonNullable<EngineState['hostKey']>;
