import { lstatSync, readdirSync, readFile, readFileSync, readlinkSync, type Dirent, type Stats } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Blocking forms of the small host-side reads a local scan makes by the thousand (procfs files, lstat of layer
 * entries, fd links). Each costs microseconds in the kernel; through the thread pool each costs a round trip and
 * a promise, which made a scan of fifty containers several times slower than the reads themselves. None throws.
 */
export const textSync = (p: string): string | null => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};

export const bufSync = (p: string): Buffer | null => {
  try {
    return readFileSync(p);
  } catch {
    return null;
  }
};

export const linkSync = (p: string): string | null => {
  try {
    return readlinkSync(p);
  } catch {
    return null;
  }
};

export const lstatOrNull = (p: string): Stats | null => {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
};

export const namesSync = (p: string): string[] => {
  try {
    return readdirSync(p);
  } catch {
    return [];
  }
};

export const direntsSync = (p: string): Dirent[] => {
  try {
    return readdirSync(p, { withFileTypes: true });
  } catch {
    return [];
  }
};

/**
 * A procfs file whose read costs the kernel real work (the TCP tables walk the host's whole connection hash, some
 * milliseconds each): read in the thread pool, so that several such reads use every core. Null when unreadable.
 */
export const textPooled = (p: string): Promise<string | null> =>
  new Promise((resolve) => readFile(p, 'utf8', (err, text) => resolve(err ? null : text)));

/**
 * Lets the event loop run between bursts of blocking reads: `tick()` resolves at once until `every` calls have
 * passed, then after one turn of the loop, so a huge tree or process table never holds the loop for long.
 */
export function yielder(every = 256): () => Promise<void> | undefined {
  let n = 0;
  return () => (++n % every === 0 ? nextTurn() : undefined);
}
