import type { ContainerDetail } from '@shared/domain/container.js';
import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';

/** The namespaces compared, and whether the container's configuration shares each with the host on purpose. */
const KINDS: Array<{ ns: 'mnt' | 'pid' | 'net'; what: string; configured: (d: ContainerDetail) => boolean }> = [
  { ns: 'mnt', what: 'mount', configured: () => false },
  { ns: 'pid', what: 'PID', configured: (d) => d.pidMode === 'host' },
  { ns: 'net', what: 'network', configured: (d) => d.networkMode === 'host' },
];

/**
 * A process counted in a container (its cgroup) but living in the host's namespaces: it entered them with
 * nsenter/setns from inside (an escape that keeps the container as cover), or it was a host process moved
 * into the container's cgroup to hide among its processes.
 */
export const namespaceEscape: Detector = {
  meta: {
    id: 'namespace-escape',
    title: "Container process in the host's namespaces",
    strategy: ['ADS-evasion'],
    attack: ['T1611', 'T1564'],
    severity: 'critical',
    kind: 'live',
    dataSources: [
      'host-side /proc/PID/ns/{mnt,pid,net} of every process in the container cgroup, and of the host PID 1',
      'container configuration (PID and network modes)',
    ],
    goal: "Find processes that the container's cgroup holds but that run in the host's mount, PID or network namespace the container was not configured to share: `nsenter -t 1 -m -p` from a container with --pid host and CAP_SYS_ADMIN, or a host process written into the container's cgroup.procs to pass as one of its processes.",
    blindSpots: [
      'Needs host access to /proc: over a remote API or from a bundle without host process data nothing is compared.',
      "Namespaces other than the host's (a process that unshared a fresh namespace) are not reported: sandboxes do that legitimately.",
      "A process that escaped and then left the container's cgroup is no longer counted in the container at all.",
    ],
    falsePositives: [
      'Debug and monitoring agents run with `nsenter` by an operator into a container cgroup. Suppress by image or label, with a `ref` glob such as `ns:mnt:*`.',
    ],
    response: [
      "Treat it as an escape: read the process's exe, cmdline and parent from the host, and what it touched on the host filesystem.",
      'Find how the container got the means (host PID namespace, CAP_SYS_ADMIN, privileged) and who started it.',
      'Stop the process and the container after preserving /proc evidence; review the host for persistence.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const snap = c.processes.host;
      const host = snap?.hostNs;
      if (!snap || !host) continue;
      const d = c.container;
      for (const p of snap.processes) {
        if (!p.ns) continue;
        const entered = KINDS.filter(
          (k) => p.ns?.[k.ns] !== undefined && p.ns[k.ns] === host[k.ns] && !k.configured(d),
        );
        if (!entered.length) continue;
        // The host's mount namespace is its filesystem: the escape itself. Sharing only PIDs or the network is less.
        const worst = entered.some((k) => k.ns === 'mnt') ? 'critical' : 'high';
        hits.push({
          container: c,
          ref: `ns:${entered.map((k) => k.ns).join('+')}:${oneLine(p.comm, 40)}`,
          summary: `Process ${p.pid} (${oneLine(p.cmdline || p.comm, 120)}) is counted in ${d.name} but runs in the host's ${entered.map((k) => k.what).join(', ')} namespace${entered.length > 1 ? 's' : ''}.`,
          evidence: [
            ref(
              'process',
              `pid ${p.pid}`,
              oneLine(
                `${entered.map((k) => `${k.ns} ${p.ns?.[k.ns]} = host ${host[k.ns]}`).join('; ')}; exe ${p.exe ?? '?'}; cmdline ${p.cmdline || p.comm}`,
                600,
              ),
            ),
          ],
          severity: worst,
        });
      }
    }
    return hits;
  },
};
