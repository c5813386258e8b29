import type { Detector, Hit } from '../detector.js';
import { inspectRef } from '../lib/refs.js';

/** Capabilities beyond Docker's default set that enable escapes or tampering, with why each matters. */
const DANGEROUS: Record<string, { why: string; severity: 'critical' | 'high' | 'medium' }> = {
  ALL: { why: 'every capability', severity: 'critical' },
  SYS_ADMIN: { why: 'mount, cgroup release_agent and namespace escapes', severity: 'critical' },
  SYS_MODULE: { why: 'loading kernel modules (rootkits)', severity: 'critical' },
  SYS_PTRACE: { why: 'reading and injecting into other processes', severity: 'high' },
  SYS_RAWIO: { why: 'raw device and port I/O', severity: 'high' },
  DAC_READ_SEARCH: { why: 'open_by_handle_at host file access (shocker)', severity: 'high' },
  SYS_BOOT: { why: 'rebooting the host', severity: 'high' },
  BPF: { why: 'loading eBPF programs that can hide activity', severity: 'high' },
  PERFMON: { why: 'kernel tracing', severity: 'medium' },
  NET_ADMIN: { why: 'changing routes and firewall rules', severity: 'medium' },
  LINUX_IMMUTABLE: { why: 'setting immutable/append-only flags that protect persistence', severity: 'medium' },
  SYS_TIME: { why: 'changing the host clock (log timestamps)', severity: 'medium' },
  MAC_ADMIN: { why: 'changing LSM policy', severity: 'high' },
  MAC_OVERRIDE: { why: 'overriding LSM policy', severity: 'high' },
  SYSLOG: { why: 'reading and clearing the kernel log', severity: 'medium' },
};

const norm = (cap: string) => cap.toUpperCase().replace(/^CAP_/, '');

/** Added capabilities that break container isolation, judged per capability. */
export const dangerousCapabilities: Detector = {
  meta: {
    id: 'dangerous-capabilities',
    title: 'Dangerous capability added',
    strategy: ['ADS-evasion'],
    attack: ['T1611', 'T1222.002', 'T1014'],
    severity: 'high',
    kind: 'state',
    dataSources: ['container inspect: HostConfig.CapAdd'],
    goal: "Find containers granted capabilities outside Docker's default set that allow escaping to the host (SYS_ADMIN, SYS_MODULE, DAC_READ_SEARCH), tampering with other processes (SYS_PTRACE) or hiding artifacts (LINUX_IMMUTABLE, BPF).",
    blindSpots: [
      'Capabilities a process gains later (file capabilities, setuid helpers inside the container) are not in inspect; CapEff in /proc/PID/status would be needed.',
      'Privileged containers are reported by privileged-container, not here.',
    ],
    falsePositives: [
      'Network appliances (NET_ADMIN), debuggers (SYS_PTRACE) and profilers (PERFMON, BPF) in development. Suppress by image with `ref` set to the capability (`cap:NET_ADMIN`).',
    ],
    response: [
      'Ask for the reason the capability was added; drop it if none.',
      'For SYS_ADMIN/SYS_MODULE/DAC_READ_SEARCH, check the host for new kernel modules, mounts and cgroup release_agent changes.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      if (c.container.privileged) continue;
      for (const raw of c.container.capAdd) {
        const cap = norm(raw);
        const d = DANGEROUS[cap];
        if (!d) continue;
        hits.push({
          container: c,
          ref: `cap:${cap}`,
          summary: `Container ${c.container.name} was given CAP_${cap}, which allows ${d.why}.`,
          evidence: [inspectRef(c, 'HostConfig.CapAdd', `CapAdd: ${c.container.capAdd.join(', ')}`)],
          severity: d.severity,
          attack:
            cap === 'LINUX_IMMUTABLE'
              ? ['T1222.002']
              : cap === 'BPF' || cap === 'SYS_MODULE'
                ? ['T1611', 'T1014']
                : ['T1611'],
        });
      }
    }
    return hits;
  },
};
