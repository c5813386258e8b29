import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

const FLAGS = [
  {
    key: 'hostPID',
    severity: 'high',
    attack: ['T1611', 'T1057'],
    why: 'sees and can signal every process of the node',
  },
  { key: 'hostIPC', severity: 'medium', attack: ['T1611'], why: "shares the node's System V IPC and /dev/shm" },
  {
    key: 'hostNetwork',
    severity: 'medium',
    attack: ['T1611', 'T1040'],
    why: "listens and sniffs on the node's interfaces and reaches node-local services",
  },
] as const;

/** Workloads sharing the node's PID, IPC or network namespace. */
export const kubeHostNamespaces: Detector = {
  meta: {
    id: 'kube-host-namespaces',
    title: 'Kubernetes workload shares host namespaces',
    strategy: ['ADS-evasion'],
    attack: ['T1611', 'T1057', 'T1040'],
    severity: 'medium',
    kind: 'state',
    dataSources: [
      'Kubernetes API: pod specs (hostPID, hostIPC, hostNetwork) of pods and workload templates; container host ports',
    ],
    goal: 'Find workloads in the node\'s PID, IPC or network namespace (Pod Security Standards baseline "Host Namespaces" and "Host Ports"): processes there see the node\'s processes, shared memory or interfaces, the usual first step of an escape or of sniffing other pods.',
    blindSpots: [
      'Host ports without hostNetwork are reported at low severity only.',
      'Namespaces joined at run time (nsenter from a privileged pod) show only on the node.',
    ],
    falsePositives: [
      'kube-proxy, CNI agents and node exporters use hostNetwork or hostPID by design. Allowlist with a versioned suppression on `match.namespace` or `match.image`.',
    ],
    response: [
      "Check the workload's owner and need; remove the host namespace or confine it to a system namespace.",
      "For hostPID, review the node's processes for anything the pod could have touched.",
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const w of ev.kube ? rootsOf(ev.kube) : []) {
      for (const f of FLAGS) {
        if (!w.template[f.key]) continue;
        hits.push(
          workloadHit(w, undefined, {
            ref: `host:${f.key}`,
            summary: `${oneLine(wlabel(w), 160)} runs with ${f.key}: it ${f.why}.`,
            evidence: [objectRef(ev, w, `spec.${f.key}=true`)],
            severity: f.severity,
            attack: [...f.attack],
          }),
        );
      }
      if (w.template.hostNetwork) continue;
      for (const c of w.template.containers) {
        if (c.hostPorts.length === 0) continue;
        hits.push(
          workloadHit(w, c, {
            ref: `hostport:${c.name}`,
            summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} binds host port ${c.hostPorts.join(', ')} on its node.`,
            evidence: [objectRef(ev, w, `spec.containers[${c.name}].ports[].hostPort=${c.hostPorts.join(',')}`)],
            severity: 'low',
            attack: ['T1611'],
          }),
        );
      }
    }
    return hits;
  },
};
