import { describe, expect, it } from 'vitest';
import {
  eventItem,
  fileItems,
  findingItems,
  mergeItems,
} from '../../../renderer/src/features/timeline/timeline-items.js';
import { toUnixSeconds } from '../../../electron/engine/investigate/timeline-events.js';
import { mapEvent, type RawEvent } from '../../../electron/engine/collect/events.js';

const mapRawEvent = (raw: RawEvent, engineId: string) => mapEvent(engineId, raw);

describe('timeline items', () => {
  it('maps raw engine events into lanes', () => {
    const ev = mapRawEvent(
      {
        Type: 'container',
        Action: 'exec_start: sh -c id',
        Actor: { ID: 'abc', Attributes: { name: 'web', execID: 'e1' } },
        time: 1700000000,
        timeNano: 1700000000123456789,
      },
      'local',
    );
    const item = eventItem(ev);
    expect(item).toMatchObject({ lane: 'exec', actor: 'web', containerId: 'abc', loud: true });
    expect(item.time).toBe(1700000000123);
    expect(
      eventItem(mapRawEvent({ Type: 'container', Action: 'start', Actor: { ID: 'abc', Attributes: {} }, time: 1 }, 'l'))
        .lane,
    ).toBe('lifecycle');
    expect(
      eventItem(mapRawEvent({ Type: 'network', Action: 'connect', Actor: { ID: 'n', Attributes: {} }, time: 1 }, 'l'))
        .lane,
    ).toBe('engine');
  });
  it('bounds hostile attribute values', () => {
    const ev = mapRawEvent(
      { Type: 'container', Action: 'create', Actor: { ID: 'a', Attributes: { note: 'x'.repeat(100_000) } }, time: 1 },
      'l',
    );
    expect(ev.attributes.note!.length).toBeLessThanOrEqual(4096);
    expect(eventItem(ev).detail.length).toBeLessThan(200);
  });
  it('adds file mtimes and findings, and merges without duplicates', () => {
    const files = fileItems(
      [
        { path: '/tmp/x', kind: 'added', mtime: '2026-01-01T00:00:00Z', flags: ['elf'] },
        { path: '/no-mtime', kind: 'changed', flags: [] },
      ],
      'c1',
    );
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ lane: 'files', loud: true });
    const findings = findingItems(
      [
        {
          id: 'f1',
          detector: 'd',
          title: 'Reverse shell',
          severity: 'high',
          attack: ['T1059'],
          kind: 'live',
          evidence: [],
          summary: 's',
          firstSeen: '2026-01-01T00:00:01Z',
          state: 'new',
          container: { id: 'c1', name: 'web' },
        },
        {
          id: 'f2',
          detector: 'd',
          title: 'Other',
          severity: 'low',
          attack: ['T1059'],
          kind: 'live',
          evidence: [],
          summary: 's',
          firstSeen: '2026-01-01T00:00:02Z',
          state: 'new',
          container: { id: 'c2', name: 'db' },
        },
      ],
      'c1',
    );
    expect(findings.map((f) => f.label)).toEqual(['Reverse shell']);
    const merged = mergeItems(findings, files, files);
    expect(merged.map((m) => m.lane)).toEqual(['files', 'findings']);
  });
  it('converts ISO times to the unix seconds the Engine API takes', () => {
    expect(toUnixSeconds('2026-01-01T00:00:00Z')).toBe(1767225600);
    expect(toUnixSeconds(42)).toBe(42);
    expect(() => toUnixSeconds('yesterday')).toThrow();
  });
});
