import type { Stats } from 'node:fs';
import type { FileFlag } from '@shared/domain/file-change.js';

/**
 * What the upper dir's lstat says of a file whose flags are read: its inode and times. Setting or clearing a flag
 * (chattr, directly or through the overlay's protection xattr) moves the upper inode's ctime, which no process can
 * set back.
 */
export interface AttrStamp {
  key: string;
  ctimeMs: number;
}

export const attrStamp = (st: Stats): AttrStamp => ({
  key: `${st.dev}:${st.ino}:${st.mtimeMs}:${st.ctimeMs}`,
  ctimeMs: st.ctimeMs,
});

/** Timestamps are kept coarsely by some filesystems: a ctime this close to the read could still move within its tick. */
const RACY_MS = 2000;
const MAX_KNOWN = 100_000;

interface Known {
  key: string;
  flags: FileFlag[];
  /** lsattr's line for the path, kept as evidence of what was read. */
  line: string;
}

/**
 * Flags read by lsattr, by host path, for as long as the file's stamp is unchanged: a steady engine's rescans start
 * no lsattr for files that did not change (each run costs two process starts). Per thread, like the hash cache.
 */
const known = new Map<string, Known>();

/** The flags and lsattr line read earlier for `hostPath`, when its stamp is the same as then. */
export function knownAttrs(hostPath: string, stamp: AttrStamp | undefined): Known | undefined {
  if (!stamp) return undefined;
  const k = known.get(hostPath);
  if (!k) return undefined;
  if (k.key === stamp.key) return k;
  known.delete(hostPath);
  return undefined;
}

/** Keeps what an lsattr run started at `readStartedAt` (ms since the epoch) printed for `hostPath`, unless racy. */
export function rememberAttrs(
  hostPath: string,
  stamp: AttrStamp | undefined,
  readStartedAt: number,
  flags: FileFlag[],
  line: string | undefined,
): void {
  if (!stamp || line === undefined || readStartedAt - stamp.ctimeMs < RACY_MS) return;
  if (known.size >= MAX_KNOWN) known.clear();
  known.set(hostPath, { key: stamp.key, flags: [...flags], line });
}
