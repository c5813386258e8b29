import type { ContainerEvidence, FileContent } from '@shared/domain/evidence-set.js';
import type { FileChange } from '@shared/domain/file-change.js';

/** Contents read for paths matching the test, one per path (the newest read wins). */
export function contents(c: ContainerEvidence, test: (path: string) => boolean): FileContent[] {
  const byPath = new Map<string, FileContent>();
  for (const f of c.fileContents) if (test(f.path)) byPath.set(f.path, f);
  return [...byPath.values()];
}

export function changeOf(c: ContainerEvidence, path: string): FileChange | undefined {
  return c.files.find((f) => f.path === path);
}

/**
 * Did the file change after the container started? True when the diff lists it as added/changed, or when
 * its hash differs from the same path in the image.
 */
export function drifted(c: ContainerEvidence, f: FileContent): boolean {
  const ch = changeOf(c, f.path);
  if (ch && ch.kind !== 'deleted') return true;
  return f.imageSha256 !== undefined && f.imageSha256 !== f.sha256;
}

/** Non-empty, non-comment lines. */
export const activeLines = (text: string | undefined): string[] =>
  (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

export const isCron = (p: string): boolean =>
  p === '/etc/crontab' ||
  /^\/etc\/cron\.(d|hourly|daily|weekly|monthly)\/[^/]+$/.test(p) ||
  // busybox crond's run-parts directories (Alpine and busybox images).
  /^\/etc\/periodic\/(15min|hourly|daily|weekly|monthly)\/[^/]+$/.test(p) ||
  /^\/var\/spool\/cron\/(crontabs\/)?[^/]+$/.test(p);
export const isAuthorizedKeys = (p: string): boolean => /\/\.ssh\/authorized_keys2?$/.test(p);
export const isSudoers = (p: string): boolean => p === '/etc/sudoers' || /^\/etc\/sudoers\.d\/[^/]+$/.test(p);
export const isShellRc = (p: string): boolean =>
  /^\/(root|home\/[^/]+)\/\.(bashrc|bash_profile|bash_login|profile|zshrc|zprofile|kshrc|ashrc|mkshrc|bash_logout)$/.test(
    p,
  ) ||
  /^\/etc\/(profile|bash\.bashrc|bashrc|zsh\/zshrc|environment|rc\.local)$/.test(p) ||
  /^\/etc\/profile\.d\/[^/]+$/.test(p);

/**
 * A container's diff, its tmpfs scratch listing and what it wrote to its volumes as one list of added/changed/deleted entries, and the note
 * evidence text gives a tmpfs entry (it is in no layer, so no image or diff will show it again).
 */
export function filesOf(c: ContainerEvidence): { list: FileChange[]; where: (f: FileChange) => string } {
  const tmpfs = new Set(c.tmpfsFiles);
  const volume = new Set(c.volumeFiles);
  return {
    list: [...c.files, ...c.tmpfsFiles, ...c.volumeFiles],
    where: (f) => (tmpfs.has(f) ? ' in tmpfs (in no layer)' : volume.has(f) ? ' in a volume (in no layer)' : ''),
  };
}
