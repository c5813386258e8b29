import type { ContainerSummary } from '@shared/domain/container.js';

/** Labels a Kubernetes engine's rows carry (set by the engine from the pod and its owning controller). */
const NS = 'io.kubernetes.pod.namespace';
const WORKLOAD = 'stowaway.kube.workload';

export type RailItem =
  | { type: 'namespace'; key: string; label: string; count: number }
  | { type: 'workload'; key: string; label: string; count: number }
  | { type: 'container'; key: string; container: ContainerSummary };

/** True when every row is a pod container of a cluster: the rail then groups them by namespace and workload. */
export const isKubeList = (cs: ContainerSummary[]) =>
  cs.length > 0 && cs.every((c) => c.labels[NS] !== undefined && c.labels[WORKLOAD] !== undefined);

/**
 * The rail's rows: for a cluster, namespaces → workloads → pod containers, each header counting its containers;
 * for a Docker engine, the containers as given. The order within a workload keeps the order the rows came in.
 */
export function railItems(cs: ContainerSummary[]): RailItem[] {
  if (!isKubeList(cs)) return cs.map((c) => ({ type: 'container', key: c.id, container: c }));
  const byNs = new Map<string, Map<string, ContainerSummary[]>>();
  for (const c of cs) {
    const ns = c.labels[NS]!;
    const wl = c.labels[WORKLOAD]!;
    const w = byNs.get(ns) ?? new Map<string, ContainerSummary[]>();
    byNs.set(ns, w);
    w.set(wl, [...(w.get(wl) ?? []), c]);
  }
  const items: RailItem[] = [];
  for (const ns of [...byNs.keys()].sort()) {
    const wls = byNs.get(ns)!;
    items.push({
      type: 'namespace',
      key: `ns\u0000${ns}`,
      label: ns,
      count: [...wls.values()].reduce((n, l) => n + l.length, 0),
    });
    for (const wl of [...wls.keys()].sort()) {
      const list = wls.get(wl)!;
      items.push({ type: 'workload', key: `wl\u0000${ns}\u0000${wl}`, label: wl, count: list.length });
      for (const c of list) items.push({ type: 'container', key: c.id, container: c });
    }
  }
  return items;
}
