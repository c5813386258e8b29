import { realpathSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { readNoFollowSized } from './safe-read.js';
import { direntsSync, lstatOrNull, namesSync, yielder } from './sync-fs.js';

/**
 * Reads a container's filesystem from the host through its overlay layers (upper dir first, then
 * each lower dir), without mounting anything and for stopped containers too. Every path stays inside
 * its layer: a symlink planted in the container never makes us read a host file.
 */
export interface Layers {
  upper?: string;
  lowers: string[];
}

export const layersOf = (g: { upperDir?: string; lowerDir?: string }): Layers => ({
  upper: g.upperDir,
  lowers: (g.lowerDir ?? '').split(':').filter(Boolean),
});

/** An overlay whiteout: a character device 0/0 that marks a deletion of the same path below. */
export const isWhiteout = (st: Stats): boolean => st.isCharacterDevice() && st.rdev === 0;

export interface Located {
  hostPath: string;
  stat: Stats;
  /** 0 is the upper dir; 1.. the lower dirs in order. */
  layer: number;
}

/** What one directory of one layer is, as far as looking up paths below it goes. */
type DirKind = 'dir' | 'absent' | 'other';

const MEMO_MAX = 200_000;
const READS_MAX = 2048;

/**
 * What this thread learnt about lower layers, for as long as it runs. Image layers, and each container's init
 * layer, never change while they exist, and the engine names each new one anew (a removed image's layers are not
 * reused for another), so what one scan looked up there holds for every later scan: a rescan of a changed
 * container, or a full scan in the desktop app or `serve`, then asks the kernel only about its upper dir. Bounded,
 * and smaller than a scan's own memo because it outlives the scan: past a bound a memo starts over.
 */
const lowerFacts = {
  kinds: new Map<string, DirKind>(),
  stats: new Map<string, Stats | null>(),
  lists: new Map<string, Dirent[]>(),
  /** Entries held by `lists`, all lists together. */
  listed: 0,
  reads: new Map<string, Promise<{ data: Buffer; complete: boolean } | null>>(),
  /** Bytes held by `reads`, as the files' sizes (up to what a read keeps) when they were asked for. */
  readBytes: 0,
};
const SHARED_MAX = 50_000;
const SHARED_READ_BYTES = 16 * 1024 * 1024;

/**
 * What one engine scan learnt about layer directories. Lower layers are looked up through `lowerFacts`, so each of
 * their entries is looked up and listed once per thread, not once per container. Directory kinds are also kept for
 * upper dirs, for the scan: a path under a directory a layer does not have is absent there without asking the
 * kernel, and a path whose every parent is a plain directory stays inside its layer without resolving it.
 */
export class LayerCache {
  private readonly kinds = new Map<string, DirKind>();
  /** Upper dirs walked whole in this scan: every entry, and each directory's children. */
  private readonly uppers = new Map<string, { stats: Map<string, Stats>; children: Map<string, string[]> }>();

  /**
   * Records what a complete walk found in an upper dir, so that looking up critical paths there afterwards asks the
   * kernel only for paths the container has (a few, where it asked for dozens).
   */
  knowUpper(root: string, entries: ReadonlyArray<{ path: string; stat: Stats }>): void {
    const stats = new Map<string, Stats>();
    const children = new Map<string, string[]>([['/', []]]);
    for (const e of entries) {
      stats.set(e.path, e.stat);
      const dir = path.posix.dirname(e.path);
      const list = children.get(dir) ?? [];
      list.push(path.posix.basename(e.path));
      children.set(dir, list);
    }
    this.uppers.set(root, { stats, children });
  }

  /** lstat of `rel` in a walked upper dir: null when the walk did not find it, undefined when the dir was not walked. */
  upperStat(root: string, rel: string): Stats | null | undefined {
    const known = this.uppers.get(root);
    return known ? (known.stats.get(rel) ?? null) : undefined;
  }

  /** Names in a directory of a walked upper dir; undefined when the dir was not walked. */
  upperNames(root: string, dir: string): string[] | undefined {
    const known = this.uppers.get(root);
    return known ? (known.children.get(dir) ?? []) : undefined;
  }

  /** Kind of `rel` (a normalised absolute path) inside the layer at `root`; `lower` for an image or init layer. */
  dirKind(root: string, rel: string, lower = false): DirKind {
    if (rel === '/' || rel === '') return 'dir';
    const key = `${root}\0${rel}`;
    const memo = lower ? lowerFacts.kinds : this.kinds;
    const known = memo.get(key);
    if (known) return known;
    const parent = this.dirKind(root, path.posix.dirname(rel), lower);
    let kind: DirKind = parent;
    if (parent === 'dir') {
      const walked = lower ? undefined : this.upperStat(root, rel);
      const st = walked !== undefined ? walked : lstatOrNull(path.posix.join(root, rel));
      // A symlink may lead anywhere: below it nothing is assumed and every path is resolved as before.
      kind = !st ? 'absent' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'other' : 'absent';
    }
    remember(memo, key, kind, lower ? SHARED_MAX : MEMO_MAX);
    return kind;
  }

  /** lstat of a path in a lower layer, remembered. */
  lowerStat(hostPath: string): Stats | null {
    const memo = lowerFacts.stats;
    if (memo.has(hostPath)) return memo.get(hostPath)!;
    const st = lstatOrNull(hostPath);
    remember(memo, hostPath, st, SHARED_MAX);
    return st;
  }

  /** Entries of a directory in a lower layer, remembered. */
  lowerList(hostDir: string): Dirent[] {
    const known = lowerFacts.lists.get(hostDir);
    if (known) return known;
    const list = direntsSync(hostDir);
    if (lowerFacts.listed + list.length > SHARED_MAX) {
      lowerFacts.lists.clear();
      lowerFacts.listed = 0;
    }
    lowerFacts.lists.set(hostDir, list);
    lowerFacts.listed += list.length;
    return list;
  }

  /** Bytes of a file in a lower layer, read once; `bytes` is the most `read` can return. */
  readMemo(
    hostPath: string,
    read: () => Promise<{ data: Buffer; complete: boolean } | null>,
    bytes: number,
  ): Promise<{ data: Buffer; complete: boolean } | null> {
    let known = lowerFacts.reads.get(hostPath);
    if (!known) {
      if (lowerFacts.reads.size >= READS_MAX || lowerFacts.readBytes + bytes > SHARED_READ_BYTES) {
        lowerFacts.reads.clear();
        lowerFacts.readBytes = 0;
      }
      known = read();
      lowerFacts.reads.set(hostPath, known);
      lowerFacts.readBytes += bytes;
      // A failed read is not kept: the file may be readable next time.
      known.then(
        (r) => {
          if (!r) lowerFacts.reads.delete(hostPath);
        },
        () => lowerFacts.reads.delete(hostPath),
      );
    }
    return known;
  }
}

/** Bounded: past the limit a memo starts over, which costs lookups, never correctness. */
function remember<V>(m: Map<string, V>, k: string, v: V, max: number): void {
  if (m.size >= max) m.clear();
  m.set(k, v);
}

/** A path with no `.` or `..` component, so that its parents are the directories it names. */
const plain = (p: string): boolean => !/(^|\/)\.\.?(\/|$)/.test(p);

/** Finds the topmost layer holding `p`; undefined when absent or deleted by a whiteout. */
export async function locate(
  layers: Layers,
  p: string,
  fromLayer = 0,
  cache: LayerCache = new LayerCache(),
): Promise<Located | undefined> {
  return locateSync(layers, p, fromLayer, cache);
}

function locateSync(layers: Layers, p: string, fromLayer: number, cache: LayerCache): Located | undefined {
  const dirs = [layers.upper, ...layers.lowers];
  const parent = plain(p) ? path.posix.dirname(path.posix.join('/', p)) : undefined;
  for (let i = fromLayer; i < dirs.length; i++) {
    const root = dirs[i];
    if (!root) continue;
    const kind = parent === undefined ? 'other' : cache.dirKind(root, parent, i > 0);
    if (kind === 'absent') continue;
    const hostPath = path.posix.join(root, p);
    const walked = i > 0 ? undefined : cache.upperStat(root, path.posix.join('/', p));
    const st = i > 0 ? cache.lowerStat(hostPath) : walked !== undefined ? walked : lstatOrNull(hostPath);
    if (!st) continue;
    if (isWhiteout(st)) return undefined;
    if (kind !== 'dir' && !staysInside(root, hostPath)) return undefined;
    return { hostPath, stat: st, layer: i };
  }
  return undefined;
}

const rootReals = new Map<string, string>();

/** A layer root's real path: layer dirs stay where the engine put them, so it is resolved once per root. */
function realRoot(root: string): string {
  let known = rootReals.get(root);
  if (known === undefined) {
    if (rootReals.size >= 4096) rootReals.clear();
    known = realOrNull(root) ?? root;
    rootReals.set(root, known);
  }
  return known;
}

const realOrNull = (p: string): string | null => {
  try {
    return realpathSync.native(p);
  } catch {
    return null;
  }
};

/** True when the parent directories of hostPath resolve inside root (no symlinked directory on the way). */
function staysInside(root: string, hostPath: string): boolean {
  const parent = realOrNull(path.posix.dirname(hostPath));
  const rootReal = realRoot(root);
  return parent !== null && (parent === rootReal || parent.startsWith(`${rootReal}/`));
}

/** Names in one directory across all layers, honouring whiteouts of upper layers. */
export async function listDir(layers: Layers, dir: string, cache: LayerCache = new LayerCache()): Promise<string[]> {
  const dirs = [layers.upper, ...layers.lowers];
  const seen = new Map<string, boolean>();
  dirs.forEach((root, i) => {
    if (!root) return;
    const hostDir = path.posix.join(root, dir);
    const walked = i > 0 ? undefined : cache.upperNames(root, path.posix.join('/', dir));
    if (walked) {
      for (const name of walked) {
        if (seen.has(name)) continue;
        const st = cache.upperStat(root, path.posix.join('/', dir, name));
        seen.set(name, !(st && isWhiteout(st)));
      }
      return;
    }
    const entries = i > 0 ? cache.lowerList(hostDir) : direntsSync(hostDir);
    for (const e of entries) {
      if (seen.has(e.name)) continue;
      const hostPath = path.posix.join(root, dir, e.name);
      const wh =
        e.isCharacterDevice() &&
        isWhiteout(
          (i > 0 ? cache.lowerStat(hostPath) : lstatOrNull(hostPath)) ?? ({ isCharacterDevice: () => false } as Stats),
        );
      seen.set(e.name, !wh);
    }
  });
  return [...seen]
    .filter(([, live]) => live)
    .map(([n]) => n)
    .sort();
}

/** Reads at most `max` bytes of a regular file of `size` bytes, refusing symlinks and anything that is not a regular file. */
export function readBounded(
  hostPath: string,
  max: number,
  size = Infinity,
): Promise<{ data: Buffer; complete: boolean } | null> {
  return readNoFollowSized(hostPath, max, size);
}

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
export async function walkTree(
  root: string,
  max: number,
  o: WalkOptions = {},
): Promise<{ entries: WalkEntry[]; truncated: boolean }> {
  const entries: WalkEntry[] = [];
  const stack = [{ dir: o.start ?? '/', depth: 0 }];
  // lstat on this thread (microseconds each), with a turn of the event loop every few hundred entries.
  const tick = yielder(512);
  while (stack.length) {
    const { dir, depth } = stack.pop()!;
    const names = namesSync(path.posix.join(root, dir)).sort();
    for (const name of names) {
      const p = path.posix.join(dir, name);
      if (o.skip?.has(p)) continue;
      await tick();
      if (entries.length >= max) return { entries, truncated: true };
      const hostPath = path.posix.join(root, p);
      const st = lstatOrNull(hostPath);
      if (!st || (o.keep && !o.keep(st))) continue;
      entries.push({ path: p, hostPath, stat: st });
      if (st.isDirectory() && depth < (o.maxDepth ?? Infinity)) stack.push({ dir: p, depth: depth + 1 });
    }
  }
  return { entries, truncated: false };
}
