import { diffLines } from 'diff';
import { clip, LIMITS } from '@shared/domain/bounds.js';
import { MAX_DIFF_LINES, type DiffLine } from '@shared/api/investigate.js';

/** Lines of unchanged text kept around each change, as in `diff -u`. */
const CONTEXT = 3;

export interface LineDiff {
  lines: DiffLine[];
  added: number;
  removed: number;
  linesTruncated: boolean;
}

/**
 * Line diff of the image's text against the container's, with runs of unchanged lines folded into "gap"
 * markers so a one-line edit in a long file reads like a patch. Counts cover the whole diff even when the
 * shown lines are cut at MAX_DIFF_LINES.
 */
export function lineDiff(before: string, after: string): LineDiff {
  const all: DiffLine[] = [];
  let oldNo = 1;
  let newNo = 1;
  let added = 0;
  let removed = 0;
  for (const part of diffLines(before, after)) {
    const rows = splitLines(part.value);
    for (const text of rows) {
      const t = clip(text, LIMITS.command);
      if (part.added) {
        all.push({ op: 'add', text: t, newNo: newNo++ });
        added++;
      } else if (part.removed) {
        all.push({ op: 'del', text: t, oldNo: oldNo++ });
        removed++;
      } else {
        all.push({ op: 'ctx', text: t, oldNo: oldNo++, newNo: newNo++ });
      }
    }
  }
  const lines = fold(all);
  const linesTruncated = lines.length > MAX_DIFF_LINES;
  return { lines: linesTruncated ? lines.slice(0, MAX_DIFF_LINES) : lines, added, removed, linesTruncated };
}

function splitLines(value: string): string[] {
  if (value === '') return [];
  const rows = value.split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  return rows;
}

function fold(all: DiffLine[]): DiffLine[] {
  const keep = new Uint8Array(all.length);
  all.forEach((l, i) => {
    if (l.op === 'ctx') return;
    for (let j = Math.max(0, i - CONTEXT); j <= Math.min(all.length - 1, i + CONTEXT); j++) keep[j] = 1;
  });
  const out: DiffLine[] = [];
  let skipped = 0;
  all.forEach((l, i) => {
    if (keep[i]) {
      if (skipped) out.push({ op: 'gap', text: `${skipped} unchanged line${skipped === 1 ? '' : 's'}` });
      skipped = 0;
      out.push(l);
    } else skipped++;
  });
  if (skipped && out.length) out.push({ op: 'gap', text: `${skipped} unchanged line${skipped === 1 ? '' : 's'}` });
  return out;
}
