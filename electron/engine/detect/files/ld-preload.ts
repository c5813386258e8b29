import type { Detector, Hit } from '../detector.js';
import { activeLines, contents } from '../lib/files.js';
import { hiddenComponent, inScratch } from '../lib/paths.js';
import { processesOf } from '../lib/process.js';
import { fileRef, oneLine, ref } from '../lib/refs.js';

/**
 * The dynamic loader's preload list injects a library into every process: the classic userland rootkit
 * (libprocesshider) that hides processes and files from tools run inside the container.
 */
export const ldPreload: Detector = {
  meta: {
    id: 'ld-preload',
    title: 'Library preloading (userland rootkit marker)',
    strategy: ['ADS-evasion'],
    attack: ['T1574.006', 'T1014'],
    severity: 'critical',
    kind: 'state',
    dataSources: [
      'content of /etc/ld.so.preload',
      'filesystem diff',
      'LD_PRELOAD in host /proc/PID/environ of live processes',
    ],
    goal: 'Find /etc/ld.so.preload in a container, and processes started with LD_PRELOAD, which inject code that can hide processes, files and connections from in-container tools.',
    blindSpots: [
      'Static binaries ignore preloading, so a preload list does not prove every tool lies.',
      'Hooks installed by patching libc itself are seen only as a changed library in the diff (dropped-executable).',
      'LD_PRELOAD of live processes needs host access to /proc.',
    ],
    falsePositives: [
      'Memory allocators (jemalloc, tcmalloc) and sandboxing shims preloaded by the image. Suppress by image with a `ref` glob such as `env:*:/usr/lib/*/libjemalloc*`; preload libraries under scratch or dot directories are never suppressed by default.',
    ],
    response: [
      'Trust only host-side views from now on (process list, sockets), and compare them with in-container views to see what is hidden.',
      'Collect the preloaded library and inspect its exported symbols (readdir, fopen, stat hooks).',
      'Rebuild the container; look for the same library on the host.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const read = contents(c, (p) => p === '/etc/ld.so.preload');
      for (const f of read) {
        const libs = activeLines(f.text)
          .flatMap((l) => l.split(/[\s:]+/))
          .filter(Boolean);
        if (libs.length === 0) continue;
        const odd = libs.filter((l) => inScratch(l) || hiddenComponent(l) !== undefined);
        hits.push({
          container: c,
          ref: 'ld.so.preload',
          summary: `/etc/ld.so.preload in ${c.container.name} injects ${oneLine(libs.join(', '), 160)} into every process${odd.length ? ' (from a scratch or hidden directory)' : ''}.`,
          evidence: [fileRef(f, oneLine(libs.join(' '), 400))],
          severity: 'critical',
        });
      }
      const ch = c.files.find((x) => x.path === '/etc/ld.so.preload' && x.kind !== 'deleted');
      if (ch && read.length === 0)
        hits.push({
          container: c,
          ref: 'ld.so.preload',
          summary: `/etc/ld.so.preload was ${ch.kind} in ${c.container.name} after it started (content not read).`,
          evidence: [ref('file', ch.path, `${ch.kind} in the container diff`, ch.sha256)],
          severity: 'critical',
        });
      for (const p of processesOf(c).list) {
        const lib = p.env?.LD_PRELOAD;
        if (!lib) continue;
        const odd = lib.split(/[\s:]+/).some((l) => inScratch(l) || hiddenComponent(l) !== undefined);
        hits.push({
          container: c,
          ref: `env:${p.exe ?? p.comm}:${lib}`,
          summary: `Process ${oneLine(p.comm, 40)} (pid ${p.pid}) in ${c.container.name} runs with LD_PRELOAD=${oneLine(lib, 120)}.`,
          evidence: [
            ref('process', `pid ${p.pid}`, `LD_PRELOAD=${oneLine(lib, 300)}; cmdline: ${oneLine(p.cmdline, 200)}`),
          ],
          severity: odd ? 'critical' : 'medium',
        });
      }
    }
    return hits;
  },
};
