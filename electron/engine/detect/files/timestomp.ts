import type { Detector, Hit } from '../detector.js';
import { drifted } from '../lib/files.js';
import { fileRef, oneLine } from '../lib/refs.js';

/** Clock skew tolerated between the engine's creation time and file times. */
const SLACK_MS = 60_000;

/**
 * Timestomping: a file written after the container was created (its ctime says so, and ctime cannot be set
 * from userland) whose mtime claims it is older than the container, so it blends in with the image's files.
 */
export const timestomp: Detector = {
  meta: {
    id: 'timestomp',
    title: 'Back-dated file (timestomp)',
    strategy: ['ADS-evasion'],
    attack: ['T1070.006'],
    severity: 'medium',
    kind: 'state',
    dataSources: [
      'mtime and ctime of critical and persistence files read host-side from the container layers',
      'container inspect: Created',
    ],
    goal: 'Find files changed after the container was created whose modification time was set back to before it (touch -d / -r), a way to make planted persistence look like part of the image.',
    blindSpots: [
      'Needs host-side reads (local engine): the archive endpoint carries mtime only, not ctime.',
      'Only files whose content is collected (critical files and small changed files in persistence directories) are judged.',
      'A back-dated file whose ctime was later reset by copying the whole tree is not distinguishable.',
    ],
    falsePositives: [
      'Package managers and archive extraction preserve upstream mtimes (tar -x, cp -p, reproducible-build timestamps) when they run inside a container. Build containers can be suppressed by CI label; files under /etc are reported high because installers rarely back-date them at run time.',
    ],
    response: [
      'Treat the file as planted: read its content and compare with the image.',
      'Look at what else changed around its ctime (filesystem diff, exec history, events).',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const created = Date.parse(c.container.created);
      if (Number.isNaN(created)) continue;
      for (const f of c.fileContents) {
        if (!f.mtime || !f.ctime || !drifted(c, f)) continue;
        const mtime = Date.parse(f.mtime);
        const ctime = Date.parse(f.ctime);
        if (!(mtime < created - SLACK_MS && ctime >= created - SLACK_MS)) continue;
        hits.push({
          container: c,
          ref: `stomp:${f.path}`,
          summary: `${oneLine(f.path, 120)} in ${c.container.name} claims to be modified ${f.mtime.slice(0, 10)}, before the container was created (${c.container.created.slice(0, 19)}), but its inode changed at ${f.ctime.slice(0, 19)}.`,
          evidence: [fileRef(f, `mtime ${f.mtime}; ctime ${f.ctime}; container created ${c.container.created}`)],
          severity: f.path.startsWith('/etc/') || /\/\.ssh\/|\/cron/.test(f.path) ? 'high' : 'medium',
        });
      }
    }
    return hits;
  },
};
