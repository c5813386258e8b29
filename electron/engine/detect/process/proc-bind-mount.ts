import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';

/** A mount on /proc/<number>: the runtime never masks numeric /proc entries, so this only hides a process. */
export const procBindMount: Detector = {
  meta: {
    id: 'proc-bind-mount',
    title: 'Mount over /proc/PID',
    strategy: ['ADS-evasion'],
    attack: ['T1564.013'],
    severity: 'critical',
    kind: 'live',
    dataSources: ["mount points from host /proc/PID/mountinfo of the container's processes"],
    goal: 'Find bind mounts over /proc/<pid> inside a container, a simple way to hide a process from ps and top without a rootkit (needs CAP_SYS_ADMIN).',
    blindSpots: [
      'Needs host access to mountinfo; over a remote API the mount table is not available.',
      'Hiding done in a separate mount namespace of a child process is seen only if that process is among those whose mountinfo was read.',
    ],
    falsePositives: [
      'None known: the runtime masks only non-numeric /proc paths (kcore, keys, timer_list, scsi, ...).',
    ],
    response: [
      'From the host, read /proc/<pid>/stat and exe of the covered PID to see what is hidden.',
      'Check how the container obtained CAP_SYS_ADMIN; stop it after preserving evidence.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      for (const m of c.mountPoints) {
        const hit = /^\/proc\/(\d+)(\/|$)/.exec(m);
        if (!hit) continue;
        hits.push({
          container: c,
          ref: `mount:${m}`,
          summary: `Something is mounted over ${oneLine(m, 80)} in ${c.container.name}, hiding process ${hit[1]} from in-container tools.`,
          evidence: [ref('process', m, `mount point ${oneLine(m, 200)} in the container mount table`)],
        });
      }
    }
    return hits;
  },
};
