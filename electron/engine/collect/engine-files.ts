import type { FileContent } from '@shared/domain/evidence-set.js';
import { fileContent } from './file-content.js';
import { readNoFollowSync } from './safe-read.js';
import { lstatOrNull } from './sync-fs.js';

export const ENGINE_PATHS = ['/etc/hosts', '/etc/resolv.conf'];

/** Engine-written files are a few hundred bytes; anything far larger is itself worth a look but not worth holding. */
export const ENGINE_FILE_MAX_BYTES = 64 * 1024;

/** Where the engine keeps the files it bind-mounts over the container's own, from inspect. */
export interface EngineFilePaths {
  hostnamePath?: string;
  hostsPath?: string;
  resolvConfPath?: string;
}

export interface EngineFilesRead {
  files: FileContent[];
  /** The hash the engine recorded when it wrote resolv.conf (engines before 25 keep `resolv.conf.hash`). */
  resolvConfHash?: string;
  /** Files written after the engine's write window (see WRITE_WINDOW_MS), by container path. */
  writtenLater: string[];
}

/**
 * How long after /etc/hostname the engine may still be writing the other two. Measured: hosts and a default
 * network's resolv.conf within 25 ms of it, a user-defined network's resolv.conf about 350 ms later (callers leave
 * that one to its content); a container's own first command rewriting either lands 350 ms or more after it.
 */
const WRITE_WINDOW_MS = 250;

export const writtenLater = (mtimeMs: number | undefined, hostnameMs: number | undefined): boolean =>
  mtimeMs !== undefined && hostnameMs !== undefined && mtimeMs - hostnameMs > WRITE_WINDOW_MS;

/**
 * Reads /etc/hosts and /etc/resolv.conf from the engine's container directory on this host. The container can
 * rewrite their content through its bind mount but cannot replace the files, so they are read without following
 * a link all the same. Blocking reads: the files are a few hundred bytes, and through the thread pool each of the
 * dozen calls per container would cost more in round trips than in the kernel.
 */
export function readEngineFilesOnHost(paths: EngineFilePaths): EngineFilesRead {
  const files: FileContent[] = [];
  const onHost = (p: string | undefined): p is string => Boolean(p?.startsWith('/'));
  for (const [hostPath, containerPath] of [
    [paths.hostsPath, '/etc/hosts'],
    [paths.resolvConfPath, '/etc/resolv.conf'],
  ] as const) {
    if (!onHost(hostPath)) continue;
    const r = readNoFollowSync(hostPath, ENGINE_FILE_MAX_BYTES);
    const c = r && fileContent(containerPath, r.data, r.complete);
    if (c) files.push(c);
  }
  const hash = onHost(paths.resolvConfPath) ? readNoFollowSync(`${paths.resolvConfPath}.hash`, 256) : null;
  const mtime = (p: string | undefined) => (onHost(p) ? lstatOrNull(p)?.mtimeMs : undefined);
  const hostnameMs = mtime(paths.hostnamePath);
  const recorded = hash?.data
    .toString('utf8')
    .trim()
    .match(/^sha256:([0-9a-f]{64})$/)?.[1];
  return {
    files,
    resolvConfHash: recorded,
    writtenLater: ENGINE_PATHS.filter((_, i) =>
      writtenLater(mtime([paths.hostsPath, paths.resolvConfPath][i]), hostnameMs),
    ),
  };
}
