import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

/** Capabilities that break the container boundary (high) or reach into the node's network and processes (medium). */
const ESCAPE = new Set([
  'ALL',
  'SYS_ADMIN',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_PTRACE',
  'DAC_READ_SEARCH',
  'BPF',
  'SYS_BOOT',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
]);
const RISKY = new Set([
  'NET_ADMIN',
  'NET_RAW',
  'PERFMON',
  'SYSLOG',
  'SYS_TIME',
  'DAC_OVERRIDE',
  'SETFCAP',
  'LINUX_IMMUTABLE',
  'IPC_LOCK',
  'SYS_RESOURCE',
]);

export const kubeDangerousCapabilities: Detector = {
  meta: {
    id: 'kube-dangerous-capabilities',
    title: 'Kubernetes workload adds dangerous capabilities',
    strategy: ['ADS-evasion'],
    attack: ['T1611', 'T1068'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'Kubernetes API: securityContext.capabilities.add of every container of pod specs and workload templates',
    ],
    goal: "Find containers given capabilities beyond the Pod Security Standards baseline: SYS_ADMIN, SYS_MODULE, SYS_PTRACE, DAC_READ_SEARCH, BPF or ALL open escapes (high); NET_ADMIN, NET_RAW and similar reach the node's network or processes (medium).",
    blindSpots: [
      'The runtime\'s default set (which includes NET_RAW on Docker and containerd) is not reported unless added explicitly; restricted\'s "drop ALL" is checked only by the Pod Security Standards table.',
      'Privileged containers hold every capability and are reported by kube-privileged-pod instead.',
    ],
    falsePositives: [
      'CNI agents (NET_ADMIN, NET_RAW), eBPF sensors (BPF, PERFMON, SYS_ADMIN) and debuggers in system namespaces. Allowlist with a versioned suppression on `match.namespace` or `match.image`.',
    ],
    response: [
      'Ask the owner which capability is needed and drop the rest (`drop: [ALL]`, add back one).',
      'For unexplained escape capabilities, collect the nodes the pods ran on.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const w of ev.kube ? rootsOf(ev.kube) : []) {
      for (const c of w.template.containers) {
        if (c.privileged) continue;
        const esc = c.capAdd.filter((x) => ESCAPE.has(x));
        const risky = c.capAdd.filter((x) => RISKY.has(x));
        if (!esc.length && !risky.length) continue;
        const all = [...esc, ...risky];
        hits.push(
          workloadHit(w, c, {
            ref: `caps:${c.name}:${all.sort().join(',')}`,
            summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} adds ${all.join(', ')}${esc.length ? ': enough to leave the container' : ''}.`,
            evidence: [
              objectRef(ev, w, `spec.containers[${c.name}].securityContext.capabilities.add=${all.join(',')}`),
            ],
            severity: esc.length ? 'high' : 'medium',
          }),
        );
      }
    }
    return hits;
  },
};
