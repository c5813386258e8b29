import type Docker from 'dockerode';
import tar from 'tar-stream';
import type { Readable } from 'node:stream';
import { AppError } from '@shared/app-error.js';

export interface ArchivedFile {
  path: string;
  data: Buffer;
  complete: boolean;
  mode: number;
  mtime?: Date;
  type: string;
}

/**
 * Reads files out of a container through `GET /containers/{id}/archive` (works on stopped containers and
 * remote engines, runs nothing inside). Each file keeps at most `maxFileBytes`; the whole read stops at
 * `maxTotalBytes` so archiving a huge directory cannot exhaust memory.
 */
export async function readArchive(
  docker: Docker,
  containerId: string,
  path: string,
  opts: { maxFileBytes: number; maxTotalBytes: number; keep?: (p: string) => boolean; timeoutMs?: number },
): Promise<ArchivedFile[]> {
  const stream = (await docker.getContainer(containerId).getArchive({ path })) as unknown as Readable;
  const base = path.replace(/\/[^/]*$/, '');
  const files: ArchivedFile[] = [];
  let total = 0;
  const extract = tar.extract();
  return new Promise<ArchivedFile[]>((resolve, reject) => {
    // Past the deadline the socket is closed, so a huge or endless archive cannot keep the process alive.
    const timer = setTimeout(() => {
      stream.destroy();
      extract.destroy();
      reject(
        new AppError(
          'ENGINE_TIMEOUT',
          `archive of ${path.slice(0, 200)} did not finish within ${opts.timeoutMs ?? 30_000} ms`,
        ),
      );
    }, opts.timeoutMs ?? 30_000);
    const finish = () => {
      clearTimeout(timer);
      stream.destroy();
      resolve(files);
    };
    extract.on('entry', (header, entry, next) => {
      const full = `${base}/${header.name.replace(/^\.?\//, '')}`.replace(/\/+$/, '').replace(/\/{2,}/g, '/');
      const wanted = header.type === 'file' && (!opts.keep || opts.keep(full)) && total < opts.maxTotalBytes;
      const chunks: Buffer[] = [];
      let size = 0;
      entry.on('data', (c: unknown) => {
        if (!Buffer.isBuffer(c)) return;
        if (!wanted || size >= opts.maxFileBytes) return;
        chunks.push(c);
        size += c.length;
      });
      entry.on('end', () => {
        if (wanted) {
          const data = Buffer.concat(chunks).subarray(0, opts.maxFileBytes);
          total += data.length;
          files.push({
            path: full,
            data,
            complete: (header.size ?? 0) <= opts.maxFileBytes,
            mode: header.mode ?? 0,
            mtime: header.mtime,
            type: header.type ?? 'file',
          });
        }
        if (total >= opts.maxTotalBytes) {
          extract.destroy();
          finish();
          return;
        }
        next();
      });
      entry.resume();
    });
    extract.on('finish', finish);
    const fail = (e: Error) => {
      clearTimeout(timer);
      stream.destroy();
      reject(e);
    };
    extract.on('error', fail);
    stream.on('error', fail);
    stream.pipe(extract);
  });
}
