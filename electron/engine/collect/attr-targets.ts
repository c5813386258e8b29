import type { FileChange, FileFlag } from '@shared/domain/file-change.js';

/** Files whose flags are read: regular files and directories the container still has. */
export const attrTargets = (files: FileChange[]) =>
  files
    .filter((f) => f.kind !== 'deleted' && f.mode !== undefined && [0o100000, 0o040000].includes(f.mode & 0o170000))
    .slice(0, 5000);

/** Adds the flags read for each target path to its change entry. */
export function addFlags(targets: FileChange[], flags: Map<string, FileFlag[]>): void {
  for (const f of targets) for (const flag of flags.get(f.path) ?? []) if (!f.flags.includes(flag)) f.flags.push(flag);
}
