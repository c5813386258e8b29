import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

const FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Opens a file a container controls without following a symlink in its last component and without
 * blocking on a fifo, then reads at most `max` bytes. Paths under /proc/PID/root resolve absolute
 * symlinks against the host's root, so a planted link must never be followed there.
 * Reads in a loop because procfs files report size 0.
 */
export async function readNoFollow(path: string, max: number): Promise<{ data: Buffer; complete: boolean } | null> {
  const fh = await open(path, FLAGS).catch(() => null);
  if (!fh) return null;
  try {
    const st = await fh.stat();
    if (!st.isFile()) return null;
    const chunks: Buffer[] = [];
    let total = 0;
    // Regular files say their size; procfs files say 0 and are mostly small, so start small and grow.
    let chunk = st.size > 0 ? Math.min(st.size + 1, max + 1) : 4096;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(chunk, max + 1 - total));
      chunk = Math.min(chunk * 2, 1024 * 1024);
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > max) break;
    }
    const data = Buffer.concat(chunks);
    return { data: data.subarray(0, max), complete: data.length <= max };
  } catch {
    return null;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** Files at most this large are read by `readNoFollowSmall` on the calling thread; larger ones through the pool. */
export const SYNC_READ_MAX = 256 * 1024;

/**
 * readNoFollow on the calling thread. A scan reads thousands of small procfs and layer files: through the
 * thread pool each costs several round trips (open, stat, read, close) and more time in promises than in the
 * kernel, while a blocking read of a small file costs microseconds. Only for files known to be small.
 */
export function readNoFollowSync(path: string, max: number): { data: Buffer; complete: boolean } | null {
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return null;
    const chunks: Buffer[] = [];
    let total = 0;
    let chunk = st.size > 0 ? Math.min(st.size + 1, max + 1) : 4096;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(chunk, max + 1 - total));
      chunk = Math.min(chunk * 2, 1024 * 1024);
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > max) break;
    }
    const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    return { data: data.subarray(0, max), complete: data.length <= max };
  } catch {
    return null;
  } finally {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
}

/** A file small enough for readNoFollowSync, else the pooled read. */
export function readNoFollowSized(
  path: string,
  max: number,
  knownSize: number,
): Promise<{ data: Buffer; complete: boolean } | null> {
  return knownSize <= SYNC_READ_MAX ? Promise.resolve(readNoFollowSync(path, max)) : readNoFollow(path, max);
}
