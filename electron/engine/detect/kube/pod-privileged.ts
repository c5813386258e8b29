import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

/** Workloads whose containers run privileged: every device and capability of the node, the classic escape setup. */
export const kubePrivilegedPod: Detector = {
  meta: {
    id: 'kube-privileged-pod',
    title: 'Kubernetes workload runs privileged containers',
    strategy: ['ADS-evasion'],
    attack: ['T1610', 'T1611'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'Kubernetes API: pod specs of pods and of the pod templates of deployments, daemonsets, statefulsets, jobs and cronjobs (securityContext.privileged)',
    ],
    goal: 'Find workloads with a privileged container (Pod Security Standards baseline "Privileged Containers"): such a container can mount the node\'s disks, load kernel modules and leave its namespaces. Privileged together with the host PID namespace is critical.',
    blindSpots: [
      "Judges what the API server holds; a pod started straight on a node's runtime is shadow-container's.",
      "A container given every capability without `privileged` is kube-dangerous-capabilities'.",
    ],
    falsePositives: [
      'Node agents (CNI, CSI, monitoring, security sensors) in system namespaces. Allowlist with a versioned suppression on `match.namespace` (e.g. `kube-system`) or `match.image`.',
    ],
    response: [
      "Confirm the workload's owner and need; drop `privileged` or move it to a namespace enforcing the baseline profile.",
      'For unexplained workloads, preserve the manifest and collect the nodes they ran on.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const w of ev.kube ? rootsOf(ev.kube) : []) {
      for (const c of w.template.containers) {
        if (c.privileged !== true) continue;
        hits.push(
          workloadHit(w, c, {
            ref: `privileged:${c.name}`,
            summary: `${oneLine(wlabel(w), 160)} runs container ${oneLine(c.name, 60)} (${oneLine(c.image, 100)}) privileged${w.template.hostPID ? ' in the host PID namespace' : ''}.`,
            evidence: [
              objectRef(
                ev,
                w,
                `spec.containers[${c.name}].securityContext.privileged=true${w.template.hostPID ? '; spec.hostPID=true' : ''}`,
              ),
            ],
            severity: w.template.hostPID ? 'critical' : 'high',
          }),
        );
      }
    }
    return hits;
  },
};
