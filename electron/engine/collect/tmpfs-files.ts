import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { FileChange } from '../../../shared/domain/file-change.js';
import { sha256Hex } from './artifacts.js';
import { contentFlags, MAX_CONTENT_BYTES } from './file-content.js';
import type { Mount } from './proc-parse.js';
import { readNoFollow } from './safe-read.js';

/** Scratch places a runtime or the analyst may mount as tmpfs: their content is in no layer, so no diff shows it. */
export const SCRATCH_TMPFS = ['/dev', '/dev/shm', '/run', '/run/shm', '/tmp', '/var/tmp', '/dev/mqueue'];
export const MAX_TMPFS_ENTRIES = 2000;
const MAX_DEPTH = 8;
const HASH_BUDGET = 32 * 1024 * 1024;

/** The container's mounts that are tmpfs at a scratch place. */
export function scratchTmpfsMounts(mounts: Mount[]): string[] {
  return [...new Set(mounts.filter((m) => m.fsType === 'tmpfs' && SCRATCH_TMPFS.includes(m.mountPoint)).map((m) => m.mountPoint))];
}

/** True when every component of `rel` below `root` is a real directory: a planted symlink would lead to the host. */
async function realDirectory(root: string, rel: string): Promise<boolean> {
  let p = root;
  for (const part of rel.split('/').filter(Boolean)) {
    p = path.posix.join(p, part);
    const st = await lstat(p).catch(() => null);
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
export async function tmpfsFiles(procRoot: string, pid: number, mounts: string[], allMounts: string[]): Promise<{ files: FileChange[]; truncated: boolean }> {
  const root = `${procRoot}/${pid}/root`;
  const skip = new Set(allMounts);
  const files: FileChange[] = [];
  let budget = HASH_BUDGET;
  for (const mount of mounts) {
    if (!(await realDirectory(root, mount))) continue;
    const stack: Array<{ dir: string; depth: number }> = [{ dir: mount, depth: 0 }];
    while (stack.length) {
      const { dir, depth } = stack.pop()!;
      const names = await readdir(path.posix.join(root, dir)).catch(() => [] as string[]);
      for (const name of names.sort()) {
        if (files.length >= MAX_TMPFS_ENTRIES) return { files, truncated: true };
        const p = path.posix.join(dir, name);
        if (skip.has(p)) continue;
        const hostPath = path.posix.join(root, p);
        const st = await lstat(hostPath).catch(() => null);
        if (!st || !(st.isFile() || st.isDirectory())) continue;
        const change: FileChange = { path: p, kind: 'added', size: st.size, mode: st.mode, mtime: st.mtime.toISOString(), flags: [] };
        let head: Buffer | undefined;
        if (st.isFile() && st.size <= MAX_CONTENT_BYTES && st.size <= budget) {
          const read = await readNoFollow(hostPath, MAX_CONTENT_BYTES);
          if (read?.complete) {
            budget -= read.data.length;
            change.sha256 = sha256Hex(read.data);
            head = read.data.subarray(0, 4);
          }
        }
        change.flags = contentFlags(head, st.mode, name);
        files.push(change);
        if (st.isDirectory() && depth < MAX_DEPTH) stack.push({ dir: p, depth: depth + 1 });
      }
    }
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, truncated: false };
}
