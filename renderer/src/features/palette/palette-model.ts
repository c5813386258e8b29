/** One thing the palette can jump to or do. */
export interface PaletteItem {
  id: string;
  group: 'View' | 'Action' | 'Container' | 'Finding';
  label: string;
  /** Shown muted after the label, and searched too. */
  hint?: string;
  run(): void;
}

/**
 * Scores an item against the typed query: every word must occur (in label or hint); a label that starts with the
 * query scores best, then word starts, then anywhere. Undefined when it does not match.
 */
export function score(item: PaletteItem, query: string): number | undefined {
  const q = query.trim().toLowerCase();
  if (!q) return 0;
  const label = item.label.toLowerCase();
  const hay = `${label} ${item.hint?.toLowerCase() ?? ''} ${item.group.toLowerCase()}`;
  let s = 0;
  for (const w of q.split(/\s+/)) {
    const i = hay.indexOf(w);
    if (i < 0) return undefined;
    s += i === 0 ? 0 : /[\s\-_:/.]/.test(hay[i - 1]!) ? 1 : 3;
  }
  if (label.startsWith(q)) s -= 5;
  return s;
}

/** Best matches first, groups kept in a stable order among equals, at most `limit`. */
export function search(items: PaletteItem[], query: string, limit = 50): PaletteItem[] {
  const order = { View: 0, Action: 1, Container: 2, Finding: 3 };
  return items
    .map((item, i) => ({ item, i, s: score(item, query) }))
    .filter((x): x is { item: PaletteItem; i: number; s: number } => x.s !== undefined)
    .sort((a, b) => a.s - b.s || order[a.item.group] - order[b.item.group] || a.i - b.i)
    .slice(0, limit)
    .map((x) => x.item);
}
