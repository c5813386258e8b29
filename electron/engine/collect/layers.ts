import { lstat, readdir, realpath } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { readNoFollow } from './safe-read.js';

/**
 * Reads a container's filesystem from the host through its overlay layers (upper dir first, then
 * each lower dir), without mounting anything and for stopped containers too. Every path stays inside
 * its layer: a symlink planted in the container never makes us read a host file.
 */
export interface Layers {
  upper?: string;
  lowers: string[];
}

export const layersOf = (g: { upperDir?: string; lowerDir?: string }): Layers => ({ upper: g.upperDir, lowers: (g.lowerDir ?? '').split(':').filter(Boolean) });

/** An overlay whiteout: a character device 0/0 that marks a deletion of the same path below. */
export const isWhiteout = (st: Stats): boolean => st.isCharacterDevice() && st.rdev === 0;

export interface Located {
  hostPath: string;
  stat: Stats;
  /** 0 is the upper dir; 1.. the lower dirs in order. */
  layer: number;
}

/** Finds the topmost layer holding `p`; undefined when absent or deleted by a whiteout. */
export async function locate(layers: Layers, p: string, fromLayer = 0): Promise<Located | undefined> {
  const dirs = [layers.upper, ...layers.lowers];
  // Every layer is asked at once; the topmost answer wins.
  const stats = await Promise.all(dirs.map((root, i) => (root && i >= fromLayer ? lstat(path.posix.join(root, p)).catch(() => null) : null)));
  for (let i = fromLayer; i < dirs.length; i++) {
    const root = dirs[i];
    const st = stats[i];
    if (!root || !st) continue;
    const hostPath = path.posix.join(root, p);
    if (isWhiteout(st)) return undefined;
    if (!(await staysInside(root, hostPath))) return undefined;
    return { hostPath, stat: st, layer: i };
  }
  return undefined;
}

const rootReals = new Map<string, Promise<string>>();

/** A layer root's real path: layer dirs stay where the engine put them, so it is resolved once per root. */
function realRoot(root: string): Promise<string> {
  let known = rootReals.get(root);
  if (!known) {
    if (rootReals.size >= 4096) rootReals.clear();
    known = realpath(root).catch(() => root);
    rootReals.set(root, known);
  }
  return known;
}

/** True when the parent directories of hostPath resolve inside root (no symlinked directory on the way). */
async function staysInside(root: string, hostPath: string): Promise<boolean> {
  const [parent, rootReal] = await Promise.all([realpath(path.posix.dirname(hostPath)).catch(() => null), realRoot(root)]);
  return parent !== null && (parent === rootReal || parent.startsWith(`${rootReal}/`));
}

/** Names in one directory across all layers, honouring whiteouts of upper layers. */
export async function listDir(layers: Layers, dir: string): Promise<string[]> {
  const dirs = [layers.upper, ...layers.lowers].filter((d): d is string => Boolean(d));
  const seen = new Map<string, boolean>();
  for (const root of dirs) {
    const entries = await readdir(path.posix.join(root, dir), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (seen.has(e.name)) continue;
      const wh = e.isCharacterDevice() && isWhiteout(await lstat(path.posix.join(root, dir, e.name)));
      seen.set(e.name, !wh);
    }
  }
  return [...seen].filter(([, live]) => live).map(([n]) => n).sort();
}

/** Reads at most `max` bytes of a regular file, refusing symlinks and anything that is not a regular file. */
export async function readBounded(hostPath: string, max: number): Promise<{ data: Buffer; complete: boolean } | null> {
  return readNoFollow(hostPath, max);
}

const STAT_BATCH = 64;

export interface WalkEntry {
  path: string;
  hostPath: string;
  stat: Stats;
}

export interface WalkOptions {
  /** Directory (relative to the root) to start from; default the root itself. */
  start?: string;
  /** Directories deeper than this below the start are listed but not entered. */
  maxDepth?: number;
  /** Relative paths left out entirely (nested mount points, say). */
  skip?: ReadonlySet<string>;
  /** Which entries to list; others are neither listed nor counted. */
  keep?: (st: Stats) => boolean;
}

/**
 * Every entry below a host directory, depth first, by lstat (links are listed, never followed), bounded so
 * a container with a million files cannot stall a scan.
 */
export async function walkTree(root: string, max: number, o: WalkOptions = {}): Promise<{ entries: WalkEntry[]; truncated: boolean }> {
  const entries: WalkEntry[] = [];
  const stack = [{ dir: o.start ?? '/', depth: 0 }];
  while (stack.length) {
    const { dir, depth } = stack.pop()!;
    const names = (await readdir(path.posix.join(root, dir)).catch(() => [] as string[])).sort();
    // One directory's entries are stat'ed a batch at a time, then taken in name order.
    for (let i = 0; i < names.length; i += STAT_BATCH) {
      const batch = names
        .slice(i, i + STAT_BATCH)
        .map((name) => path.posix.join(dir, name))
        .filter((p) => !o.skip?.has(p));
      const stats = await Promise.all(batch.map((p) => lstat(path.posix.join(root, p)).catch(() => null)));
      for (let k = 0; k < batch.length; k++) {
        if (entries.length >= max) return { entries, truncated: true };
        const p = batch[k]!;
        const st = stats[k];
        if (!st || (o.keep && !o.keep(st))) continue;
        entries.push({ path: p, hostPath: path.posix.join(root, p), stat: st });
        if (st.isDirectory() && depth < (o.maxDepth ?? Infinity)) stack.push({ dir: p, depth: depth + 1 });
      }
    }
  }
  return { entries, truncated: false };
}
