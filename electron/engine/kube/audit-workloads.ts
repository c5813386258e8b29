import type { KubeConfig } from '@kubernetes/client-node';
import { clip, LIMITS } from '@shared/domain/bounds.js';
import { KubeAuditEventSchema, type KubeAuditEvent } from '@shared/domain/evidence-set.js';
import { imagesOf, podFlags } from './audit-log.js';
import { loadClientNode } from './kube-config.js';

/**
 * The workloads a cluster runs now, read from the API server, in the same shape as audit records (verb
 * `list`), so the deployment allowlist and the privileged-workload checks apply to clusters whose audit
 * log is not available. Who created a workload is unknown from a listing; the field manager is shown instead.
 */

export const MAX_WORKLOADS = 20_000;

type Workload = {
  metadata?: {
    name?: string;
    namespace?: string;
    creationTimestamp?: Date | string;
    managedFields?: Array<{ manager?: string }>;
  };
  spec?: unknown;
};

function toEvent(
  kind: 'deployments' | 'daemonsets' | 'statefulsets',
  w: Workload,
  observedAt: string,
): KubeAuditEvent | undefined {
  const spec = w.spec as { template?: { spec?: Record<string, unknown> } } | undefined;
  const podSpec = spec?.template?.spec;
  const created = w.metadata?.creationTimestamp;
  const parsed = KubeAuditEventSchema.safeParse({
    time: created ? new Date(created).toISOString() : observedAt,
    verb: 'list',
    user: clip(`field manager: ${w.metadata?.managedFields?.[0]?.manager ?? 'unknown'}`, LIMITS.name),
    namespace: w.metadata?.namespace,
    resource: kind,
    name: w.metadata?.name !== undefined ? clip(w.metadata.name, LIMITS.name) : undefined,
    images: imagesOf(podSpec),
    podFlags: podFlags(podSpec),
  });
  return parsed.success ? parsed.data : undefined;
}

/** Lists deployments, daemonsets and statefulsets of every namespace through the context's API server. */
export async function listWorkloads(kc: KubeConfig, observedAt = new Date().toISOString()): Promise<KubeAuditEvent[]> {
  const { AppsV1Api } = await loadClientNode();
  const apps = kc.makeApiClient(AppsV1Api);
  const [deployments, daemonsets, statefulsets] = await Promise.all([
    apps.listDeploymentForAllNamespaces(),
    apps.listDaemonSetForAllNamespaces(),
    apps.listStatefulSetForAllNamespaces(),
  ]);
  const out: KubeAuditEvent[] = [];
  const add = (kind: 'deployments' | 'daemonsets' | 'statefulsets', items: Workload[]) => {
    for (const w of items) {
      if (out.length >= MAX_WORKLOADS) return;
      const e = toEvent(kind, w, observedAt);
      if (e) out.push(e);
    }
  };
  add('deployments', deployments.items as Workload[]);
  add('daemonsets', daemonsets.items as Workload[]);
  add('statefulsets', statefulsets.items as Workload[]);
  return out;
}
