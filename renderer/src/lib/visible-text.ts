import { showInvisible } from '@shared/text.js';
import { clip } from '@shared/domain/bounds.js';

/**
 * Makes hostile text safe to read: control characters (ANSI escapes, NUL, bells, bidi overrides) become
 * visible escapes such as \x1b, so a process name cannot recolour the screen or hide what follows.
 * React already renders it as text, never as markup.
 */
export function visible(s: string | undefined, opts: { newlines?: boolean; tabs?: boolean } = {}): string {
  if (!s) return '';
  const out = showInvisible(s, '\t\n');
  const nl = opts.newlines ? out : out.replace(/\n/g, '\\n');
  return opts.tabs ? nl : nl.replace(/\t/g, '\\t');
}

/**
 * A name or short field for one line (container, engine, case, image, path): shown as `visible` shows it, then
 * clipped, so a bundle or an engine cannot push a megabyte of name or a bidi override into a header or a list.
 */
export function shown(s: string | undefined, max = 256): string {
  return clip(visible(s), max);
}

/** Human size: 1.2 KiB, 3.4 MiB. */
export function bytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Unix permission bits as ls shows them, with setuid/setgid/sticky. */
export function modeString(mode: number | undefined): string {
  if (mode === undefined) return '';
  const r = (bits: number, s: boolean, sc: string) =>
    `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${s ? (bits & 1 ? sc : sc.toUpperCase()) : bits & 1 ? 'x' : '-'}`;
  return (
    r((mode >> 6) & 7, Boolean(mode & 0o4000), 's') +
    r((mode >> 3) & 7, Boolean(mode & 0o2000), 's') +
    r(mode & 7, Boolean(mode & 0o1000), 't')
  );
}
