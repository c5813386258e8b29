import { createHash } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { lstat, open, readlink, access } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { extract } from 'tar-stream';
import { LIMITS } from '@shared/domain/bounds.js';
import type { FileSide } from '@shared/api/investigate.js';

/** Bytes kept for preview and diff; the rest is only hashed. */
export const KEEP_BYTES = LIMITS.text;
/** Past this a file is not hashed either: a 10 GB log must not pin the engine. */
export const HASH_LIMIT_BYTES = 256 * 1024 * 1024;

export const MISSING: FileSide = { exists: false, binary: false, truncated: false };

/** Accumulates the bytes of one file: keeps the head, hashes the whole (up to the limit). */
class Sink {
  private readonly head: Buffer[] = [];
  private kept = 0;
  private total = 0;
  private readonly hash = createHash('sha256');
  overLimit = false;

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.total > HASH_LIMIT_BYTES) this.overLimit = true;
    if (!this.overLimit) this.hash.update(chunk);
    if (this.kept < KEEP_BYTES + 1) {
      const part = chunk.subarray(0, KEEP_BYTES + 1 - this.kept);
      this.head.push(part);
      this.kept += part.length;
    }
  }

  side(extra: Partial<FileSide>): FileSide {
    const head = Buffer.concat(this.head);
    const truncated = this.kept > KEEP_BYTES || this.overLimit;
    const body = head.subarray(0, KEEP_BYTES);
    // A NUL byte in the first block is what git and diff use to call a file binary.
    const binary = body.subarray(0, 8000).includes(0);
    return {
      exists: true,
      kind: 'file',
      size: this.total,
      sha256: this.overLimit ? undefined : this.hash.digest('hex'),
      binary,
      truncated,
      headHex: body.subarray(0, 32).toString('hex'),
      text: binary ? undefined : new TextDecoder('utf-8', { fatal: false }).decode(body),
      ...extra,
    };
  }
}

/**
 * Reads one file of a container (or of a created-never-started container) through the archive endpoint:
 * nothing runs inside the container, and a file the container deleted answers 404.
 */
export async function readViaArchive(container: Docker.Container, filePath: string): Promise<FileSide> {
  let stream: Readable;
  try {
    stream = (await container.getArchive({ path: filePath })) as unknown as Readable;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return MISSING;
    throw e;
  }
  return new Promise<FileSide>((resolve, reject) => {
    const ex = extract();
    let result: FileSide | undefined;
    ex.on('entry', (header, body, next) => {
      if (result) {
        // Only the first entry is the file asked for; a directory answer lists its children after it.
        body.resume();
        body.on('end', next);
        return;
      }
      const mode = header.mode;
      if (header.type === 'symlink') {
        result = {
          exists: true,
          kind: 'symlink',
          symlinkTarget: (header.linkname ?? '').slice(0, LIMITS.path),
          mode,
          binary: false,
          truncated: false,
        };
        body.resume();
        body.on('end', next);
        return;
      }
      if (header.type === 'directory') {
        result = { exists: true, kind: 'directory', mode, binary: false, truncated: false };
        // A directory's archive is its whole subtree: stop here rather than stream it.
        body.resume();
        finish();
        return;
      }
      const sink = new Sink();
      body.on('data', (c: unknown) => {
        sink.push(c as Buffer);
        if (sink.overLimit) {
          result = sink.side({ mode, kind: header.type === 'file' ? 'file' : 'other' });
          finish();
        }
      });
      body.on('end', () => {
        if (!result) result = sink.side({ mode, kind: header.type === 'file' ? 'file' : 'other' });
        next();
      });
    });
    const finish = () => {
      stream.unpipe(ex);
      stream.destroy();
      ex.destroy();
      resolve(result ?? MISSING);
    };
    ex.on('finish', () => resolve(result ?? MISSING));
    ex.on('error', (e) => (result ? resolve(result) : reject(e)));
    stream.on('error', (e) => (result ? resolve(result) : reject(e)));
    stream.pipe(ex);
  });
}

/**
 * Reads the image's version of a path from the overlay lower directories on this host. Every component is
 * checked with lstat so a symlink in a hostile image can never lead the read outside the layer; such paths
 * fall back to the archive route (undefined).
 */
export async function readFromLowerDirs(lowerDir: string, filePath: string): Promise<FileSide | undefined> {
  const layers = lowerDir.split(':').filter(Boolean);
  if (layers.length === 0) return undefined;
  try {
    await access(layers[0]!, fsc.R_OK);
  } catch {
    return undefined;
  }
  const parts = path.posix.normalize(filePath).split('/').filter(Boolean);
  if (parts.length === 0 || parts.includes('..')) return undefined;
  for (const layer of layers) {
    // Upper layers come first: a whiteout there hides the path in every layer below.
    let dir = layer;
    let hidden = false;
    let blocked = false;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      if (await exists(path.join(dir, `.wh.${name}`))) {
        hidden = true;
        break;
      }
      const next = path.join(dir, name);
      const st = await lstat(next).catch(() => undefined);
      if (!st) {
        blocked = true;
        break;
      }
      if (i < parts.length - 1) {
        if (st.isSymbolicLink()) return undefined;
        if (!st.isDirectory()) {
          blocked = true;
          break;
        }
        dir = next;
        continue;
      }
      if (st.isSymbolicLink())
        return {
          exists: true,
          kind: 'symlink',
          symlinkTarget: (await readlink(next)).slice(0, LIMITS.path),
          mode: st.mode,
          binary: false,
          truncated: false,
        };
      if (st.isDirectory()) return { exists: true, kind: 'directory', mode: st.mode, binary: false, truncated: false };
      if (!st.isFile()) return { exists: true, kind: 'other', mode: st.mode, binary: false, truncated: false };
      return readHostFile(next, st.mode);
    }
    if (hidden) return MISSING;
    if (blocked) continue;
  }
  return MISSING;
}

async function readHostFile(file: string, mode: number): Promise<FileSide> {
  const fh = await open(file, fsc.O_RDONLY | fsc.O_NOFOLLOW);
  try {
    const sink = new Sink();
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      sink.push(Buffer.from(buf.subarray(0, bytesRead)));
      if (sink.overLimit) break;
    }
    return sink.side({ mode });
  } finally {
    await fh.close();
  }
}

const exists = (p: string) =>
  lstat(p).then(
    () => true,
    () => false,
  );
