import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';
import { auditHit, auditRef } from './kube-hits.js';

const CRITICAL =
  /^(privileged|hostPath:\/$|hostPath:\/var\/run\/docker\.sock$|hostPath:\/run\/containerd|cap:SYS_ADMIN$|cap:ALL$)/;

/** Kubernetes workloads created with privileged pod specs, read from the audit log (the Kubernetes side of the configuration detectors). */
export const kubePrivilegedWorkload: Detector = {
  meta: {
    id: 'kube-privileged-workload',
    title: 'Kubernetes workload created with host access',
    strategy: ['ADS-evasion', 'ADS-c2-abuse'],
    attack: ['T1610', 'T1611'],
    severity: 'high',
    kind: 'event',
    dataSources: [
      'Kubernetes audit log: create/update/patch of pods and workload controllers with their pod spec (privileged, hostPID, hostNetwork, hostIPC, hostPath volumes, added capabilities)',
      'Kubernetes API: pod templates of the deployments, daemonsets and statefulsets listed from the API server',
    ],
    goal: 'Find pods and controllers created or changed to run privileged, in host namespaces, with host paths or dangerous capabilities, the cluster-side form of a container escape setup.',
    blindSpots: [
      'Needs audit logging at Request or RequestResponse level for the request body; Metadata-level logs carry no spec.',
      "Pods created directly on a node's runtime bypass the API server and the audit log.",
    ],
    falsePositives: [
      'DaemonSets of node agents (CNI, CSI, monitoring) in system namespaces. Suppress by `match.ref` glob on namespace (e.g. `kube:kube-system/*`).',
    ],
    response: [
      'Identify the creator (audit user, source IP, user agent) and whether the namespace is meant for privileged workloads.',
      'Delete or scale down unauthorized workloads after preserving the manifest; review the nodes they ran on.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const a of ev.kubeAudit) {
      if (!['create', 'update', 'patch', 'list'].includes(a.verb) || a.podFlags.length === 0) continue;
      const risky = a.podFlags.filter((f) => f !== 'allowPrivilegeEscalation');
      if (risky.length === 0) continue;
      const target = `${a.namespace ?? 'default'}/${a.resource}/${a.name ?? '?'}`;
      const listed = a.verb === 'list';
      const base = {
        ref: `kube:${target}`,
        summary: `${a.verb === 'list' ? `The cluster runs ${oneLine(target, 120)} (${oneLine(a.user, 60)})` : `${oneLine(a.user, 60)} ${a.verb === 'create' ? 'created' : 'changed'} ${oneLine(target, 120)}`} with ${oneLine(risky.join(', '), 160)}.`,
        evidence: [
          listed
            ? ref(
                'event',
                `audit ${a.time} ${a.verb} ${target}`,
                `user=${oneLine(a.user, 80)} images=${oneLine(a.images.join(','), 200)} flags=${oneLine(a.podFlags.join(','), 300)}`,
              )
            : auditRef(a, `images=${oneLine(a.images.join(','), 200)} flags=${oneLine(a.podFlags.join(','), 300)}`),
        ],
        severity: risky.some((f) => CRITICAL.test(f)) ? ('critical' as const) : ('high' as const),
      };
      // The subject id stays the audit target, so findings keep their ids across versions.
      const hit = listed ? undefined : auditHit(a, base);
      hits.push({
        ...base,
        ...(hit ? { at: hit.at, user: hit.user, workload: hit.workload } : {}),
        subject: { id: target, name: `${a.resource}/${a.name ?? '?'}`, image: a.images[0] },
      });
    }
    return hits;
  },
};
