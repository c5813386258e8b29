import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
  createReadStream,
} from 'node:fs';
import path from 'node:path';
import { AppError } from '@shared/errors.js';
import { diskError } from './disk-errors.js';

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

const SHA = /^[0-9a-f]{64}$/;

/**
 * Evidence bytes stored once by their sha256 under blobs/ab/abcdef…: the same file seen in ten scans
 * takes the space of one. Writes go to a temp file that is fsynced and renamed, so a crash never
 * leaves a half-written blob under a valid name.
 */
export class BlobStore {
  /** Blobs newly written inside `undoable`, removed again when it fails. */
  private written?: string[];

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  pathOf(sha: string): string {
    if (!SHA.test(sha)) throw new Error(`not a sha256: ${sha.slice(0, 80)}`);
    return path.join(this.dir, sha.slice(0, 2), sha);
  }

  has(sha: string): boolean {
    return existsSync(this.pathOf(sha));
  }

  /**
   * Stores bytes under their hash. A blob already there is kept, unless its content no longer hashes to its
   * name (damaged or altered, whatever its size): then the good copy replaces it and `repaired` says so, for the
   * custody record.
   */
  put(data: Buffer | string): { sha256: string; size: number; repaired?: boolean } {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const sha = sha256Hex(buf);
    const dest = this.pathOf(sha);
    const present = existsSync(dest);
    const repaired = present && sha256Hex(readFileSync(dest)) !== sha;
    if (!present || repaired) this.writeAtomically(dest, buf);
    if (!present) this.written?.push(dest);
    return repaired ? { sha256: sha, size: buf.length, repaired } : { sha256: sha, size: buf.length };
  }

  /**
   * Runs a write that stores blobs and rows together: when it fails (the rows are rolled back), the blobs it
   * brought into the store are removed too, so a failed import on a full disk gives its space back.
   */
  undoable<T>(fn: () => T): T {
    const outer = this.written;
    this.written = [];
    try {
      const r = fn();
      outer?.push(...this.written);
      return r;
    } catch (e) {
      for (const f of this.written) rmSync(f, { force: true });
      throw e;
    } finally {
      this.written = outer;
    }
  }

  private writeAtomically(dest: string, buf: Buffer): void {
    const tmp = `${dest}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, buf);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, dest);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw diskError(e, `evidence blob ${path.basename(dest)}`);
    }
  }

  /** The stored bytes, checked against their hash: altered evidence is never handed out as if it were the original. */
  get(sha: string): Buffer {
    const buf = readFileSync(this.pathOf(sha));
    const actual = sha256Hex(buf);
    if (actual !== sha)
      throw new AppError(
        'DB',
        `Evidence blob ${sha} was altered in the store (it now hashes to ${actual}); run stowaway case verify`,
        { sha256: sha, actual },
      );
    return buf;
  }

  /** Recomputes the hash of a stored blob by streaming it: evidence can be large. */
  rehash(sha: string): Promise<string | undefined> {
    const file = this.pathOf(sha);
    if (!existsSync(file)) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const h = createHash('sha256');
      createReadStream(file)
        .on('data', (d) => h.update(d))
        .on('error', reject)
        .on('end', () => resolve(h.digest('hex')));
    });
  }
}
