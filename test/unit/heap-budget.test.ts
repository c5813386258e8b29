import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT } from '../../electron/engine/heap-budget.js';

const CHILD = path.resolve(import.meta.dirname, '../fixtures/heap-growth-child.ts');

/**
 * The workload in a child of its own, with marking on the main thread only: concurrent and incremental marking let
 * allocation overshoot the limit by however far the program gets while marking runs, which depends on the machine's
 * load; without them a full collection starts exactly at the limit that the growing factor set.
 */
const run = (mode: 'budget' | 'default') =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--expose-gc',
        '--single-threaded-gc',
        '--no-incremental-marking',
        '--no-memory-reducer',
        '--import',
        'tsx',
        CHILD,
        mode,
      ],
      { encoding: 'utf8' },
    ),
  ) as { peak: number; live: number };

describe('backend heap budget', () => {
  it('keeps the old generation near its growing factor times the live heap, where V8 alone lets it grow far past', () => {
    const budget = run('budget');
    const free = run('default');
    // What is still in flight when the limit is set (the work of a few rounds) comes on top of the live heap.
    expect(budget.peak / budget.live).toBeLessThan(1 + HEAP_GROWING_PERCENT / 100 + 0.5);
    // The same workload without the budget: V8 picks its largest factor for a program that allocates this fast.
    expect(free.peak / free.live).toBeGreaterThan(3);
  }, 120_000);
});
