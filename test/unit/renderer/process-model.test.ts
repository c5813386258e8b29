import { describe, expect, it } from 'vitest';
import type { ProcessInfo } from '@shared/domain/process.js';
import { buildTree, compareViews, visibleRows } from '../../../renderer/src/features/processes/process-model.js';

const p = (pid: number, ppid: number, extra: Partial<ProcessInfo> = {}): ProcessInfo => ({
  pid,
  ppid,
  user: 'root',
  comm: 'sh',
  cmdline: `cmd ${pid}`,
  flags: [],
  ...extra,
});

describe('process tree model', () => {
  it('nests children under parents, makes orphans roots and counts descendants', () => {
    const t = buildTree([p(10, 1), p(11, 10), p(12, 11), p(13, 10), p(50, 2)]);
    expect(t.roots.map((n) => n.p.pid)).toEqual([10, 50]);
    expect(t.byPid.get(10)!.descendants).toBe(3);
    expect(t.byPid.get(12)!.depth).toBe(2);
  });

  it('survives parent cycles and duplicate pids from racing or hostile data', () => {
    const t = buildTree([p(1, 2), p(2, 1), p(3, 3), p(3, 1)]);
    expect(t.count).toBe(3);
    const rows = visibleRows(t, new Set(), '');
    expect(new Set(rows.map((r) => r.node.p.pid))).toEqual(new Set([1, 2, 3]));
  });

  it('handles a 5,000-deep chain without recursion', () => {
    const chain = Array.from({ length: 5000 }, (_, i) => p(i + 2, i + 1));
    const t = buildTree(chain);
    expect(t.byPid.get(2)!.descendants).toBe(4999);
    expect(visibleRows(t, new Set(), '')).toHaveLength(5000);
  });

  it('collapses branches, and a search keeps matches with their ancestors even under a collapsed parent', () => {
    const t = buildTree([p(10, 1), p(11, 10, { cmdline: 'nc -e /bin/sh' }), p(12, 10), p(13, 12)]);
    expect(visibleRows(t, new Set([10]), '').map((r) => r.node.p.pid)).toEqual([10]);
    const found = visibleRows(t, new Set([10]), 'NC -E');
    expect(found.map((r) => r.node.p.pid)).toEqual([10, 11]);
    expect(found.find((r) => r.node.p.pid === 11)!.match).toBe(true);
    expect(found.find((r) => r.node.p.pid === 10)!.match).toBe(false);
  });

  it('marks processes only the host sees, and processes only the container claims', () => {
    const host = [p(100, 1, { nsPid: 1 }), p(101, 100, { nsPid: 7 }), p(102, 100, { nsPid: 8 })];
    const inside = [p(1, 0), p(7, 1), p(99, 1)];
    const cmp = compareViews(host, inside);
    expect(host.map(cmp.host)).toEqual([undefined, undefined, 'only-host']);
    expect(inside.map(cmp.inside)).toEqual([undefined, undefined, 'only-container']);
    // The collector's own "hidden" flag is not doubled by the comparison.
    const t = buildTree([p(102, 100, { nsPid: 8, flags: ['hidden'] })], cmp.host);
    expect(t.byPid.get(102)!.diff).toBeUndefined();
    expect(compareViews(host, undefined).host(host[2]!)).toBeUndefined();
  });
});
