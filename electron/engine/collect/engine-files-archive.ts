import type Docker from 'dockerode';
import type { FileContent } from '@shared/domain/evidence-set.js';
import { readArchive } from './archive.js';
import { ENGINE_FILE_MAX_BYTES, ENGINE_PATHS, writtenLater, type EngineFilesRead } from './engine-files.js';
import { fileContent } from './file-content.js';
import type { Limiter } from './limiter.js';

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
    return st && (!hostname || writtenLater(st.mtimeMs, hostname.mtimeMs));
  });
  const read = (p: string) =>
    limit(() =>
      readArchive(docker, containerId, p, {
        maxFileBytes: ENGINE_FILE_MAX_BYTES,
        maxTotalBytes: ENGINE_FILE_MAX_BYTES,
        timeoutMs,
      }),
    )
      .then((files) => files.map((f) => fileContent(p, f.data, f.complete)).filter((c): c is FileContent => !!c))
      .catch((e: unknown) => notFound(e) ?? []);
  const files = (await Promise.all(wanted.map(read))).flat();
  return { files, writtenLater: hostname ? wanted : [] };
}
