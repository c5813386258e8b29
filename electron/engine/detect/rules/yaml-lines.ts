import { EVENT_ID, getScalarValue, parseEvents, type Event } from 'js-yaml';

/**
 * Where each node of a YAML document starts, by its path (`rules.2.match.cmdline`), as 1-based line numbers: schema
 * errors then point at the line an analyst has to fix, not only at a path.
 */
export function yamlLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return lines;
  }
  const lineAt = (offset: number) => (offset < 0 ? 1 : text.slice(0, offset).split('\n').length);
  // One frame per open collection: its path, whether it is a mapping, the next index or the pending key.
  const stack: Array<{ path: string[]; mapping: boolean; index: number; key?: string }> = [];
  const childPath = (): string[] | undefined => {
    const top = stack[stack.length - 1];
    if (!top) return [];
    if (!top.mapping) return [...top.path, String(top.index++)];
    if (top.key === undefined) return undefined;
    const p = [...top.path, top.key];
    top.key = undefined;
    return p;
  };
  for (const e of events) {
    if (e.type === EVENT_ID.DOCUMENT) continue;
    if (e.type === EVENT_ID.POP) {
      stack.pop();
      continue;
    }
    if (e.type === EVENT_ID.SCALAR) {
      const top = stack[stack.length - 1];
      const line = lineAt(e.valueStart);
      if (top?.mapping && top.key === undefined) {
        top.key = getScalarValue(text, e);
        const p = [...top.path, top.key].join('.');
        if (!lines.has(p)) lines.set(p, line);
        continue;
      }
      const p = childPath();
      if (p && !lines.has(p.join('.'))) lines.set(p.join('.'), line);
      continue;
    }
    if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) {
      const p = childPath() ?? [];
      const key = p.join('.');
      if (!lines.has(key)) lines.set(key, lineAt(e.start));
      stack.push({ path: p, mapping: e.type === EVENT_ID.MAPPING, index: 0 });
      continue;
    }
    // An alias stands for a value.
    childPath();
  }
  return lines;
}

/** The line of the deepest known node on a path (a missing key reports its parent's line). */
export function lineOf(lines: Map<string, number>, path: ReadonlyArray<PropertyKey>): number {
  for (let n = path.length; n >= 0; n--) {
    const l = lines.get(path.slice(0, n).map(String).join('.'));
    if (l !== undefined) return l;
  }
  return 1;
}
