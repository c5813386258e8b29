import type { Stats } from 'node:fs';
import path from 'node:path';
import type { FileChange } from '@shared/domain/file-change.js';
import { describeEntry } from './file-content.js';
import { walkTree } from './layers.js';
import { lstatOrNull } from './sync-fs.js';

export const MAX_VOLUME_ENTRIES = 2000;
const MAX_DEPTH = 8;
const HASH_BUDGET = 32 * 1024 * 1024;

/** One named volume of the container: where the engine keeps it on this host and where the container sees it. */
export interface VolumeMount {
  source: string;
  destination: string;
}

/**
 * Files written into the container's named volumes since `sinceMs`, read from the volumes' host directories
 * without following links. A volume is in no layer, so the diff never shows what lands there; it also outlives
 * the container, so only entries modified since it began are its doing. The modification time, not the change
 * time: the engine fills a new volume with the image's files at that path keeping their times (their change time
 * is the copy's). Walks at most MAX_VOLUME_ENTRIES entries in all: a database volume is listed in part and says so.
 */
export async function volumeFiles(
  volumes: VolumeMount[],
  sinceMs: number,
): Promise<{ files: FileChange[]; truncated: boolean }> {
  const files: FileChange[] = [];
  const budget = { left: HASH_BUDGET };
  const keep = (st: Stats) => st.isFile() || st.isDirectory();
  let walked = 0;
  for (const v of volumes) {
    if (!lstatOrNull(v.source)?.isDirectory()) continue;
    const walk = await walkTree(v.source, MAX_VOLUME_ENTRIES - walked, { maxDepth: MAX_DEPTH, keep });
    walked += walk.entries.length;
    for (const e of walk.entries) {
      if (e.stat.mtimeMs < sinceMs) continue;
      const inside = path.posix.join(v.destination, e.path);
      files.push(await describeEntry(inside, e.hostPath, e.stat, 'added', budget));
    }
    if (walk.truncated) return { files: sorted(files), truncated: true };
  }
  return { files: sorted(files), truncated: false };
}

const sorted = (files: FileChange[]) => files.sort((a, b) => a.path.localeCompare(b.path));
