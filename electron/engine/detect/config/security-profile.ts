import type { Detector, Hit } from '../detector.js';
import { inspectRef } from '../lib/refs.js';

/** seccomp or AppArmor switched off for a single container. */
export const securityProfileDisabled: Detector = {
  meta: {
    id: 'security-profile-disabled',
    title: 'seccomp, AppArmor or SELinux disabled',
    strategy: ['ADS-evasion'],
    attack: ['T1562.001', 'T1611'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'container inspect: HostConfig.SecurityOpt, AppArmorProfile',
      'GET /info: SecurityOptions (whether the engine enforces SELinux)',
    ],
    goal: 'Find containers started with `--security-opt seccomp=unconfined`, `apparmor=unconfined` or `label=disable` (SELinux, CIS Docker 5.3), which remove the kernel filters that block most container escapes and are a typical step before one.',
    blindSpots: [
      'Custom seccomp profiles that allow dangerous syscalls are not parsed; only the unconfined setting is detected.',
      'Hosts without AppArmor report an empty profile for every container, which is not treated as unconfined.',
    ],
    falsePositives: [
      'Debugging and profiling sessions (strace, perf) in development. Suppress by image or a dev label with an expiry date.',
    ],
    response: [
      'Find who started the container with the profile disabled and why.',
      'Look for escape attempts: new mounts, unshare/nsenter processes, writes under /proc/sys or cgroup files.',
      'Recreate with the default profiles.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      if (c.container.privileged) continue;
      const opts = c.container.securityOpt.map((s) => s.replace(':', '=').toLowerCase());
      const seccomp = opts.includes('seccomp=unconfined');
      const apparmor = opts.includes('apparmor=unconfined') || c.container.appArmorProfile === 'unconfined';
      const selinuxOff = opts.includes('label=disable');
      const selinuxHost = ev.info?.securityOptions.some((o) => o.includes('name=selinux')) ?? false;
      if (seccomp)
        hits.push({
          container: c,
          ref: 'seccomp',
          summary: `Container ${c.container.name} runs without a seccomp filter (seccomp=unconfined).`,
          evidence: [inspectRef(c, 'HostConfig.SecurityOpt', c.container.securityOpt.join(' '))],
        });
      if (apparmor)
        hits.push({
          container: c,
          ref: 'apparmor',
          summary: `Container ${c.container.name} runs without AppArmor confinement (apparmor=unconfined).`,
          evidence: [
            inspectRef(c, 'AppArmorProfile', `AppArmorProfile: ${c.container.appArmorProfile || 'unconfined'}`),
          ],
          severity: 'medium',
        });
      if (selinuxOff)
        hits.push({
          container: c,
          ref: 'selinux',
          summary: `Container ${c.container.name} runs with SELinux labelling disabled (label=disable)${selinuxHost ? '' : '; this engine does not enforce SELinux, so it changes nothing here but will on an SELinux host'}.`,
          evidence: [inspectRef(c, 'HostConfig.SecurityOpt', c.container.securityOpt.join(' '))],
          severity: selinuxHost ? 'high' : 'low',
        });
    }
    return hits;
  },
};
