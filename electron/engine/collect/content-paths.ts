import type { FileChange } from '@shared/domain/file-change.js';

/** Changed files whose content is read beside the critical files (small text files in the places persistence uses). */
const CONTENT_DIRS = [
  '/etc/',
  '/root/',
  '/home/',
  '/var/spool/cron/',
  '/usr/local/bin/',
  '/tmp/',
  '/dev/shm/',
  '/var/tmp/',
];
const MAX_EXTRA_CONTENTS = 64;

/** Paths whose content is worth keeping beyond the critical set: small text files changed where persistence hides. */
export function extraContentPaths(files: FileChange[]): string[] {
  return files
    .filter(
      (f) =>
        f.kind !== 'deleted' &&
        (f.size ?? 0) <= 256 * 1024 &&
        CONTENT_DIRS.some((d) => f.path.startsWith(d)) &&
        !f.flags.includes('elf') &&
        (f.mode === undefined || (f.mode & 0o170000) === 0o100000),
    )
    .slice(0, MAX_EXTRA_CONTENTS)
    .map((f) => f.path);
}
