import { createHash } from 'node:crypto';
import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import path from 'node:path';
import { parseMounts, parseStat } from '../collect/proc-parse.js';
import { startNetReads, type NetFile } from '../collect/sockets.js';
import { scratchTmpfsMounts, SCRATCH_TMPFS } from '../collect/tmpfs-files.js';
import { lstatOrNull, namesSync, textSync, yielder } from '../collect/sync-fs.js';

/** Entries walked per tree; past this a container is treated as changed on every rescan, which is safe. */
const MAX_ENTRIES = 20_000;
const NET_TABLES: readonly NetFile[] = ['tcp', 'tcp6', 'udp', 'udp6'];

export interface SignatureInput {
  id: string;
  /** State and creation time from the container list. */
  listed: string;
  upperDir?: string;
  /** Host PIDs of the container (from the host's PID index); empty when stopped. */
  pids: number[];
}

/**
 * A digest of what a scan of this container would read, from cheap host-side reads only: the listed state, every
 * entry of the overlay upper dir (path, mtime, ctime, size, mode: ctime also moves on chattr and xattr changes), its
 * PIDs with their start times, names and arguments, its socket tables (addresses, state, inode) and its scratch tmpfs mounts.
 * Equal digests mean a new collection would find the same filesystem, processes and sockets.
 */
export async function containerSignature(procRoot: string, s: SignatureInput): Promise<string> {
  const h = createHash('sha256');
  h.update(`${s.id}\n${s.listed}\n`);
  if (s.upperDir) await digestTree(h, s.upperDir, '/');
  const pids = [...s.pids].sort((a, b) => a - b);
  // The socket tables are read beside the per-process files below; one the counters show empty hashes as the empty
  // table it is.
  const first = pids[0];
  const tables = first === undefined ? [] : startNetReads(procRoot, first, NET_TABLES).texts;
  for (const pid of pids) {
    const text = textSync(`${procRoot}/${pid}/stat`);
    const st = text === null ? null : parseStat(text);
    // argv too: a process that execs a binary of the same name, or rewrites its arguments, keeps PID, start and comm.
    if (st) h.update(`p ${st.pid} ${st.startTicks} ${st.comm} ${textSync(`${procRoot}/${pid}/cmdline`) ?? ''}\n`);
  }
  if (first !== undefined) {
    const texts = await Promise.all(tables);
    NET_TABLES.forEach((t, i) => h.update(`${t}\n${socketRows(texts[i] ?? '')}`));
    const mountinfo = textSync(`${procRoot}/${first}/mountinfo`) ?? '';
    const mounts = parseMounts(mountinfo);
    const all = new Set(mounts.map((m) => m.mountPoint));
    for (const m of scratchTmpfsMounts(mounts))
      if (SCRATCH_TMPFS.includes(m)) await digestTree(h, `${procRoot}/${first}/root`, m, all);
  }
  return h.digest('hex');
}

/** The rows of a /proc/net table that say which sockets exist: addresses, state and inode, not queues or timers. */
function socketRows(text: string): string {
  return text
    .split('\n')
    .slice(1)
    .map((l) => {
      const f = l.trim().split(/\s+/);
      return f.length > 9 ? `${f[1]} ${f[2]} ${f[3]} ${f[9]}` : '';
    })
    .filter(Boolean)
    .sort()
    .join('\n');
}

async function digestTree(
  h: ReturnType<typeof createHash>,
  root: string,
  start: string,
  skip?: Set<string>,
): Promise<void> {
  // The walk of walkTree, hashed as it goes: every rescan walks every container, and a list of entries with their
  // Stats and host paths, held until the walk ends, is garbage that outlives the young generation.
  const stack = [start];
  const tick = yielder(512);
  let count = 0;
  while (stack.length) {
    const dir = stack.pop()!;
    const names = namesSync(path.posix.join(root, dir)).sort();
    for (const name of names) {
      const p = path.posix.join(dir, name);
      if (skip?.has(p)) continue;
      await tick();
      // Past the bound nothing can be promised: a random salt makes the digest differ from every earlier one.
      if (++count > MAX_ENTRIES) return void h.update(String(Math.random()));
      const st = lstatOrNull(path.posix.join(root, p));
      if (!st) continue;
      h.update(`${p}\0${st.mtimeMs}\0${st.ctimeMs}\0${st.size}\0${st.mode}\n`);
      if (st.isDirectory()) stack.push(p);
    }
  }
}

/** Where a container's upper dir is, from evidence of an earlier scan. */
export const upperDirOf = (c: ContainerEvidence | undefined): string | undefined => c?.container.graphDriver.upperDir;
