import type { Note } from '@shared/domain/case.js';

export interface NoteHistory {
  latest: Note;
  /** Versions it replaced, newest first. */
  earlier: Note[];
}

/**
 * Groups every version of the case's notes (in the order written) into one history per note: its newest version and
 * the ones that version superseded. A version naming a note that is not in the list starts a history of its own;
 * no version is ever left out.
 */
export function noteHistories(versions: Note[]): NoteHistory[] {
  const byId = new Map(versions.map((n) => [n.id, n]));
  const superseded = new Set(versions.map((n) => n.supersedes).filter((id): id is string => !!id && byId.has(id)));
  const out: NoteHistory[] = [];
  for (const latest of versions) {
    if (superseded.has(latest.id)) continue;
    const earlier: Note[] = [];
    const seen = new Set([latest.id]);
    for (
      let prev = latest.supersedes ? byId.get(latest.supersedes) : undefined;
      prev && !seen.has(prev.id);
      prev = prev.supersedes ? byId.get(prev.supersedes) : undefined
    ) {
      seen.add(prev.id);
      earlier.push(prev);
    }
    out.push({ latest, earlier });
  }
  // Versions that supersede each other in a circle (only a tampered store holds that) are still shown, each alone.
  const shown = new Set(out.flatMap((h) => [h.latest.id, ...h.earlier.map((e) => e.id)]));
  for (const n of versions) if (!shown.has(n.id)) out.push({ latest: n, earlier: [] });
  // A note keeps its place after an edit: order by when its first version was written.
  const first = (h: NoteHistory) => versions.indexOf(h.earlier.at(-1) ?? h.latest);
  return out.sort((a, b) => first(a) - first(b));
}
