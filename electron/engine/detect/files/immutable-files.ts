import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';

const ATTR_TOOLS = /\/(chattr|lsattr)$/;

/** Immutable and append-only inode flags, which protect persistence from cleanup, and removal of the tools that manage them. */
export const immutableFiles: Detector = {
  meta: {
    id: 'immutable-files',
    title: 'Immutable or append-only files',
    strategy: ['ADS-evasion'],
    attack: ['T1222.002'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'immutable/append-only flags of changed files in the container upper layer: through the mounted view with lsattr for running containers, from the overlayfs `overlay.protattr` xattr with getfattr for stopped ones, or with the container own lsattr over exec',
      'filesystem diff (deleted chattr/lsattr)',
    ],
    goal: 'Find files locked with `chattr +i` / `+a` inside containers. Default containers lack CAP_LINUX_IMMUTABLE, so a flag there implies extra capabilities, privileged mode or host-side tampering; attackers use it to keep backdoors and miners from being removed.',
    blindSpots: [
      'Flags are read only for files in the container diff (the writable layer); flags on volumes, bind mounts and tmpfs are not collected.',
      'Over a remote engine API without exec, flags cannot be read at all; a stopped remote container has no exec either.',
      'Stopped local containers need getfattr (package attr) on the host; without it the scan reports the missing tool as a collection error.',
    ],
    falsePositives: [
      'CI pipelines that set attributes while testing filesystem tooling, and images that deliberately lock configuration. Suppress by image or CI label with a `ref` glob such as `flags:/etc/app/*`.',
    ],
    response: [
      'List the locked files and read their content (they usually are persistence: cron, authorized_keys, ld.so.preload, a miner binary).',
      'Find how the container obtained CAP_LINUX_IMMUTABLE (capabilities, privileged) and who granted it.',
      'Preserve the files, then remove the flags and the files from a privileged maintenance context.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      for (const f of c.files) {
        const flags = f.flags.filter((x) => x === 'immutable' || x === 'append-only');
        if (flags.length > 0) {
          hits.push({
            container: c,
            ref: `flags:${f.path}`,
            summary: `${oneLine(f.path, 120)} in ${c.container.name} is ${flags.join(' and ')}; it cannot be changed or removed without CAP_LINUX_IMMUTABLE.`,
            evidence: [ref('file', f.path, `${f.kind} file, flags: ${f.flags.join(',')}`, f.sha256)],
          });
        } else if (f.kind === 'deleted' && ATTR_TOOLS.test(f.path)) {
          hits.push({
            container: c,
            ref: `deleted:${f.path}`,
            summary: `${oneLine(f.path, 120)} was deleted in ${c.container.name}; miners remove chattr/lsattr so their locked files cannot be unlocked.`,
            evidence: [ref('file', f.path, 'deleted since the container started')],
            severity: 'medium',
          });
        }
      }
    }
    return hits;
  },
};
