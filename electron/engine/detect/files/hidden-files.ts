import type { Detector, Hit } from '../detector.js';
import { hiddenComponent, inScratch, under } from '../lib/paths.js';
import { filesOf } from '../lib/files.js';
import { oneLine, ref } from '../lib/refs.js';

/** System trees where dot-names have no business; home and application directories are left alone. */
const SYSTEM_DIRS = [
  '/bin',
  '/sbin',
  '/usr',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/etc',
  '/boot',
  '/var/lib',
  '/var/log',
  '/var/spool',
  '/var/cache',
  '/opt',
  '/srv',
  '/proc',
  '/sys',
];
/** Dot-names browsers create with a random suffix in /dev/shm (headless Chrome in test and scraping containers). */
const BENIGN_PREFIXES = ['.org.chromium.Chromium.', '.com.google.Chrome.'];
/** Dot-names that tools create by themselves. */
const BENIGN = new Set([
  '.X11-unix',
  '.ICE-unix',
  '.font-unix',
  '.XIM-unix',
  '.Test-unix',
  '.pwd.lock',
  '.wh..wh..opq',
  '.keep',
  '.gitkeep',
  '.placeholder',
  '.npm',
  '.cache',
  '.config',
  '.local',
  '.yarn',
  '.pnpm-store',
  '.java',
  '.m2',
  '.gradle',
  '.dockerenv',
  '.git',
  '.gitignore',
  '.ash_history',
  '.bash_history',
  '.lesshst',
  '.viminfo',
  '.wget-hsts',
  '.updated',
  '.build-id',
  '.lock',
  '.sentinel',
  '.com.google.Chrome',
  '.org.chromium.Chromium',
]);

/** Dot-files and dot-directories created in scratch space and system trees, the usual hiding places for tools and payloads. */
export const hiddenFiles: Detector = {
  meta: {
    id: 'hidden-files',
    title: 'Hidden file or directory in an unusual place',
    strategy: ['ADS-evasion'],
    attack: ['T1564.001'],
    severity: 'medium',
    kind: 'state',
    dataSources: [
      'filesystem diff (added entries) with mode and ELF/script flags',
      'listing of the container scratch tmpfs mounts (/dev/shm, /dev, a tmpfs /tmp), read host-side through /proc/PID/root',
      'entries of its named volumes changed since it started, read host-side from the volume directories',
    ],
    goal: 'Find dot-names and dots-and-spaces names ("...", ". ") added under /tmp, /var/tmp, /dev, /dev/shm, system directories and named volumes since the container started, which is where droppers hide tools and payloads.',
    blindSpots: [
      'The diff covers only the writable layer; scratch tmpfs mounts and named volumes are listed host-side only, on a local engine (volumes: at most 2,000 entries walked). Bind mounts of host directories are not listed.',
      'Files hidden by a rootkit from the engine itself are not seen (the diff is computed by the engine on the host, so userland rootkits inside the container do not affect it).',
    ],
    falsePositives: [
      'Tool caches in /tmp (.npm, .cache, X11 sockets) are ignored by name; CI jobs that unpack archives with dot-directories are reported as low unless an executable is inside. Suppress by CI label or image with a `ref` glob such as `hidden:/build/*`.',
    ],
    response: [
      'List the hidden directory and hash its files; executables inside are almost always tools or payloads.',
      'Find the process that created them (exec history, processes running from the path).',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const reported = new Set<string>();
      const { list: files, where } = filesOf(c);
      const volume = new Set(c.volumeFiles);
      for (const f of files) {
        if (f.kind !== 'added') continue;
        const seg = hiddenComponent(f.path);
        if (!seg || BENIGN.has(seg) || BENIGN_PREFIXES.some((p) => seg.startsWith(p))) continue;
        // npm and pnpm keep their links and store under node_modules; the same names elsewhere stay suspect.
        if (/\/node_modules\/\.(bin|pnpm)(\/|$)/.test(f.path) && f.path.includes(`/node_modules/${seg}`)) continue;
        // A volume is in no diff and outlives the container: a payload parked there survives a rebuild.
        const place = inScratch(f.path)
          ? 'scratch'
          : SYSTEM_DIRS.some((d) => under(f.path, d))
            ? 'system'
            : volume.has(f)
              ? 'volume'
              : undefined;
        const dotsOnly = /^[. ]+$/.test(seg) || /^\s|\s$/.test(seg);
        if (!place && !dotsOnly) continue;
        const root = f.path.slice(0, f.path.indexOf(seg) + seg.length);
        const exe = f.flags.includes('elf') || (f.flags.includes('executable') && f.flags.includes('script'));
        const sev = dotsOnly || exe ? 'high' : place === 'system' ? 'medium' : 'low';
        const key = `${root}:${sev}`;
        if (reported.has(key)) continue;
        reported.add(key);
        hits.push({
          container: c,
          ref: exe ? `hidden:${f.path}` : `hidden:${root}`,
          summary: `${exe ? `Executable ${oneLine(f.path, 120)} sits in` : 'Hidden entry'} ${oneLine(root, 120)}${dotsOnly ? ' (name made of dots or spaces)' : ''} in ${c.container.name}, created after start in a ${place ?? 'system'} directory.`,
          evidence: [
            ref(
              'file',
              f.path,
              `added${where(f)}; flags: ${f.flags.join(',') || 'none'}${f.size !== undefined ? `; ${f.size} bytes` : ''}`,
              f.sha256,
            ),
          ],
          severity: sev,
        });
      }
    }
    return hits;
  },
};
