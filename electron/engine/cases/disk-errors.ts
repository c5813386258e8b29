import { AppError, isAppError } from '@shared/errors.js';

/** SQLite's and the OS's ways of saying the disk is full. */
const FULL = /DISK_FULL|SQLITE_FULL|ENOSPC|database or disk is full|no space left/i;

/**
 * Names a write failure by its cause: a full disk becomes DISK_FULL, which the CLI and the UI show as such,
 * instead of an anonymous I/O error. Everything committed before stays committed (each write is one transaction).
 */
export function diskError(e: unknown, what: string): unknown {
  // The outermost write names what was lost: the scan, not the blob inside it.
  if (isAppError(e) && e.code !== 'DISK_FULL') return e;
  const err = e as NodeJS.ErrnoException & { code?: string };
  const msg = `${err?.code ?? ''} ${err?.message ?? String(e)}`;
  if (FULL.test(msg))
    return new AppError(
      'DISK_FULL',
      `The disk of the data directory is full: ${what} was not written; nothing recorded before was lost`,
      undefined,
      { cause: e },
    );
  return e;
}
