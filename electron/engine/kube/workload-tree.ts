import type { KubeWorkload, WorkloadRef } from '@shared/domain/kube-evidence.js';

/**
 * Which object an analyst acts on for a pod: the controller at the top of its owner chain (Pod -> ReplicaSet ->
 * Deployment, Pod -> Job -> CronJob). Detectors judge that object once instead of every replica, and a pod
 * whose owner is not in the inventory (or that has none) is judged itself.
 */
export interface WorkloadTree {
  /** Workloads to judge: top-level controllers and pods without a listed controller; no ReplicaSets owned by a Deployment. */
  roots: KubeWorkload[];
  /** The top owner of any workload (itself when it has none in the inventory). */
  rootOf(w: KubeWorkload): KubeWorkload;
  /** Pods under a root (for the node cross-view and risk per container). */
  podsOf(root: KubeWorkload): KubeWorkload[];
}

export function workloadTree(workloads: readonly KubeWorkload[]): WorkloadTree {
  const byUid = new Map<string, KubeWorkload>();
  for (const w of workloads) byUid.set(w.uid, w);
  const ownerOf = (w: KubeWorkload): KubeWorkload | undefined => {
    if (!w.owner) return undefined;
    const o = w.owner.uid ? byUid.get(w.owner.uid) : undefined;
    return o && o.namespace === w.namespace ? o : undefined;
  };
  const memo = new Map<string, KubeWorkload>();
  const rootOf = (w: KubeWorkload): KubeWorkload => {
    const hit = memo.get(w.uid);
    if (hit) return hit;
    let cur = w;
    for (let i = 0; i < 4; i++) {
      const o = ownerOf(cur);
      if (!o) break;
      cur = o;
    }
    memo.set(w.uid, cur);
    return cur;
  };
  const roots: KubeWorkload[] = [];
  const pods = new Map<string, KubeWorkload[]>();
  for (const w of workloads) {
    const r = rootOf(w);
    if (r === w) roots.push(w);
    if (w.kind === 'Pod') {
      const list = pods.get(r.uid) ?? [];
      list.push(w);
      pods.set(r.uid, list);
    }
  }
  return { roots, rootOf, podsOf: (root) => pods.get(root.uid) ?? [] };
}

export const workloadRef = (w: KubeWorkload, container?: string): WorkloadRef => ({
  kind: w.kind,
  namespace: w.namespace,
  name: w.name,
  ...(container !== undefined ? { container } : {}),
});
export const workloadLabel = (w: Pick<WorkloadRef, 'kind' | 'namespace' | 'name'>) =>
  `${w.kind.toLowerCase()}/${w.namespace}/${w.name}`;
