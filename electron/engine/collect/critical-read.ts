import type Docker from 'dockerode';
import path from 'node:path';
import type { FileContent } from '@shared/domain/evidence-set.js';
import type { FileChange } from '@shared/domain/file-change.js';
import { readArchive } from './archive.js';
import { isCriticalPath } from './critical-files.js';
import { fileContent } from './file-content.js';
import type { Limiter } from './limiter.js';

const MAX_FILE = 1024 * 1024;
const MAX_FILES = 256;

/** Archive roots that together cover every critical pattern in few calls. */
export const ARCHIVE_ROOTS = [
  '/etc',
  '/root/.ssh',
  '/root/.bashrc',
  '/root/.profile',
  '/home',
  '/var/spool/cron/crontabs',
];

/** Critical files of an image as its containers show them untouched, shared by every container of the image. */
export interface ImageFileCache {
  get(imageId: string): Promise<Map<string, FileContent> | null> | undefined;
  set(imageId: string, read: Promise<Map<string, FileContent> | null>): void;
}

const MAX_GROUPS = 8;

const rootOf = (p: string): string =>
  ARCHIVE_ROOTS.find((r) => p === r || p.startsWith(`${r}/`)) ?? path.posix.dirname(p);

/** Reads each root once through the archive endpoint, keeping the files `keep` accepts; absent roots are skipped. */
async function archiveRoots(
  docker: Docker,
  containerId: string,
  roots: string[],
  keep: (p: string) => boolean,
  limit: Limiter,
  timeoutMs?: number,
): Promise<{ files: Map<string, FileContent>; calls: string[] }> {
  const files = new Map<string, FileContent>();
  const calls: string[] = [];
  // Each root is its own call (the daemon spawns a tar process for each): side by side, within the call slots.
  const reads = await Promise.all(
    roots.map((root) =>
      limit(() =>
        readArchive(docker, containerId, root, {
          maxFileBytes: MAX_FILE,
          maxTotalBytes: 16 * 1024 * 1024,
          keep,
          timeoutMs,
        }),
      ).catch((e: unknown) => {
        if ((e as { statusCode?: number }).statusCode === 404) return null;
        throw e;
      }),
    ),
  );
  for (const [i, read] of reads.entries()) {
    if (!read) continue;
    calls.push(`GET /containers/${containerId}/archive?path=${roots[i]}`);
    for (const f of read) {
      const c = fileContent(f.path, f.data, f.complete, {
        mode: 0o100000 | (f.mode & 0o7777),
        mtime: f.mtime ?? new Date(0),
        ctime: f.mtime ?? new Date(0),
        size: f.data.length,
      });
      if (c && files.size < MAX_FILES) files.set(c.path, c);
    }
  }
  return { files, calls };
}

export interface ArchiveReadOptions {
  /** The container's diff: files it did not touch read the same in every container of its image. */
  changes: FileChange[];
  /** Changed paths whose content is wanted beside the critical files. */
  extra?: string[];
  imageId?: string;
  cache?: ImageFileCache;
  /** The engine scan's call slots: each archive call takes one. */
  limit?: Limiter;
  /** Longest wait for one archive call once it has its slot. */
  timeoutMs?: number;
}

/**
 * Critical files read through the archive endpoint (remote engines, stopped containers). The untouched
 * files of an image are read once per scan from its first container; every container then reads only
 * the critical files its own diff shows, which also gives their image hash. Over ssh each call costs
 * hundreds of milliseconds, so this turns six calls per container into about one per image.
 */
export async function readCriticalFromArchive(
  docker: Docker,
  containerId: string,
  opts: ArchiveReadOptions,
): Promise<{ contents: FileContent[]; calls: string[] }> {
  const extra = new Set(opts.extra ?? []);
  const changed = new Map(opts.changes.map((c) => [c.path, c.kind]));
  const wanted = (p: string) => isCriticalPath(p) || extra.has(p);
  const own = opts.changes.filter((c) => c.kind !== 'deleted' && wanted(c.path)).map((c) => c.path);
  const criticalDeleted = opts.changes.some((c) => c.kind === 'deleted' && isCriticalPath(c.path));

  const limit: Limiter = opts.limit ?? ((task) => task());
  let base: Map<string, FileContent> | null = null;
  let fullRead: Promise<{ files: Map<string, FileContent>; calls: string[] }> | undefined;
  if (opts.cache && opts.imageId) {
    const pending = opts.cache.get(opts.imageId);
    if (pending) base = await pending;
    else {
      fullRead = archiveRoots(docker, containerId, ARCHIVE_ROOTS, isCriticalPath, limit, opts.timeoutMs);
      // What this container did not change (and did not delete) is what its image holds.
      const baseline = fullRead.then(
        (r) => (criticalDeleted ? null : new Map([...r.files].filter(([p]) => !changed.has(p)))),
        () => null,
      );
      opts.cache.set(opts.imageId, baseline);
    }
  }

  const out = new Map<string, FileContent>();
  const calls: string[] = [];
  let remaining = own;
  if (base) {
    for (const [p, c] of base) if (!changed.has(p)) out.set(p, c);
  } else {
    const full = await (fullRead ??
      archiveRoots(docker, containerId, ARCHIVE_ROOTS, isCriticalPath, limit, opts.timeoutMs));
    // The image's first container deleted a critical file, so it could not stand for the image; this one can.
    if (!fullRead && opts.cache && opts.imageId && !criticalDeleted)
      opts.cache.set(opts.imageId, Promise.resolve(new Map([...full.files].filter(([p]) => !changed.has(p)))));
    calls.push(...full.calls);
    for (const [p, c] of full.files) out.set(p, c);
    remaining = own.filter((p) => !out.has(p));
  }

  const groups = new Map<string, Set<string>>();
  for (const p of remaining) {
    const root = rootOf(p);
    if (!groups.has(root) && groups.size >= MAX_GROUPS) continue;
    groups.set(root, (groups.get(root) ?? new Set()).add(p));
  }
  // A few files are cheaper one by one than the whole directory they sit in (all of /etc, say).
  const groupReads = await Promise.all(
    [...groups].map(([root, paths]) =>
      archiveRoots(
        docker,
        containerId,
        paths.size <= 3 ? [...paths] : [root],
        (p) => paths.has(p),
        limit,
        opts.timeoutMs,
      ),
    ),
  );
  for (const r of groupReads) {
    calls.push(...r.calls);
    for (const [p, c] of r.files) {
      const inImage = base?.get(p);
      if (inImage) c.imageSha256 = inImage.sha256;
      out.set(p, c);
    }
  }
  return { contents: [...out.values()].sort((a, b) => a.path.localeCompare(b.path)).slice(0, MAX_FILES), calls };
}
