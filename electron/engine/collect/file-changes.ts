import type { FileChange } from '@shared/domain/file-change.js';
import { LIMITS } from '@shared/domain/limits.js';
import { inodeStamp, type InodeStamp } from './inode-cache.js';
import { describeEntry } from './file-content.js';
import { isWhiteout, LayerCache, locate, walkTree, type Layers } from './layers.js';
import { linkSync, yielder } from './sync-fs.js';

/** Upper bound on the entries one container's diff may contribute. */
export const MAX_CHANGES = 20_000;
/** Bytes hashed per container: enough for every binary an intruder drops, not for a rebuilt node_modules. */
export const HASH_BUDGET_BYTES = 64 * 1024 * 1024;

const KIND: Record<number, FileChange['kind']> = { 0: 'changed', 1: 'added', 2: 'deleted' };

/**
 * `GET /containers/{id}/changes` rows to the domain. An unchanged container answers `null`, which dockerode
 * hands over as an unparsed Buffer: anything but an array of rows is no change.
 */
export function mapApiChanges(rows: unknown): FileChange[] {
  if (!Array.isArray(rows)) return [];
  return (rows as { Path?: unknown; Kind?: unknown }[])
    .filter((r) => typeof r?.Path === 'string')
    .slice(0, MAX_CHANGES)
    .map((r) => ({ path: r.Path as string, kind: KIND[Number(r.Kind)] ?? 'changed', flags: [] }));
}

/**
 * The same diff the Engine API computes for overlay2, read straight from the upper dir: an entry is
 * deleted when it is a whiteout, changed when a lower layer has the path, added otherwise. Regular files
 * are hashed (within a byte budget) so the diff doubles as evidence.
 */
export async function upperDirChanges(
  layers: Layers,
  cache: LayerCache = new LayerCache(),
): Promise<{ changes: FileChange[]; truncated: boolean; stamps: Map<string, InodeStamp> }> {
  const stamps = new Map<string, InodeStamp>();
  if (!layers.upper) return { changes: [], truncated: false, stamps };
  const { entries, truncated } = await walkTree(layers.upper, MAX_CHANGES);
  if (!truncated) cache.knowUpper(layers.upper, entries);
  const budget = { left: HASH_BUDGET_BYTES };
  const describe = async (e: (typeof entries)[number]): Promise<FileChange> => {
    if (isWhiteout(e.stat)) {
      const gone = await locate(layers, e.path, 1, cache);
      return {
        path: e.path,
        kind: 'deleted',
        flags: [],
        ...(gone?.stat.isFile() ? { imageSize: gone.stat.size } : {}),
      };
    }
    const below = await locate(layers, e.path, 1, cache);
    if (e.stat.isFile() || e.stat.isDirectory()) stamps.set(e.path, inodeStamp(e.stat));
    // readlink reads the link itself in the upper dir; nothing is followed.
    const linkTarget = e.stat.isSymbolicLink() ? (linkSync(e.hostPath) ?? undefined) : undefined;
    const change = await describeEntry(e.path, e.hostPath, e.stat, below ? 'changed' : 'added', budget);
    // What the image held there: a log or history smaller now than in the image was cut after start.
    if (below?.stat.isFile() && e.stat.isFile()) change.imageSize = below.stat.size;
    if (e.stat.isSymbolicLink()) change.linkTarget = (linkTarget ?? '').slice(0, LIMITS.path) || undefined;
    return change;
  };
  // One entry after the other: lookups below are memoised per scan and small files are read on this thread, so
  // an entry costs microseconds; the loop still yields now and then for a huge diff.
  const changes: FileChange[] = [];
  const tick = yielder(128);
  for (const e of entries) {
    await tick();
    changes.push(await describe(e));
  }
  changes.sort((a, b) => a.path.localeCompare(b.path));
  return { changes, truncated, stamps };
}
