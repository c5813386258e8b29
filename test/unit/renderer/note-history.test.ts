import { describe, expect, it } from 'vitest';
import { noteHistories } from '../../../renderer/src/features/cases/note-history.js';
import type { Note } from '@shared/domain/case.js';

const note = (id: string, supersedes?: string): Note => ({
  id,
  caseId: 'c',
  author: 'a',
  createdAt: '2026-12-02T10:00:00Z',
  markdown: `text ${id}`,
  ...(supersedes ? { supersedes } : {}),
});

describe('note histories', () => {
  it('shows each note once, as its newest version, with the earlier ones newest first, in the order notes were begun', () => {
    // a, then b, then a edited twice (a2, a3), then b edited (b2).
    const h = noteHistories([note('a'), note('b'), note('a2', 'a'), note('a3', 'a2'), note('b2', 'b')]);
    expect(h.map((x) => [x.latest.id, x.earlier.map((e) => e.id)])).toEqual([
      ['a3', ['a2', 'a']],
      ['b2', ['b']],
    ]);
  });

  it('keeps a version whose predecessor is not listed, and shows versions a tampered store put in a circle', () => {
    expect(noteHistories([note('x', 'gone')]).map((x) => [x.latest.id, x.earlier.length])).toEqual([['x', 0]]);
    const h = noteHistories([note('p', 'q'), note('q', 'p'), note('r')]);
    expect(h.map((x) => x.latest.id)).toEqual(['p', 'q', 'r']);
  });
});
