import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

/** The sysctls the Pod Security Standards' baseline allows; any other is set for the whole node or its network. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

/** SELinux types the Pod Security Standards' baseline allows; any other (spc_t, unconfined_t) lifts the container's label. */
const SAFE_SELINUX_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
/** The SELinux options outside the baseline: a type outside the container types, or any user or role. */
const badSeLinux = (opts: string[] | undefined) =>
  (opts ?? []).filter(
    (o) =>
      (o.startsWith('type=') && !SAFE_SELINUX_TYPES.has(o.slice(5))) || o.startsWith('user=') || o.startsWith('role='),
  );

/** Kernel isolation switched off in a pod spec: seccomp or AppArmor Unconfined, custom SELinux labels, an unmasked /proc, unsafe sysctls. */
export const kubeIsolationDisabled: Detector = {
  meta: {
    id: 'kube-isolation-disabled',
    title: 'Kubernetes workload turns off kernel isolation',
    strategy: ['ADS-evasion'],
    attack: ['T1611', 'T1562.001'],
    severity: 'medium',
    kind: 'state',
    dataSources: [
      'Kubernetes API: seccompProfile, appArmorProfile (and the `container.apparmor.security.beta.kubernetes.io/*` annotations), seLinuxOptions, procMount and sysctls of pod specs and workload templates',
    ],
    goal: 'Find workloads that disable the kernel\'s guards (Pod Security Standards baseline "Seccomp", "AppArmor", "SELinux", "/proc Mount Type" and "Sysctls"): a seccomp profile of Unconfined opens every syscall, an AppArmor profile of Unconfined lifts the runtime\'s mandatory access control, an SELinux type such as spc_t (or a custom user or role) runs the container outside its label, an Unmasked /proc exposes the host\'s kernel knobs, and sysctls outside the safe set change the node.',
    blindSpots: [
      'An unset seccomp profile (the runtime default on recent clusters, Unconfined on older ones) is not reported.',
      'Localhost AppArmor and seccomp profiles are trusted as named: their content on the node is not read.',
      'Whether the node enforces AppArmor or SELinux at all is not visible through the API.',
    ],
    falsePositives: [
      'Profilers and debuggers that need every syscall, and network appliances tuning sysctls. Allowlist with a versioned suppression on `match.namespace` or `match.image`.',
    ],
    response: ['Remove the setting or use a Localhost seccomp profile that allows what the workload needs.'],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const w of ev.kube ? rootsOf(ev.kube) : []) {
      const t = w.template;
      if (t.seccomp === 'Unconfined')
        hits.push(
          workloadHit(w, undefined, {
            ref: 'seccomp:pod',
            summary: `${oneLine(wlabel(w), 160)} runs its pod with seccomp Unconfined: every syscall is open to its containers.`,
            evidence: [objectRef(ev, w, 'spec.securityContext.seccompProfile.type=Unconfined')],
          }),
        );
      if (t.appArmor === 'Unconfined')
        hits.push(
          workloadHit(w, undefined, {
            ref: 'apparmor:pod',
            summary: `${oneLine(wlabel(w), 160)} runs its pod with AppArmor Unconfined.`,
            evidence: [objectRef(ev, w, 'spec.securityContext.appArmorProfile.type=Unconfined')],
          }),
        );
      const podSel = badSeLinux(t.seLinux);
      if (podSel.length)
        hits.push(
          workloadHit(w, undefined, {
            ref: `selinux:pod:${podSel.join(',')}`,
            summary: `${oneLine(wlabel(w), 160)} sets SELinux options outside the container types: ${oneLine(podSel.join(', '), 120)}.`,
            evidence: [objectRef(ev, w, `spec.securityContext.seLinuxOptions ${podSel.join(' ')}`)],
            severity: podSel.some((o) => /^type=(spc_t|unconfined_t)$/.test(o)) ? 'high' : 'medium',
          }),
        );
      const unsafe = t.sysctls.filter((s) => !SAFE_SYSCTLS.has(s));
      if (unsafe.length)
        hits.push(
          workloadHit(w, undefined, {
            ref: `sysctls:${unsafe.sort().join(',')}`,
            summary: `${oneLine(wlabel(w), 160)} sets sysctls outside the safe set: ${oneLine(unsafe.join(', '), 200)}.`,
            evidence: [objectRef(ev, w, `spec.securityContext.sysctls=${unsafe.join(',')}`)],
          }),
        );
      for (const c of t.containers) {
        if (c.seccomp === 'Unconfined')
          hits.push(
            workloadHit(w, c, {
              ref: `seccomp:${c.name}`,
              summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} runs with seccomp Unconfined.`,
              evidence: [objectRef(ev, w, `spec.containers[${c.name}].securityContext.seccompProfile.type=Unconfined`)],
            }),
          );
        if (c.appArmor === 'Unconfined')
          hits.push(
            workloadHit(w, c, {
              ref: `apparmor:${c.name}`,
              summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} runs with AppArmor Unconfined.`,
              evidence: [
                objectRef(
                  ev,
                  w,
                  `spec.containers[${c.name}] AppArmor profile Unconfined (appArmorProfile or annotation)`,
                ),
              ],
            }),
          );
        const sel = badSeLinux(c.seLinux);
        if (sel.length)
          hits.push(
            workloadHit(w, c, {
              ref: `selinux:${c.name}:${sel.join(',')}`,
              summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} sets SELinux options outside the container types: ${oneLine(sel.join(', '), 120)}.`,
              evidence: [
                objectRef(ev, w, `spec.containers[${c.name}].securityContext.seLinuxOptions ${sel.join(' ')}`),
              ],
              severity: sel.some((o) => /^type=(spc_t|unconfined_t)$/.test(o)) ? 'high' : 'medium',
            }),
          );
        if (c.procMount === 'Unmasked')
          hits.push(
            workloadHit(w, c, {
              ref: `procmount:${c.name}`,
              summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} mounts /proc unmasked: the host kernel's /proc/sys and /proc/sysrq-trigger are reachable.`,
              evidence: [objectRef(ev, w, `spec.containers[${c.name}].securityContext.procMount=Unmasked`)],
              severity: 'high',
            }),
          );
      }
    }
    return hits;
  },
};
