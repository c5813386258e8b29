/**
 * Escaping for every export format. Strings from containers are hostile: names, command lines and file
 * paths can carry markup, Markdown, terminal escapes or bidi overrides meant to mislead the reader.
 */
import { INVISIBLE_CHARS } from '@shared/text.js';

/** Makes invisible characters visible as \u{..} so the reader sees they were there; tab and newline stay. */
export function visible(s: string): string {
  return s.replace(INVISIBLE_CHARS, (c) => (c === '\t' || c === '\n' ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`));
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string | number | undefined | null): string {
  return visible(String(s ?? '')).replace(/[&<>"']/g, (c) => HTML[c]!);
}

/**
 * Inline Markdown text: HTML-escaped (renderers pass raw HTML through), newlines folded so a value cannot
 * start a block, the inline syntax characters backslash-escaped, block markers escaped at the start, and
 * the triggers of GFM autolinks (scheme://, www., @) broken so no container string becomes a link.
 */
export function escapeMarkdown(s: string | number | undefined | null): string {
  return visible(String(s ?? ''))
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_{}[\]|~!@]/g, (c) => `\\${c}`)
    .replace(/[&<>"]/g, (c) => HTML[c]!)
    .replace(/:\/\//g, ':\\/\\/')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(
      /^(\s*)([#>+=-]|\d+[.)])/,
      (_m, sp: string, mark: string) => `${sp}${mark.replace(/[#>+=\-.)]/, (c) => `\\${c}`)}`,
    );
}

/** A Markdown code span that cannot be broken out of: the fence is longer than any backtick run inside. */
export function markdownCode(s: string): string {
  const clean = visible(s).replace(/\r?\n|\r/g, ' ');
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') || clean === '' ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}
