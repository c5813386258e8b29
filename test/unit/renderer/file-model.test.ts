import { describe, expect, it } from 'vitest';
import type { FileChange } from '@shared/domain/file-change.js';
import { buildFileTree, fileRows } from '../../../renderer/src/features/files/file-model.js';

const ch = (path: string, kind: FileChange['kind'], flags: FileChange['flags'] = []): FileChange => ({
  path,
  kind,
  flags,
});
const ALL = new Set(['added', 'changed', 'deleted'] as const);

describe('filesystem diff model', () => {
  const changes = [
    ch('/etc', 'changed'),
    ch('/etc/passwd', 'changed'),
    ch('/tmp/.x/run', 'added', ['setuid']),
    ch('/var/log/old.log', 'deleted'),
  ];

  it('builds a tree with made-up parents and rolled-up counts', () => {
    const t = buildFileTree(changes);
    expect(t.byPath.get('/tmp')!.change).toBeUndefined();
    expect(t.root.counts).toEqual({ added: 1, changed: 1, deleted: 1 });
    expect(t.byPath.get('/tmp')!.flagged).toBe(1);
    expect(fileRows(t, new Set(), { query: '', kinds: ALL, flaggedOnly: false }).map((r) => r.node.path)).toEqual([
      '/etc',
      '/etc/passwd',
      '/tmp',
      '/tmp/.x',
      '/tmp/.x/run',
      '/var',
      '/var/log',
      '/var/log/old.log',
    ]);
  });

  it('collapses directories and filters by kind, flag and text keeping parents', () => {
    const t = buildFileTree(changes);
    expect(
      fileRows(t, new Set(['/tmp', '/var', '/etc']), { query: '', kinds: ALL, flaggedOnly: false }).map(
        (r) => r.node.path,
      ),
    ).toEqual(['/etc', '/tmp', '/var']);
    expect(
      fileRows(t, new Set(), { query: '', kinds: new Set(['deleted']), flaggedOnly: false }).map((r) => r.node.path),
    ).toEqual(['/var', '/var/log', '/var/log/old.log']);
    expect(
      fileRows(t, new Set(['/tmp']), { query: '', kinds: ALL, flaggedOnly: true }).map((r) => r.node.path),
    ).toEqual(['/tmp', '/tmp/.x', '/tmp/.x/run']);
    const q = fileRows(t, new Set(), { query: 'PASSWD', kinds: ALL, flaggedOnly: false });
    expect(q.filter((r) => r.match).map((r) => r.node.path)).toEqual(['/etc/passwd']);
  });

  it('places 100,000 entries and odd paths (double slashes, trailing slash) correctly', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ch(`/data/d${i % 100}/f${i}`, 'added'));
    const t = buildFileTree([...many, ch('//odd//a/', 'added')]);
    const rows = fileRows(t, new Set(), { query: '', kinds: ALL, flaggedOnly: false });
    expect(rows).toHaveLength(100_000 + 100 + 1 + 2);
    expect(t.byPath.get('/data/d7')!.counts.added).toBe(1000);
    expect(t.byPath.get('//odd//a')!.name).toBe('a');
  });
});
