import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '@shared/domain/event.js';
import type { ExecRecord } from '@shared/domain/evidence-set.js';
import { mergeHistory } from '../../../electron/engine/scan/incremental.js';
import { MAX_EVENTS } from '../../../electron/engine/collect/events.js';

const at = (ms: number) => new Date(ms).toISOString();
const event = (i: number, ms: number): EngineEvent => ({
  engineId: 'e',
  time: at(ms),
  timeNano: ms * 1e6 + i,
  type: 'container',
  action: `exec_create: sh -c ${i}`,
  actorId: 'c1',
  attributes: { execID: `x${i}` },
});
const exec = (i: number, ms: number): ExecRecord => ({
  execId: `x${i}`,
  containerId: 'c1',
  time: at(ms),
  command: `sh -c ${i}`,
});

describe('history carried by a rescan', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const since = new Date(now - 3_600_000);

  it('drops what left the window and takes each new event and exec once', () => {
    const prev = {
      events: [event(1, now - 7_200_000), event(2, now - 60_000)],
      execs: [exec(1, now - 7_200_000), exec(2, now - 60_000)],
    };
    const r = mergeHistory(prev, [event(2, now - 60_000), event(3, now)], [exec(2, now - 60_000), exec(3, now)], since);
    expect(r.events.map((e) => e.attributes.execID)).toEqual(['x2', 'x3']);
    expect(r.execs.map((x) => x.execId)).toEqual(['x2', 'x3']);
  });

  it('stays bounded on an engine that execs without pause (health checks), keeping the newest', () => {
    let prev = { events: [] as EngineEvent[], execs: [] as ExecRecord[] };
    let n = 0;
    // Rescans each bringing a few thousand new execs, all inside the window.
    for (let round = 0; round < 8; round++) {
      const fresh = Array.from({ length: 4000 }, () => n++);
      const t = (i: number) => since.getTime() + 1000 + i * 10;
      prev = mergeHistory(
        prev,
        fresh.map((i) => event(i, t(i))),
        fresh.map((i) => exec(i, t(i))),
        since,
      );
    }
    expect(prev.events).toHaveLength(MAX_EVENTS);
    expect(prev.execs).toHaveLength(MAX_EVENTS);
    expect(prev.execs.at(-1)!.execId).toBe(`x${n - 1}`);
    expect(prev.events.at(-1)!.attributes.execID).toBe(`x${n - 1}`);
  });
});
