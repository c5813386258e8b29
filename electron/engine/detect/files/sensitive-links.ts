import { isCriticalPath } from '../../collect/critical-files.js';
import type { Detector, Hit } from '../detector.js';
import { isAuthorizedKeys, isCron, isShellRc, isSudoers } from '../lib/files.js';
import { oneLine, ref } from '../lib/refs.js';

/** Shell histories and logs: a link to /dev/null in their place silences them. */
const HISTORY = /\/\.(ash|bash|zsh|sh|python|mysql|psql|node_repl|lesshst)_?history$|\/\.lesshst$/;
const LOGS = /^\/var\/log\/|\.log$/;
/** Targets worth a shortcut only to someone reading secrets or reaching the host. */
const SENSITIVE_TARGETS = [
  /^\/etc\/(shadow|gshadow|sudoers)$/,
  /^\/(root|home\/[^/]+)\/\.ssh(\/|$)/,
  /^\/(var\/)?run\/docker\.sock$/,
  /^\/run\/containerd\/containerd\.sock$/,
  /^\/proc\/1\/(root|environ|mem)(\/|$)/,
  /^\/etc\/kubernetes\//,
  /^\/var\/lib\/kubelet\//,
  /^\/var\/run\/secrets\/kubernetes\.io\//,
];
/** ATT&CK for a critical file turned into a link, by what the file is. */
const CRITICAL_ATTACK: Array<[(path: string) => boolean, string]> = [
  [(p) => p === '/etc/ld.so.preload', 'T1574.006'],
  [isAuthorizedKeys, 'T1098.004'],
  [isCron, 'T1053.003'],
  [isSudoers, 'T1548.003'],
  [(p) => /^\/etc\/(passwd|shadow|group)$/.test(p), 'T1098'],
  [isShellRc, 'T1546.004'],
];

/** Symbolic links made after start that silence a history or log, replace a critical file, or point at secrets or the host. */
export const sensitiveLinks: Detector = {
  meta: {
    id: 'sensitive-links',
    title: 'Link over a history, log or critical file, or to a secret',
    strategy: ['ADS-evasion'],
    attack: [
      'T1070.003',
      'T1070.002',
      'T1565.001',
      'T1552.001',
      'T1574.006',
      'T1098.004',
      'T1053.003',
      'T1548.003',
      'T1098',
      'T1546.004',
    ],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'filesystem diff read host-side from the upper dir, with each symbolic link target read by readlink (never followed)',
    ],
    goal: 'Find symbolic links created after the container started that send a shell history or a log to /dev/null (cleanup of traces), that stand in for a critical file (cron, sudoers, preload, keys, accounts) so its content lives elsewhere, or that give a short path to secrets and host interfaces (shadow, ssh keys, docker.sock, /proc/1/root, kubelet credentials).',
    blindSpots: [
      'Link targets are read host-side only: over a remote engine API the diff says a path changed, not where it points.',
      'Hard links are not distinguished from files; links in volumes, bind mounts and tmpfs are not in the diff.',
      'Links already in the image are part of the image and not reported here (image review covers them).',
    ],
    falsePositives: [
      'Images that send logs to the engine with links to /dev/stdout or /dev/stderr are not reported; only /dev/null silences.',
      'Entrypoints that link configuration from a mounted secret into /etc (for example /etc/crontab to /config/crontab). Suppress by image with a `ref` glob such as `link:/etc/crontab`.',
    ],
    response: [
      'Read the link target and the file it replaced (from the image through the diff view).',
      'For a silenced history or log, look for what was run around the time the link was made (exec events, process tree).',
      'For a link to secrets or to docker.sock, treat the secret as read and rotate it.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      for (const f of c.files) {
        if (f.kind === 'deleted' || !f.flags.includes('symlink') || !f.linkTarget) continue;
        const target = f.linkTarget;
        const evidence = [ref('file', f.path, oneLine(`${f.kind} symbolic link -> ${target}`, 600))];
        const name = `${oneLine(f.path, 120)} in ${c.container.name}`;
        if (target === '/dev/null' && (HISTORY.test(f.path) || LOGS.test(f.path))) {
          const history = HISTORY.test(f.path);
          hits.push({
            container: c,
            ref: `link:${f.path}`,
            summary: `${name} now points to /dev/null: ${history ? 'the shell history' : 'the log'} is silenced.`,
            evidence,
            severity: history ? 'medium' : 'high',
            attack: [history ? 'T1070.003' : 'T1070.002'],
          });
        } else if (isCriticalPath(f.path)) {
          const attack = CRITICAL_ATTACK.find(([is]) => is(f.path))?.[1] ?? 'T1565.001';
          hits.push({
            container: c,
            ref: `link:${f.path}`,
            summary: `${name} was replaced by a link to ${oneLine(target, 120)}: what the system reads there now lives elsewhere.`,
            evidence,
            severity: 'high',
            attack: [attack],
          });
        } else if (SENSITIVE_TARGETS.some((re) => re.test(target))) {
          hits.push({
            container: c,
            ref: `link:${f.path}`,
            summary: `${name} is a new link to ${oneLine(target, 120)}, a secret or a way to the host.`,
            evidence,
            severity: target.includes('docker.sock') || target.startsWith('/proc/1/') ? 'high' : 'medium',
            attack: ['T1552.001'],
          });
        }
      }
    }
    return hits;
  },
};
