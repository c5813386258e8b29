import type { Detector, Hit } from '../detector.js';
import { hiddenComponent, inScratch } from '../lib/paths.js';
import { exeBase, processesOf } from '../lib/process.js';
import { oneLine, ref } from '../lib/refs.js';

/** Processes running from deleted files, anonymous memory (memfd) or scratch directories: code that avoids leaving a file to scan. */
export const suspiciousExe: Detector = {
  meta: {
    id: 'suspicious-exe-location',
    title: 'Process running from a deleted file, memory or scratch directory',
    strategy: ['ADS-evasion'],
    attack: ['T1620', 'T1070.004', 'T1036.005'],
    severity: 'high',
    kind: 'live',
    dataSources: ['host /proc/PID/exe link of every container process'],
    goal: 'Find fileless and self-deleting execution: exe links to "/memfd:..." or ending in "(deleted)", and binaries run from /tmp, /var/tmp, /dev/shm or dot-directories.',
    blindSpots: [
      'Needs host access to /proc (local engine); over a remote API only the command line is known and this detector stays silent.',
      'Short-lived processes that exited before collection are not seen (a kernel sensor on execve is needed).',
    ],
    falsePositives: [
      'Some runtimes unpack and run helpers from /tmp (self-extracting installers, JIT-packed tools), and package upgrades inside a running container leave "(deleted)" exe links. Suppress by image with a `ref` glob such as `exe:/tmp/installer-*`.',
    ],
    response: [
      'Dump the process memory or copy /proc/PID/exe from the host before stopping it (the file may only exist as long as the process does).',
      'Trace the parent process and how the binary arrived.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      for (const p of processesOf(c).list) {
        const exe = p.exe ?? '';
        if (!exe) continue;
        const deleted = exe.endsWith(' (deleted)') || p.flags.includes('deleted-exe');
        const memfd = exe.startsWith('/memfd:') || p.flags.includes('memfd');
        const path = exe.replace(/ \(deleted\)$/, '');
        const scratch = !memfd && (inScratch(path) || p.flags.includes('tmp-exe'));
        const dotDir = !memfd && hiddenComponent(path) !== undefined;
        if (!deleted && !memfd && !scratch && !dotDir) continue;
        const why = memfd
          ? 'anonymous memory (memfd), leaving no file on disk'
          : deleted
            ? 'a file that has since been deleted'
            : scratch
              ? 'a scratch directory'
              : 'a hidden directory';
        hits.push({
          container: c,
          ref: `exe:${path}`,
          summary: `Process ${oneLine(p.comm, 40)} (pid ${p.pid}) in ${c.container.name} runs from ${why}: ${oneLine(exe, 120)}.`,
          evidence: [ref('process', `pid ${p.pid}`, `exe=${oneLine(exe, 300)}; cmdline: ${oneLine(p.cmdline, 300)}`)],
          severity:
            memfd || (deleted && (scratch || dotDir))
              ? 'critical'
              : deleted && exeBase(path) !== '' && !scratch
                ? 'medium'
                : 'high',
          attack: memfd ? ['T1620'] : deleted ? ['T1070.004'] : ['T1036.005'],
        });
      }
    }
    return hits;
  },
};
