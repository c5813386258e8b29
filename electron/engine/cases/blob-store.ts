import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync, createReadStream } from 'node:fs';
import path from 'node:path';

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

const SHA = /^[0-9a-f]{64}$/;

/**
 * Evidence bytes stored once by their sha256 under blobs/ab/abcdef…: the same file seen in ten scans
 * takes the space of one. Writes go to a temp file that is fsynced and renamed, so a crash never
 * leaves a half-written blob under a valid name.
 */
export class BlobStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  pathOf(sha: string): string {
    if (!SHA.test(sha)) throw new Error(`not a sha256: ${sha.slice(0, 80)}`);
    return path.join(this.dir, sha.slice(0, 2), sha);
  }

  has(sha: string): boolean {
    return existsSync(this.pathOf(sha));
  }

  /**
   * Stores bytes under their hash. A blob already there is kept, unless its size shows it is no longer those
   * bytes (damaged or altered): then the good copy replaces it and `repaired` says so, for the custody record.
   */
  put(data: Buffer | string): { sha256: string; size: number; repaired?: boolean } {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const sha = sha256Hex(buf);
    const dest = this.pathOf(sha);
    const present = existsSync(dest);
    const repaired = present && statSync(dest).size !== buf.length;
    if (!present || repaired) {
      mkdirSync(path.dirname(dest), { recursive: true });
      const tmp = `${dest}.${randomBytes(6).toString('hex')}.tmp`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, buf);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, dest);
    }
    return repaired ? { sha256: sha, size: buf.length, repaired } : { sha256: sha, size: buf.length };
  }

  get(sha: string): Buffer {
    return readFileSync(this.pathOf(sha));
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
