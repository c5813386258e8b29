import type { FileContent } from '@shared/domain/evidence-set.js';
import { sha256Hex } from './artifacts.js';
import { CRITICAL_PATTERNS } from './critical-files.js';
import { fileContent } from './file-content.js';
import { LayerCache, listDir, locate, readBounded, type Layers } from './layers.js';

const MAX_FILE = 1024 * 1024;
const MAX_FILES = 256;

/** Expands one pattern ("/home/*\/.ssh/authorized_keys") against the layered tree. */
async function expand(layers: Layers, pattern: string, cache: LayerCache): Promise<string[]> {
  let paths = [''];
  for (const part of pattern.split('/').filter(Boolean)) {
    const next: string[] = [];
    for (const base of paths) {
      if (part !== '*') next.push(`${base}/${part}`);
      else for (const name of (await listDir(layers, base || '/', cache)).slice(0, 256)) next.push(`${base}/${name}`);
    }
    paths = next.slice(0, MAX_FILES);
  }
  return paths;
}

/**
 * Reads one container path through the layers, with the hash of the same path in the image when it differs.
 * Reads from image layers are shared through `cache` by every container of the image.
 */
export async function readLayeredFile(
  layers: Layers,
  p: string,
  cache: LayerCache = new LayerCache(),
): Promise<FileContent | null> {
  const top = await locate(layers, p, 0, cache);
  if (!top || !top.stat.isFile()) return null;
  const readAt = (hostPath: string, size: number) => readBounded(hostPath, MAX_FILE, size);
  const read = await (top.layer === 0
    ? readAt(top.hostPath, top.stat.size)
    : cache.readMemo(top.hostPath, () => readAt(top.hostPath, top.stat.size), Math.min(top.stat.size, MAX_FILE)));
  if (!read) return null;
  const content = fileContent(p, read.data, read.complete, top.stat);
  if (!content) return null;
  if (top.layer === 0) {
    const below = await locate(layers, p, 1, cache);
    if (below?.stat.isFile()) {
      const orig = await cache.readMemo(
        below.hostPath,
        () => readAt(below.hostPath, below.stat.size),
        Math.min(below.stat.size, MAX_FILE),
      );
      if (orig?.complete) content.imageSha256 = sha256Hex(orig.data);
    }
  } else {
    // Read from the image itself: unchanged by definition.
    content.imageSha256 = content.sha256;
  }
  return content;
}

/** Critical files read host-side from the overlay layers (local engines, running or stopped). */
export async function readCriticalFromLayers(
  layers: Layers,
  extra: string[] = [],
  cache: LayerCache = new LayerCache(),
): Promise<FileContent[]> {
  const paths = new Set<string>(extra);
  for (const pattern of CRITICAL_PATTERNS) for (const p of await expand(layers, pattern, cache)) paths.add(p);
  const read: (FileContent | null)[] = [];
  for (const p of [...paths].slice(0, MAX_FILES)) read.push(await readLayeredFile(layers, p, cache));
  return read.filter((c): c is FileContent => c !== null).sort((a, b) => a.path.localeCompare(b.path));
}
