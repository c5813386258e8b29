/**
 * What an lstat says of a file that any change to it moves: a write, a rename over it, a chmod or a chattr (set
 * directly or through overlayfs' protection xattr) all move ctime, which no process can set back.
 */
export interface InodeStamp {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** A plain copy of a stamp (an lstat's Stats carries much more), to keep or to send to another thread. */
export const inodeStamp = (st: InodeStamp): InodeStamp => ({
  dev: st.dev,
  ino: st.ino,
  size: st.size,
  mtimeMs: st.mtimeMs,
  ctimeMs: st.ctimeMs,
});

const same = (a: InodeStamp, b: InodeStamp) =>
  a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;

/**
 * Timestamps are kept coarsely by some filesystems, so a file whose ctime was within RACY_MS of its read could change
 * again within the same tick: what was read of it is not kept (the rule git uses for its index).
 */
const RACY_MS = 2000;

/**
 * What was read of files, by host path, for as long as their inode shows no change. Each thread keeps its own (the
 * reader threads' hashes, the engine thread's flags); a full cache starts over rather than tracking use.
 */
export class InodeCache<T> {
  private readonly known = new Map<string, { stamp: InodeStamp; value: T }>();

  constructor(private readonly max: number) {}

  /** What was read of `hostPath` when its stamp was `stamp`; undefined (and forgotten) once the inode changed. */
  get(hostPath: string, stamp: InodeStamp | undefined): T | undefined {
    if (!stamp) return undefined;
    const k = this.known.get(hostPath);
    if (!k) return undefined;
    if (same(k.stamp, stamp)) return k.value;
    this.known.delete(hostPath);
    return undefined;
  }

  /** Keeps what a complete read that began at `readStartedAt` (ms since the epoch) found, unless it was racy. */
  remember(hostPath: string, stamp: InodeStamp | undefined, readStartedAt: number, value: T): void {
    if (!stamp || readStartedAt - stamp.ctimeMs < RACY_MS) return;
    if (this.known.size >= this.max) this.known.clear();
    this.known.set(hostPath, { stamp: inodeStamp(stamp), value });
  }
}
