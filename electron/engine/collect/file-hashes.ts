import type { Stats } from 'node:fs';
import { InodeCache } from './inode-cache.js';

/**
 * The sha256 and first bytes of files already read, by host path, for as long as their inode shows no change: a
 * container that is read again because one log line was added keeps the hashes of its other files.
 */
const hashes = new InodeCache<{ sha256: string; head: Buffer }>(50_000);

/** The hash and first bytes of `hostPath` from an earlier read, when its lstat `st` is unchanged since. */
export const knownHash = (hostPath: string, st: Stats): { sha256: string; head: Buffer } | undefined =>
  hashes.get(hostPath, st);

/** Keeps what a complete read that began at `readStartedAt` (ms since the epoch) found, unless it was racy. */
export function rememberHash(hostPath: string, st: Stats, readStartedAt: number, sha256: string, head: Buffer): void {
  hashes.remember(hostPath, st, readStartedAt, { sha256, head: Buffer.from(head) });
}
