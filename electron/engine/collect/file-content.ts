import type { Stats } from 'node:fs';
import { LIMITS } from '@shared/domain/limits.js';
import type { FileContent } from '@shared/domain/evidence-set.js';
import type { FileChange, FileFlag } from '@shared/domain/file-change.js';
import { sha256Hex } from './artifacts.js';
import { knownHash, rememberHash } from './file-hashes.js';
import { readNoFollowSized } from './safe-read.js';

/** Files larger than this are hashed from their first bytes only, and the hash is not reported. */
export const MAX_CONTENT_BYTES = 8 * 1024 * 1024;

const ELF = '7f454c46';

/** Is this text an analyst can read (valid UTF-8, no NUL)? */
function asText(data: Buffer): string | undefined {
  if (data.includes(0)) return undefined;
  const text = data.toString('utf8');
  if (text.includes('\uFFFD')) return undefined;
  return text.slice(0, LIMITS.text);
}

/** The flags a file's bytes and mode earn. */
export function contentFlags(head: Buffer | undefined, mode: number | undefined, name: string): FileFlag[] {
  const flags: FileFlag[] = [];
  if (mode !== undefined) {
    const type = mode & 0o170000;
    if (type === 0o120000) flags.push('symlink');
    if (type === 0o100000) {
      if (mode & 0o4000) flags.push('setuid');
      if (mode & 0o2000) flags.push('setgid');
      if (mode & 0o111) flags.push('executable');
    }
  }
  if (name.startsWith('.')) flags.push('hidden');
  if (head && head.length >= 4 && head.subarray(0, 4).toString('hex') === ELF) flags.push('elf');
  else if (head && head.length >= 2 && head[0] === 0x23 && head[1] === 0x21) flags.push('script');
  return flags;
}

/** Bytes left to hash in one listing, shared by its entries. */
export interface HashBudget {
  left: number;
}

/**
 * One entry of a host-side listing as a diff entry: size, mode and time, the sha256 of a regular file while
 * the budget lasts (read without following a link), and the flags its first bytes and mode earn.
 */
export async function describeEntry(
  relPath: string,
  hostPath: string,
  st: Stats,
  kind: FileChange['kind'],
  budget: HashBudget,
): Promise<FileChange> {
  const change: FileChange = {
    path: relPath,
    kind,
    size: st.size,
    mode: st.mode,
    mtime: st.mtime.toISOString(),
    flags: [],
  };
  let head: Buffer | undefined;
  if (st.isFile() && st.size <= MAX_CONTENT_BYTES && st.size <= budget.left) {
    // Reserved before reading, so entries described at once cannot together overdraw the budget. A file hashed
    // before counts the same, so that which files have hashes never depends on what an earlier scan read.
    budget.left -= st.size;
    const before = knownHash(hostPath, st);
    if (before) {
      change.sha256 = before.sha256;
      head = before.head;
    } else {
      const startedAt = Date.now();
      const read = await readNoFollowSized(hostPath, MAX_CONTENT_BYTES, st.size);
      budget.left += st.size - (read?.complete ? read.data.length : 0);
      if (read?.complete) {
        change.sha256 = sha256Hex(read.data);
        head = read.data.subarray(0, 4);
        rememberHash(hostPath, st, startedAt, change.sha256, head);
      }
    }
  }
  change.flags = contentFlags(head, st.mode, relPath.slice(relPath.lastIndexOf('/') + 1));
  return change;
}

/** A file's content as evidence: exact hash, readable text when it is text, and the first bytes otherwise. */
export function fileContent(
  path: string,
  data: Buffer,
  complete: boolean,
  stat?: Pick<Stats, 'mode' | 'mtime' | 'ctime' | 'size'>,
): FileContent | null {
  if (!complete) return null;
  const text = asText(data);
  return {
    path,
    sha256: sha256Hex(data),
    size: data.length,
    text,
    headHex: text === undefined ? data.subarray(0, 32).toString('hex') : undefined,
    mode: stat?.mode,
    mtime: stat?.mtime.toISOString(),
    ctime: stat?.ctime.toISOString(),
  };
}
