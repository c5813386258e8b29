import type Docker from 'dockerode';
import type { FileContent } from '@shared/domain/evidence-set.js';
import { readArchive } from './archive.js';
import { fileContent } from './file-content.js';
import type { Limiter } from './limiter.js';
import { lstat } from 'node:fs/promises';
import { readNoFollow } from './safe-read.js';

const ENGINE_PATHS = ['/etc/hosts', '/etc/resolv.conf'];

/** Engine-written files are a few hundred bytes; anything far larger is itself worth a look but not worth holding. */
const MAX_BYTES = 64 * 1024;

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

const later = (mtimeMs: number | undefined, hostnameMs: number | undefined): boolean =>
  mtimeMs !== undefined && hostnameMs !== undefined && mtimeMs - hostnameMs > WRITE_WINDOW_MS;

/**
 * Reads /etc/hosts and /etc/resolv.conf from the engine's container directory on this host. The container can
 * rewrite their content through its bind mount but cannot replace the files, so they are read without following
 * a link all the same.
 */
export async function readEngineFilesOnHost(paths: EngineFilePaths): Promise<EngineFilesRead> {
  const files: FileContent[] = [];
  const read = async (hostPath: string | undefined, containerPath: string) => {
    if (!hostPath?.startsWith('/')) return;
    const r = await readNoFollow(hostPath, MAX_BYTES);
    const c = r && fileContent(containerPath, r.data, r.complete);
    if (c) files.push(c);
  };
  const mtime = (p: string | undefined) =>
    p?.startsWith('/')
      ? lstat(p).then(
          (st) => st.mtimeMs,
          () => undefined,
        )
      : Promise.resolve(undefined);
  const [, , hash, hostnameMs, hostsMs, resolvMs] = await Promise.all([
    read(paths.hostsPath, '/etc/hosts'),
    read(paths.resolvConfPath, '/etc/resolv.conf'),
    paths.resolvConfPath?.startsWith('/') ? readNoFollow(`${paths.resolvConfPath}.hash`, 256) : null,
    mtime(paths.hostnamePath),
    mtime(paths.hostsPath),
    mtime(paths.resolvConfPath),
  ]);
  const recorded = hash?.data
    .toString('utf8')
    .trim()
    .match(/^sha256:([0-9a-f]{64})$/)?.[1];
  return {
    files: files.sort((a, b) => a.path.localeCompare(b.path)),
    resolvConfHash: recorded,
    writtenLater: ENGINE_PATHS.filter((_, i) => later([hostsMs, resolvMs][i], hostnameMs)),
  };
}

/** What the archive endpoint's HEAD says of a path: no tar process on the daemon, unlike a read. */
interface PathStat {
  size: number;
  mtimeMs: number;
}

async function statPath(docker: Docker, containerId: string, p: string): Promise<PathStat | null> {
  const res = (await docker.getContainer(containerId).infoArchive({ path: p })) as unknown as {
    headers?: Record<string, string | undefined>;
    destroy?: () => void;
  };
  // The response has no body to read; left open, its socket would keep the process alive.
  res.destroy?.();
  const header = res.headers?.['x-docker-container-path-stat'];
  if (!header) return null;
  const st = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { size?: number; mtime?: string };
  const mtimeMs = Date.parse(st.mtime ?? '');
  return Number.isFinite(mtimeMs) ? { size: st.size ?? 0, mtimeMs } : null;
}

/**
 * The same two files through the archive endpoint (remote engines), which follows the container's mounts. A read
 * makes the daemon start a tar process (about 100 ms of its CPU), so each file is first stat'ed (about 1 ms) and
 * read only when it was written after the engine wrote the container's /etc/hostname.
 */
export async function readEngineFilesFromArchive(
  docker: Docker,
  containerId: string,
  limit: Limiter,
  timeoutMs?: number,
): Promise<EngineFilesRead> {
  const notFound = (e: unknown) => {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw e;
  };
  const stat = (p: string) => limit(() => statPath(docker, containerId, p)).catch(notFound);
  const [hostname, ...stats] = await Promise.all(['/etc/hostname', ...ENGINE_PATHS].map(stat));
  const wanted = ENGINE_PATHS.filter((_, i) => {
    const st = stats[i];
    return st && (!hostname || later(st.mtimeMs, hostname.mtimeMs));
  });
  const read = (p: string) =>
    limit(() => readArchive(docker, containerId, p, { maxFileBytes: MAX_BYTES, maxTotalBytes: MAX_BYTES, timeoutMs }))
      .then((files) => files.map((f) => fileContent(p, f.data, f.complete)).filter((c): c is FileContent => !!c))
      .catch((e: unknown) => notFound(e) ?? []);
  const files = (await Promise.all(wanted.map(read))).flat();
  return { files, writtenLater: hostname ? wanted : [] };
}
