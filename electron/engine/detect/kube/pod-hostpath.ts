import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

/**
 * Host paths whose mount hands a pod the node: the root, runtime sockets, kernel interfaces, the kubelet's and
 * etcd's state (credentials of the node and of the cluster).
 */
const SENSITIVE: Array<{ re: RegExp; why: string; severity: 'critical' | 'high' }> = [
  { re: /^\/+$/, why: "the node's whole filesystem", severity: 'critical' },
  {
    re: /^\/(var\/)?run\/(docker|containerd\/containerd|crio\/crio|cri-dockerd|podman\/podman)\.sock$|^\/(var\/)?run\/(containerd|crio|docker)\/?$|^\/var\/run\/?$|^\/run\/?$/,
    why: 'a container runtime socket: it starts containers on the node outside Kubernetes',
    severity: 'critical',
  },
  { re: /^\/(proc|sys)(\/|$)/, why: "the node's kernel interfaces", severity: 'high' },
  { re: /^\/etc(\/|$)/, why: "the node's configuration (users, kubelet config, cron)", severity: 'high' },
  {
    re: /^\/var\/lib\/kubelet(\/|$)/,
    why: "the kubelet's state: every pod's volumes and service-account tokens",
    severity: 'critical',
  },
  {
    re: /^\/var\/lib\/etcd(\/|$)|^\/etc\/kubernetes(\/|$)/,
    why: "the cluster's etcd data or control-plane credentials",
    severity: 'critical',
  },
  { re: /^\/(root|home)(\/|$)/, why: 'home directories on the node (SSH keys, kubeconfigs)', severity: 'high' },
  {
    re: /^\/(boot|dev|lib\/modules|usr|bin|sbin|var\/lib\/docker|var\/lib\/containerd)(\/|$)/,
    why: 'node binaries, devices or container storage',
    severity: 'high',
  },
];

/** A host path kube-hostpath-mount reports (trailing slashes ignored). */
export const isSensitiveHostPath = (path: string): boolean =>
  SENSITIVE.some((x) => x.re.test(path.replace(/\/+$/, '') || '/'));

export const kubeHostPathMount: Detector = {
  meta: {
    id: 'kube-hostpath-mount',
    title: 'Kubernetes workload mounts a sensitive host path',
    strategy: ['ADS-evasion'],
    attack: ['T1611', 'T1552.001'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'Kubernetes API: hostPath volumes of pod specs and workload templates, and the containers that mount them',
    ],
    goal: 'Find workloads mounting `/`, a container runtime socket, `/proc`, `/sys`, `/etc`, the kubelet\'s or etcd\'s directories, home directories or node binaries from the host (Pod Security Standards baseline "HostPath Volumes"). Any of these gives the pod the node.',
    blindSpots: [
      'Other host paths (/var/log, /tmp, data directories) are not reported; a writable /var/log can still be abused through symlinks.',
      'Paths are compared as written: `/./etc` or a symlinked path on the node are not resolved.',
    ],
    falsePositives: [
      'Log shippers (/var/log, read-only), CNI and CSI agents (/etc/cni, /var/lib/kubelet/plugins) and security sensors (/proc, the runtime socket) in system namespaces. Allowlist with a versioned suppression on `match.namespace` or `match.image` and `maxSeverity`.',
    ],
    response: [
      'Check the owner and need; remove the mount or make it read-only and narrower.',
      'For unexplained pods, collect the node: treat it as compromised if the pod could write there.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const w of ev.kube ? rootsOf(ev.kube) : []) {
      for (const v of w.template.volumes) {
        if (v.hostPath === undefined) continue;
        const p = v.hostPath.replace(/\/+$/, '') || '/';
        const s = SENSITIVE.find((x) => x.re.test(p));
        if (!s) continue;
        const users = w.template.containers.filter((c) => c.mounts.some((m) => m.volume === v.name));
        const c = users.length === 1 ? users[0] : undefined;
        const ro = users.length > 0 && users.every((u) => u.mounts.find((m) => m.volume === v.name)?.readOnly);
        hits.push(
          workloadHit(w, c, {
            ref: `hostpath:${p}`,
            summary: `${oneLine(wlabel(w), 160)} mounts host path ${oneLine(v.hostPath, 120)}, ${s.why}${users.length ? `, into ${users.map((u) => `${oneLine(u.name, 40)}:${oneLine(u.mounts.find((m) => m.volume === v.name)?.path ?? '?', 80)}`).join(', ')}` : ''}${ro ? ' (read-only)' : ''}.`,
            evidence: [objectRef(ev, w, `spec.volumes[${v.name}].hostPath.path=${v.hostPath}`)],
            severity: ro && s.severity === 'critical' && !/sock$|^\/(var\/)?run/.test(p) ? 'high' : s.severity,
          }),
        );
      }
    }
    return hits;
  },
};
