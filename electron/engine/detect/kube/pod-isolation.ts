import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

/** The sysctls the Pod Security Standards' baseline allows; any other is set for the whole node or its network. */
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);

/** Kernel isolation switched off in a pod spec: seccomp Unconfined, an unmasked /proc, unsafe sysctls. */
export const kubeIsolationDisabled: Detector = {
  meta: {
    id: 'kube-isolation-disabled',
    title: 'Kubernetes workload turns off kernel isolation',
    strategy: ['ADS-evasion'],
    attack: ['T1611', 'T1562.001'],
    severity: 'medium',
    kind: 'state',
    dataSources: ['Kubernetes API: seccompProfile, procMount and sysctls of pod specs and workload templates'],
    goal: 'Find workloads that disable the kernel\'s guards (Pod Security Standards baseline "Seccomp", "/proc Mount Type" and "Sysctls"): a seccomp profile of Unconfined opens every syscall, an Unmasked /proc exposes the host\'s kernel knobs, and sysctls outside the safe set change the node.',
    blindSpots: ['An unset seccomp profile (the runtime default on recent clusters, Unconfined on older ones) is not reported.', 'AppArmor and SELinux settings are not read.'],
    falsePositives: ['Profilers and debuggers that need every syscall, and network appliances tuning sysctls. Allowlist with a versioned suppression on `match.namespace` or `match.image`.'],
    response: ['Remove the setting or use a Localhost seccomp profile that allows what the workload needs.'],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const w of ev.kube ? rootsOf(ev.kube) : []) {
      const t = w.template;
      if (t.seccomp === 'Unconfined') hits.push(workloadHit(w, undefined, { ref: 'seccomp:pod', summary: `${oneLine(wlabel(w), 160)} runs its pod with seccomp Unconfined: every syscall is open to its containers.`, evidence: [objectRef(ev, w, 'spec.securityContext.seccompProfile.type=Unconfined')] }));
      const unsafe = t.sysctls.filter((s) => !SAFE_SYSCTLS.has(s));
      if (unsafe.length) hits.push(workloadHit(w, undefined, { ref: `sysctls:${unsafe.sort().join(',')}`, summary: `${oneLine(wlabel(w), 160)} sets sysctls outside the safe set: ${oneLine(unsafe.join(', '), 200)}.`, evidence: [objectRef(ev, w, `spec.securityContext.sysctls=${unsafe.join(',')}`)] }));
      for (const c of t.containers) {
        if (c.seccomp === 'Unconfined') hits.push(workloadHit(w, c, { ref: `seccomp:${c.name}`, summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} runs with seccomp Unconfined.`, evidence: [objectRef(ev, w, `spec.containers[${c.name}].securityContext.seccompProfile.type=Unconfined`)] }));
        if (c.procMount === 'Unmasked') hits.push(workloadHit(w, c, { ref: `procmount:${c.name}`, summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} mounts /proc unmasked: the host kernel's /proc/sys and /proc/sysrq-trigger are reachable.`, evidence: [objectRef(ev, w, `spec.containers[${c.name}].securityContext.procMount=Unmasked`)], severity: 'high' }));
      }
    }
    return hits;
  },
};
