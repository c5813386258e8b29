import type { Stats } from 'node:fs';

/**
 * The sha256 and first bytes of files already read, by host path, for as long as their inode shows no change: a
 * container that is read again because one log line was added keeps the hashes of its other files. Any write,
 * rename, chmod or chattr moves ctime, which no process can set. Timestamps are kept coarsely by some filesystems,
 * so a file whose ctime was within RACY_MS of its read could change again within the same tick: it is not kept
 * (the rule git uses for its index).
 */
const RACY_MS = 2000;
const MAX_KNOWN = 50_000;

interface Known {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  sha256: string;
  head: Buffer;
}

const known = new Map<string, Known>();

const same = (k: Known, st: Stats) =>
  k.dev === st.dev && k.ino === st.ino && k.size === st.size && k.mtimeMs === st.mtimeMs && k.ctimeMs === st.ctimeMs;

/** The hash and first bytes of `hostPath` from an earlier read, when its lstat `st` is unchanged since. */
export function knownHash(hostPath: string, st: Stats): { sha256: string; head: Buffer } | undefined {
  const k = known.get(hostPath);
  if (!k) return undefined;
  if (same(k, st)) return k;
  known.delete(hostPath);
  return undefined;
}

/** Keeps what a complete read that began at `readStartedAt` (ms since the epoch) found, unless it was racy. */
export function rememberHash(hostPath: string, st: Stats, readStartedAt: number, sha256: string, head: Buffer): void {
  if (readStartedAt - st.ctimeMs < RACY_MS) return;
  if (known.size >= MAX_KNOWN) known.clear();
  known.set(hostPath, {
    dev: st.dev,
    ino: st.ino,
    size: st.size,
    mtimeMs: st.mtimeMs,
    ctimeMs: st.ctimeMs,
    sha256,
    head: Buffer.from(head),
  });
}
