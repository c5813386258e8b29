import { z } from 'zod';
import { defineOp } from './define.js';
import { SinceSchema } from './scan.js';

const Collection = z.object({
  /** kubeconfig context of the cluster. */
  context: z.string().min(1).max(256),
  /** Collector image; a copy in the cluster's own registry, or the one a release publishes. */
  image: z.string().min(1).max(512),
  since: SinceSchema,
  /** Label selector of the nodes to collect from; every node when absent. */
  nodes: z.string().min(1).max(1024).optional(),
});

export const NodeOutcomeSchema = z.object({
  node: z.string(),
  job: z.string(),
  status: z.enum(['collected', 'failed']),
  file: z.string().optional(),
  sha256: z.string().optional(),
  size: z.number().int().optional(),
  error: z.string().max(4096).optional(),
});

/** How far a cluster collection is: nodes done of all, and what happened last. */
export const KubeCollectProgressSchema = z.object({
  done: z.number().int(),
  total: z.number().int(),
  message: z.string().max(512),
});

/** Evidence from every node of a cluster, gathered by the cluster itself: one short-lived collector Job per node. */
export const kubeCollectOps = {
  /** The namespace and Jobs a collection would create, and nothing created. */
  'kube.collectPlan': defineOp(
    Collection,
    z.object({ manifests: z.array(z.record(z.string(), z.unknown())).max(5001) }),
    { timeoutMs: 120_000 },
  ),
  /**
   * Runs the Jobs, writes each node's bundle (<node>.tar.gz) and collection.json into `outDir` on this machine, and
   * removes everything it created, also when the call is aborted. Progress comes as kube.collect.progress events.
   */
  'kube.collect': defineOp(
    Collection.extend({
      outDir: z.string().min(1).max(4096),
      timeoutMs: z
        .number()
        .int()
        .positive()
        .max(7 * 86_400_000),
      confirm: z.literal(true),
    }),
    z.object({
      context: z.string(),
      runId: z.string(),
      namespace: z.string(),
      startedAt: z.string(),
      finishedAt: z.string(),
      nodes: z.array(NodeOutcomeSchema).max(5000),
      cleanup: z.array(z.string().max(4096)).max(10_000),
    }),
    { mutates: true, timeoutMs: 7 * 86_400_000 },
  ),
};
