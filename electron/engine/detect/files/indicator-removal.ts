import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import type { FileChange } from '@shared/domain/file-change.js';
import type { EvidenceRef, Severity } from '@shared/domain/finding.js';
import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';

/** Records of who logged in and from where: removing or emptying them is what intruders do first. */
const LOGIN_RECORDS =
  /^\/(var\/log\/(wtmp|btmp|lastlog|faillog|utmp)|var\/run\/utmp|run\/utmp|var\/adm\/(wtmp|utmpx?|lastlog))$/;
const SECURITY_LOGS =
  /^\/var\/log\/(auth\.log|secure|audit\/audit\.log|messages|syslog|kern\.log)$|^\/(var\/log|run\/log)\/journal(\/|$)/;
const LOGS = /^\/var\/(log|adm)\//;
const HISTORY =
  /^\/(root|home\/[^/]+)\/(\.(ash|bash|zsh|sh|ksh|mksh|python|mysql|psql|sqlite|node_repl|rediscli|lesshst)_?history|\.lesshst|\.viminfo|\.local\/share\/fish\/fish_history)$/;
/** The names logrotate and friends give a rotated log: app.log.1, app.log.1.gz, app.log-20240101, app.log.old. */
const rotatedOf = (p: string): RegExp =>
  new RegExp(
    `^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.\\d+|\\.\\d+\\.(gz|xz|bz2|zst)|\\.(gz|xz|bz2|zst)|-\\d{8}(\\d{2})?(\\.(gz|xz|bz2|zst))?|\\.old)$`,
  );

type Cause = 'login-records' | 'logs' | 'history';
const CAUSE: Record<Cause, { what: string; attack: string; severity: Severity }> = {
  'login-records': { what: 'login records', attack: 'T1070.002', severity: 'high' },
  logs: { what: 'logs', attack: 'T1070.002', severity: 'medium' },
  history: { what: 'shell histories', attack: 'T1070.003', severity: 'high' },
};

const causeOf = (p: string): Cause | undefined =>
  HISTORY.test(p) ? 'history' : LOGIN_RECORDS.test(p) ? 'login-records' : LOGS.test(p) ? 'logs' : undefined;

/** What happened to a log or history the image held: deleted, emptied or cut shorter. Undefined when it grew or is new. */
function removal(f: FileChange): string | undefined {
  if (f.kind === 'deleted')
    return f.imageSize !== undefined ? `deleted (the image holds ${f.imageSize} bytes)` : 'deleted';
  if (f.kind !== 'changed' || f.imageSize === undefined || f.size === undefined || f.flags.includes('symlink'))
    return undefined;
  if (f.size === 0 && f.imageSize > 0) return `emptied (0 bytes, the image holds ${f.imageSize})`;
  if (f.size < f.imageSize) return `cut to ${f.size} bytes (the image holds ${f.imageSize})`;
  return undefined;
}

/** A rotated sibling written after start (added or changed) means rotation replaced the log, not an intruder. */
function rotated(c: ContainerEvidence, f: FileChange): FileChange | undefined {
  const re = rotatedOf(f.path);
  return c.files.find((x) => x !== f && x.kind !== 'deleted' && re.test(x.path));
}

/** Logs, login records and shell histories the image shipped, deleted or cut short after the container started. */
export const indicatorRemoval: Detector = {
  meta: {
    id: 'indicator-removal',
    title: 'Logs or shell histories deleted or truncated',
    strategy: ['ADS-evasion'],
    attack: ['T1070.002', 'T1070.003'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'filesystem diff (deleted entries, also over the Engine API)',
      "sizes of changed and deleted files in the upper dir and in the image's lower layers, read host-side",
    ],
    goal: "Find traces removed after start: /var/log files, login records (wtmp, btmp, lastlog, utmp), journal files and shell histories that the image holds but the container has deleted, emptied or cut shorter than the image's copy. Logs only grow in normal operation; a shorter copy means someone cut it.",
    blindSpots: [
      'Only files the image ships are judged: a log or history created after start and then cleared has no reference size (a link to /dev/null in its place is caught by sensitive-links).',
      'Logs in volumes, bind mounts or tmpfs are not in the diff. Over a remote engine API only deletions are seen, not truncation (no sizes).',
      'Edits that remove lines but add as many bytes, or rewrite a log to its original size, are not told apart from growth.',
    ],
    falsePositives: [
      'Log rotation replaces a log by a fresh, shorter file (or removes it) and writes a rotated sibling (app.log.1, app.log.1.gz, app.log-20240101, app.log.old); such files are not reported when the sibling is in the diff.',
      'Entrypoints that clean /var/log on start to save space. Suppress by image with a `ref` glob such as `logs` when the image owner confirms it; histories and login records stay reported.',
    ],
    response: [
      "Read the image's copy of each file from the image layers: it is the last record the intruder did not want read.",
      "Find what ran around the change (exec events, process tree, file mtimes in the timeline), then preserve the container's diff and isolate it before anything else is cleaned.",
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const byCause = new Map<Cause, EvidenceRef[]>();
      for (const f of c.files) {
        const cause = causeOf(f.path);
        if (!cause) continue;
        const what = removal(f);
        if (!what || rotated(c, f)) continue;
        const list = byCause.get(cause) ?? [];
        list.push(ref('file', f.path, `${what}${f.mtime ? `; changed ${f.mtime}` : ''}`, f.sha256));
        byCause.set(cause, list);
      }
      for (const [cause, evidence] of byCause) {
        const info = CAUSE[cause];
        const security = cause === 'logs' && evidence.some((e) => SECURITY_LOGS.test(e.ref));
        hits.push({
          container: c,
          ref: cause,
          summary: `${evidence.length} ${info.what} the image holds ${evidence.length === 1 ? 'was' : 'were'} removed or cut in ${c.container.name}: ${oneLine(
            evidence
              .slice(0, 4)
              .map((e) => `${e.ref} ${e.excerpt.split(';')[0]}`)
              .join(', '),
            400,
          )}${evidence.length > 4 ? ', …' : ''}.`,
          evidence: evidence.slice(0, 64),
          severity: security ? 'high' : info.severity,
          attack: [info.attack],
        });
      }
    }
    return hits;
  },
};
