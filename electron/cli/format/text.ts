import { showInvisible } from '@shared/text.js';

/**
 * Makes a container-supplied string safe for a terminal: control characters (ANSI escapes, OSC title
 * sequences, carriage returns) are shown as visible escapes instead of being interpreted.
 */
export function terminalSafe(s: string, max = 200): string {
  const safe = showInvisible(s);
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

/** A plain-text table with columns sized to their content. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
