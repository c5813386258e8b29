import { z } from 'zod';
import { defineOp } from './define.js';
import { boundedString, LIMITS } from '../domain/bounds.js';
import { SeveritySchema } from '../domain/finding.js';
import { SocketStateSchema } from '../domain/network.js';

/** Upper bounds of one graph: beyond these the view would stop being readable, so the rest is counted, not drawn. */
export const GRAPH_LIMITS = { nodes: 5000, edges: 20_000 } as const;

/** 'service' is a Kubernetes Service; on a cluster's graph 'container' nodes are pods. */
export const NetNodeKindSchema = z.enum(['container', 'process', 'listener', 'endpoint', 'service']);
export type NetNodeKind = z.infer<typeof NetNodeKindSchema>;

/** One node of the engine's network graph: a container, a process in it, a listening port, or a remote address. */
export const NetNodeSchema = z.object({
  id: z.string().max(512),
  kind: NetNodeKindSchema,
  label: boundedString(LIMITS.name),
  containerId: z.string().optional(),
  pid: z.number().int().optional(),
  address: z.string().max(256).optional(),
  port: z.number().int().optional(),
  protocol: z.string().max(16).optional(),
  /** Docker networks the node belongs to (containers and their children), for grouping. */
  networks: z.array(boundedString(LIMITS.name)).max(64).default([]),
  /** Remote endpoints outside every container's network: the ones an analyst looks at first. */
  external: z.boolean().default(false),
});
export type NetNode = z.infer<typeof NetNodeSchema>;

/** 'selects': a Service's selector picks a pod; 'allowed': NetworkPolicies (or their absence) let the source reach the target. */
export const NetEdgeKindSchema = z.enum(['owns', 'listen', 'connection', 'selects', 'allowed']);
export const DirectionSchema = z.enum(['inbound', 'outbound', 'internal', 'listen', 'owns']);
export type Direction = z.infer<typeof DirectionSchema>;

export const NetEdgeSchema = z.object({
  id: z.string().max(1024),
  source: z.string().max(512),
  target: z.string().max(512),
  kind: NetEdgeKindSchema,
  direction: DirectionSchema,
  protocol: z.string().max(16).optional(),
  state: SocketStateSchema.optional(),
  localAddress: z.string().max(256).optional(),
  localPort: z.number().int().optional(),
  remoteAddress: z.string().max(256).optional(),
  remotePort: z.number().int().optional(),
  /** Number of sockets folded into this edge (same endpoints, ports and state). */
  count: z.number().int().default(1),
  /** On a cluster's graph: whether the declared NetworkPolicies allow this observed connection. */
  policy: z.enum(['allowed', 'denied']).optional(),
});
export type NetEdge = z.infer<typeof NetEdgeSchema>;

export const NetGroupSchema = z.object({
  id: z.string(),
  name: boundedString(LIMITS.name),
  members: z.array(z.string()).max(GRAPH_LIMITS.nodes),
});
export type NetGroup = z.infer<typeof NetGroupSchema>;

export const NetGraphSchema = z.object({
  engineId: z.string(),
  collectedAt: z.string(),
  nodes: z.array(NetNodeSchema).max(GRAPH_LIMITS.nodes),
  edges: z.array(NetEdgeSchema).max(GRAPH_LIMITS.edges),
  groups: z.array(NetGroupSchema).max(1024),
  /**
   * How the sockets were read; 'none' means the engine gives no socket view (remote engine without host access),
   * 'declared' a cluster drawn only from its pods, services and NetworkPolicies, with no node's sockets joined.
   */
  access: z.enum(['host', 'api', 'none', 'declared']),
  truncated: z.object({ nodes: z.number().int(), edges: z.number().int() }),
  errors: z.array(z.object({ containerId: z.string().optional(), message: boundedString(LIMITS.summary) })).max(1024),
});
export type NetGraph = z.infer<typeof NetGraphSchema>;

/** Exported for the view: finding colours are joined in the UI, so the graph stays pure socket facts. */
export const FindingMarkSchema = z.object({ severity: SeveritySchema, title: z.string() });

export const investigateNetworkOps = {
  'investigate.network': defineOp(z.object({ engineId: z.string().min(1).max(128) }), NetGraphSchema, {
    timeoutMs: 120_000,
  }),
};
