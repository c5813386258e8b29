import type { Detector, Hit } from '../detector.js';
import { BASE64_TO_SHELL, DOWNLOAD_AND_RUN, REVERSE_SHELL_PATTERNS } from '../lib/commands.js';
import { activeLines, changeOf, contents, drifted, isCron } from '../lib/files.js';
import { inScratch } from '../lib/paths.js';
import { fileRef, oneLine, ref } from '../lib/refs.js';

/** Cron entries that download and run code or open shells; and cron files appearing in a running container at all. */
export const cronPersistence: Detector = {
  meta: {
    id: 'cron-persistence',
    title: 'Malicious or new cron job',
    strategy: ['ADS-evasion', 'ADS-c2-abuse'],
    attack: ['T1053.003'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'content of /etc/crontab, /etc/cron.*/*, /etc/periodic/*/* (busybox crond), /var/spool/cron/** (archive endpoint or host upper dir)',
      'filesystem diff',
    ],
    goal: 'Find cron entries that pipe downloads into a shell, decode payloads, open reverse shells or run programs from scratch directories, and cron files added after a container started (containers rarely run cron).',
    blindSpots: [
      'systemd timers, at jobs and in-process schedulers are not read.',
      'Entries that call an innocuous-looking script are flagged by the dropped-executable detector only if the script itself changed.',
    ],
    falsePositives: [
      'Images that run cron on purpose (log rotation, backups) ship their crontabs in the image and entrypoints that install ordinary jobs at start: without a malicious-looking entry these are reported as low. Suppress a known entry by image and a `ref` glob on the file path (refs look like `<file>:<entry>`, e.g. `/etc/cron.d/backup:*`).',
    ],
    response: [
      'Read the entry and fetch what it downloads in a sandbox.',
      'Remove the entry, check for immutable flags protecting it, and look for the same entry in other containers and on the host.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const seen = new Set<string>();
      for (const f of contents(c, isCron)) {
        seen.add(f.path);
        let bad = false;
        for (const line of activeLines(f.text)) {
          const why = DOWNLOAD_AND_RUN.test(line)
            ? 'downloads and runs code'
            : BASE64_TO_SHELL.test(line)
              ? 'decodes a payload into a shell'
              : REVERSE_SHELL_PATTERNS.some(([re]) => re.test(line))
                ? 'opens a remote shell'
                : line.split(/\s+/).some((w) => w.startsWith('/') && inScratch(w))
                  ? 'runs a program from a scratch directory'
                  : undefined;
          if (!why) continue;
          bad = true;
          hits.push({
            container: c,
            ref: `${f.path}:${line}`,
            summary: `Cron entry in ${oneLine(f.path, 80)} of ${c.container.name} ${why}: "${oneLine(line, 140)}".`,
            evidence: [fileRef(f, oneLine(line, 400))],
            severity: why.includes('remote shell') ? 'critical' : 'high',
          });
        }
        if (!bad && drifted(c, f) && activeLines(f.text).some((l) => !/^[A-Z_]+=/.test(l)))
          hits.push({
            container: c,
            ref: `${f.path}:new`,
            summary: `Cron file ${oneLine(f.path, 80)} in ${c.container.name} was written after the container started.`,
            evidence: [fileRef(f, oneLine(activeLines(f.text).join(' | '), 400))],
            severity: 'low',
          });
      }
      for (const ch of c.files) {
        if (ch.kind === 'deleted' || !isCron(ch.path) || seen.has(ch.path) || changeOf(c, ch.path) === undefined)
          continue;
        hits.push({
          container: c,
          ref: `${ch.path}:new`,
          summary: `Cron file ${oneLine(ch.path, 80)} in ${c.container.name} was ${ch.kind} after the container started (content not read).`,
          evidence: [ref('file', ch.path, `${ch.kind} in the container diff`, ch.sha256)],
          severity: 'low',
        });
      }
    }
    return hits;
  },
};
