import type { Stats } from 'node:fs';
import path from 'node:path';
import type { FileChange } from '@shared/domain/file-change.js';
import { describeEntry } from './file-content.js';
import { walkTree } from './layers.js';
import { lstatOrNull } from './sync-fs.js';
import type { Mount } from './proc-parse.js';

/** Scratch places a runtime or the analyst may mount as tmpfs: their content is in no layer, so no diff shows it. */
export const SCRATCH_TMPFS = ['/dev', '/dev/shm', '/run', '/run/shm', '/tmp', '/var/tmp', '/dev/mqueue'];
export const MAX_TMPFS_ENTRIES = 2000;
const MAX_DEPTH = 8;
const HASH_BUDGET = 32 * 1024 * 1024;

/** The container's mounts that are tmpfs at a scratch place. */
export function scratchTmpfsMounts(mounts: Mount[]): string[] {
  return [
    ...new Set(
      mounts.filter((m) => m.fsType === 'tmpfs' && SCRATCH_TMPFS.includes(m.mountPoint)).map((m) => m.mountPoint),
    ),
  ];
}

/** True when every component of `rel` below `root` is a real directory: a planted symlink would lead to the host. */
async function realDirectory(root: string, rel: string): Promise<boolean> {
  let p = root;
  for (const part of rel.split('/').filter(Boolean)) {
    p = path.posix.join(p, part);
    const st = lstatOrNull(p);
    if (!st?.isDirectory()) return false;
  }
  return true;
}

/**
 * Regular files and directories in the container's scratch tmpfs mounts, read host-side through
 * /proc/PID/root without following links. Device nodes, sockets, fifos and the runtime's own links in /dev are
 * left out; nested mount points are listed as their own mount (or not at all). Everything found there was
 * created after the container started, so it is reported as added.
 */
export async function tmpfsFiles(
  procRoot: string,
  pid: number,
  mounts: string[],
  allMounts: string[],
): Promise<{ files: FileChange[]; truncated: boolean }> {
  const root = `${procRoot}/${pid}/root`;
  const skip = new Set(allMounts);
  const keep = (st: Stats) => st.isFile() || st.isDirectory();
  const files: FileChange[] = [];
  const budget = { left: HASH_BUDGET };
  for (const mount of mounts) {
    if (!(await realDirectory(root, mount))) continue;
    const walk = await walkTree(root, MAX_TMPFS_ENTRIES - files.length, {
      start: mount,
      maxDepth: MAX_DEPTH,
      skip,
      keep,
    });
    for (const e of walk.entries) files.push(await describeEntry(e.path, e.hostPath, e.stat, 'added', budget));
    if (walk.truncated) return { files, truncated: true };
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, truncated: false };
}
