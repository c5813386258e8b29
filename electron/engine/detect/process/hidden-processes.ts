import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';

/**
 * Cross-view: a PID the host sees in the container's cgroup but the container's own /proc does not list.
 * Userland rootkits (preloaded readdir hooks) and bind mounts over /proc/PID hide processes from tools
 * inside the container; neither can change what the host sees.
 */
export const hiddenProcesses: Detector = {
  meta: {
    id: 'hidden-processes',
    title: 'Process hidden from the in-container view',
    strategy: ['ADS-evasion'],
    attack: ['T1564', 'T1014'],
    severity: 'critical',
    kind: 'live',
    dataSources: [
      'host view: container cgroup PIDs with NSpid from host /proc/PID/status',
      "in-container view: the container's own /proc (read through the host) or ps via exec",
    ],
    goal: 'Find processes present in the host view and absent from the in-container view: evidence of /proc hiding inside the container.',
    blindSpots: [
      'Needs both views; over a remote API without exec there is no in-container view.',
      'A kernel rootkit that hides from the host /proc as well is not seen (compare cgroup.procs with the host /proc listing on the node).',
      'Processes that start or exit between the two reads are ignored only when the views are taken close together.',
    ],
    falsePositives: [
      'Processes that exited or started between the host and in-container reads. The detector ignores processes whose start time is after the in-container read.',
    ],
    response: [
      "Trust only host-side views; list the hidden PID's exe, cmdline, sockets and maps from the host.",
      'Look for /etc/ld.so.preload and bind mounts over /proc (ld-preload, proc-bind-mount).',
      'Preserve memory, then stop the container.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const host = c.processes.host;
      const inside = c.processes.container;
      if (!host || !inside) continue;
      const seen = new Set(inside.processes.map((p) => p.pid));
      const insideAt = Date.parse(inside.collectedAt);
      for (const p of host.processes) {
        const flagged = p.flags.includes('hidden');
        const missing = p.nsPid !== undefined && !seen.has(p.nsPid);
        if (!flagged && !missing) continue;
        if (p.startTime && Date.parse(p.startTime) > insideAt) continue;
        hits.push({
          container: c,
          ref: `hidden:${p.nsPid ?? p.pid}:${p.exe ?? p.comm}`,
          summary: `Process ${oneLine(p.comm, 40)} (host pid ${p.pid}${p.nsPid !== undefined ? `, container pid ${p.nsPid}` : ''}) in ${c.container.name} is visible from the host but hidden inside the container.`,
          evidence: [
            ref(
              'process',
              `pid ${p.pid}`,
              `host view (${host.source}): ${oneLine(p.cmdline || p.comm, 300)}; absent from ${inside.source}`,
            ),
          ],
        });
      }
    }
    return hits;
  },
};
