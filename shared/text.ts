/**
 * Characters that must never reach an analyst's screen, report or terminal as themselves: C0/C1 controls
 * (ANSI escapes, NUL, bell, carriage return), zero-width characters, bidi overrides and isolates, and the BOM.
 * Container strings use them to recolour a terminal, hide text or make a name read differently. Tab and
 * newline are included; each output decides whether to keep them.
 */
export const INVISIBLE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Shows each invisible character as \xNN or \uNNNN, except those listed in `keep` (say, tab and newline). */
export function showInvisible(s: string, keep = ''): string {
  return s.replace(INVISIBLE_CHARS, (c) => {
    if (keep.includes(c)) return c;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
