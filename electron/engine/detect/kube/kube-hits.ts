import type { KubeAuditEvent } from '@shared/domain/evidence-set.js';
import type { EvidenceRef } from '@shared/domain/finding.js';
import type { ClusterEvidence, KubeContainer, KubeWorkload, WorkloadKind } from '@shared/domain/kube-evidence.js';
import { workloadTree, type WorkloadTree } from '../../kube/workload-tree.js';
import type { Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';

/**
 * How cluster findings name their subject and their evidence: the workload (kind/namespace/name) and the
 * container, the API page the object was listed in (its hash), and the audit event for audit findings.
 */

const trees = new WeakMap<ClusterEvidence, WorkloadTree>();

/** The workloads to judge, once per scan (top-level controllers and bare pods). */
export function rootsOf(c: ClusterEvidence): KubeWorkload[] {
  let t = trees.get(c);
  if (!t) trees.set(c, (t = workloadTree(c.workloads)));
  return t.roots.filter((w) => w.kind !== 'ReplicaSet' || !w.owner);
}

export const RESOURCE_OF: Record<WorkloadKind, string> = {
  Pod: 'pods',
  Deployment: 'deployments',
  DaemonSet: 'daemonsets',
  StatefulSet: 'statefulsets',
  ReplicaSet: 'replicasets',
  Job: 'jobs',
  CronJob: 'cronjobs',
};
const KIND_OF: Record<string, WorkloadKind> = Object.fromEntries(
  Object.entries(RESOURCE_OF).map(([k, v]) => [v, k as WorkloadKind]),
);
export const kindOfResource = (resource: string): WorkloadKind | undefined => KIND_OF[resource];

export const wlabel = (w: { kind: string; namespace?: string; name?: string }) =>
  `${w.kind.toLowerCase()}/${w.namespace ?? 'default'}/${w.name ?? '?'}`;

/** Reference to the listed object, with the hash of the first page of its resource (the list it came from). */
export function objectRef(
  ev: { artifacts: Array<{ kind: string; sourceCall: string; sha256: string }> },
  w: KubeWorkload,
  excerpt: string,
): EvidenceRef {
  const res = RESOURCE_OF[w.kind];
  const page = ev.artifacts.find((a) => a.kind === 'kube-api' && new RegExp(`/${res}\\?`).test(a.sourceCall));
  return ref('inspect', `kube:${wlabel(w)}`, excerpt, page?.sha256);
}

/** A hit on a workload (and one of its containers). */
export function workloadHit(w: KubeWorkload, c: KubeContainer | undefined, h: Omit<Hit, 'subject' | 'workload'>): Hit {
  const name = `${wlabel(w)}${c ? `/${c.name}` : ''}`;
  return {
    ...h,
    subject: {
      id: `kube:${w.kind}/${w.namespace}/${w.name}`,
      name: oneLine(name, 256),
      image: c?.image ?? w.template.containers[0]?.image,
      labels: w.labels,
    },
    workload: { kind: w.kind, namespace: w.namespace, name: w.name, ...(c ? { container: c.name } : {}) },
  };
}

/** The audit record as evidence: who, what, when, from where. */
export function auditRef(a: KubeAuditEvent, extra = ''): EvidenceRef {
  const target = `${a.namespace ? `${a.namespace}/` : ''}${a.resource}${a.name ? `/${a.name}` : ''}`;
  return ref(
    'event',
    `audit ${a.auditID ?? a.time} ${a.verb} ${target}`,
    `${a.time} user=${oneLine(a.user, 80)}${a.groups?.length ? ` groups=${oneLine(a.groups.join(','), 120)}` : ''} verb=${a.verb} ${oneLine(target, 200)} sourceIPs=${a.sourceIPs.join(',')}${a.userAgent ? ` userAgent=${oneLine(a.userAgent, 80)}` : ''}${extra ? ` ${extra}` : ''}`,
  );
}

/** The subject of an audit finding: the workload when the resource is one, else the object. */
export function auditHit(a: KubeAuditEvent, h: Omit<Hit, 'subject' | 'workload'>): Hit {
  const kind = kindOfResource(a.resource.split('/')[0]!);
  const target = `${a.resource}/${a.namespace ?? '-'}/${a.name ?? '?'}`;
  return {
    ...h,
    at: a.time,
    user: a.user,
    subject: {
      id: `kube:${kind ?? a.resource}/${a.namespace ?? '-'}/${a.name ?? '?'}`,
      name: oneLine(kind ? `${kind.toLowerCase()}/${a.namespace ?? 'default'}/${a.name ?? '?'}` : target, 256),
      image: a.images[0],
    },
    ...(kind && a.name ? { workload: { kind, namespace: a.namespace ?? 'default', name: a.name } } : {}),
  };
}

/** Every container of a workload's pod template, regular ones first. */
export const containersOf = (w: KubeWorkload): KubeContainer[] => w.template.containers;

/** Reference to a listed object that is not a workload (a binding, a service, a ConfigMap), with its page's hash. */
export function listedRef(
  ev: { artifacts: Array<{ kind: string; sourceCall: string; sha256: string }> },
  resource: string,
  label: string,
  excerpt: string,
): EvidenceRef {
  const page = ev.artifacts.find((a) => a.kind === 'kube-api' && new RegExp(`/${resource}\\?`).test(a.sourceCall));
  return ref('inspect', `kube:${label}`, excerpt, page?.sha256);
}

/** A hit on a listed object that is not a workload: `kind/namespace/name` names it. */
export function objectHit(
  kind: string,
  namespace: string | undefined,
  name: string,
  h: Omit<Hit, 'subject' | 'workload'>,
): Hit {
  return {
    ...h,
    subject: {
      id: `kube:${kind}/${namespace ?? '-'}/${name}`,
      name: oneLine(`${kind.toLowerCase()}/${namespace ? `${namespace}/` : ''}${name}`, 256),
    },
  };
}
