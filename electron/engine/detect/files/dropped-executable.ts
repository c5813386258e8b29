import type { Detector, Hit } from '../detector.js';
import { inScratch, under } from '../lib/paths.js';
import { exeBase, processesOf } from '../lib/process.js';
import { filesOf } from '../lib/files.js';
import { oneLine, ref } from '../lib/refs.js';

const BIN_DIRS = [
  '/bin',
  '/sbin',
  '/usr/bin',
  '/usr/sbin',
  '/usr/local/bin',
  '/usr/local/sbin',
  '/lib',
  '/lib64',
  '/usr/lib',
  '/usr/lib64',
];

/**
 * Drift from the image: executables added or replaced after the container started. Running one is the
 * strong signal (the image was scanned, this binary never was); replaced system binaries are trojans.
 */
export const droppedExecutable: Detector = {
  meta: {
    id: 'dropped-executable',
    title: 'Executable dropped or replaced after start',
    strategy: ['ADS-evasion'],
    attack: ['T1105', 'T1554', 'T1036.005'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'filesystem diff with ELF/script flags, mode and sha256',
      'listing of the container scratch tmpfs mounts (/dev/shm, /dev, a tmpfs /tmp) read host-side',
      'host-side process list (exe paths)',
    ],
    goal: 'Find binaries and scripts that were not in the image: running ones (drift execution), replaced system binaries (trojans), and executables dropped in scratch or system directories.',
    blindSpots: [
      'Executables in bind mounts are not in the diff, nor tmpfs ones of stopped or remote containers, nor volume ones of remote engines or past the first 2,000 entries of a volume (processes running from them are caught by suspicious-exe-location when the path is a scratch directory).',
      'Interpreted payloads passed inline (`python -c`, `sh -c`) leave no file.',
      'Without host access the running-process join relies on `top` command lines, not exe links.',
    ],
    falsePositives: [
      'Build containers and dev images produce and run binaries all the time (the seeds\' "dev image churn"). Dropped-but-not-running files outside scratch/system directories are reported as low; suppress build containers by CI label, and package-manager churn by image.',
    ],
    response: [
      'Hash the binary and look it up; copy it out through the archive endpoint (never run it).',
      'Find how it arrived (exec sessions, download commands, archive-path events).',
      'Stop the container if the binary is unknown and running.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const { list } = processesOf(c);
      const { list: files, where } = filesOf(c);
      const volume = new Set(c.volumeFiles);
      for (const f of files) {
        if (f.kind === 'deleted') continue;
        const isExe = f.flags.includes('elf') || (f.flags.includes('executable') && !f.flags.includes('symlink'));
        if (!isExe) continue;
        const running = list.filter((p) =>
          p.exe !== undefined ? p.exe.replace(/ \(deleted\)$/, '') === f.path : p.cmdline.split(' ')[0] === f.path,
        );
        const inBin = BIN_DIRS.some((d) => under(f.path, d));
        const desc = `${f.kind}${where(f)} ${f.flags.includes('elf') ? 'ELF binary' : f.flags.includes('script') ? 'script' : 'executable'}${f.size !== undefined ? `, ${f.size} bytes` : ''}`;
        const evidence = [ref('file', f.path, desc, f.sha256)];
        for (const p of running.slice(0, 8))
          evidence.push(ref('process', `pid ${p.pid}`, `running: ${oneLine(p.cmdline || p.comm, 300)}`));
        if (running.length > 0) {
          hits.push({
            container: c,
            ref: `run:${f.path}`,
            summary: `${oneLine(exeBase(f.path), 60)} is running in ${c.container.name} from ${oneLine(f.path, 120)}, a file ${f.kind} after the container started (not in the image).`,
            evidence,
            severity: 'high',
            attack: f.kind === 'changed' ? ['T1554', 'T1105'] : ['T1105'],
          });
        } else if (f.kind === 'changed' && inBin) {
          hits.push({
            container: c,
            ref: `replaced:${f.path}`,
            summary: `System executable ${oneLine(f.path, 120)} in ${c.container.name} was replaced after the container started.`,
            evidence,
            severity: 'high',
            attack: ['T1554', 'T1036.005'],
          });
        } else {
          // Volumes hold application data; an ELF binary parked there outlives the container, while executable
          // scripts there are ordinary (package managers' bin links, plugins).
          const where = inScratch(f.path)
            ? 'a scratch directory'
            : inBin
              ? 'a system directory'
              : volume.has(f) && f.flags.includes('elf')
                ? 'a volume'
                : undefined;
          hits.push({
            container: c,
            ref: `dropped:${f.path}`,
            summary: `Executable ${oneLine(f.path, 120)} was ${f.kind} in ${c.container.name} after start${where ? ` in ${where}` : ''} (not running now).`,
            evidence,
            severity: where ? 'medium' : 'low',
            attack: ['T1105'],
          });
        }
      }
    }
    return hits;
  },
};
