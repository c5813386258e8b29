import { describe, expect, it } from 'vitest';
import type { Finding } from '@shared/domain/finding.js';
import { findingRows, rowFinding, rowOf } from '../../../renderer/src/features/findings/findings-model.js';
import { namedActions, respondMenu, respondRefusal } from '../../../renderer/src/features/findings/respond-model.js';
import { DETECTORS } from '../../../electron/engine/detect/registry.js';

const f = (id: string, severity: Finding['severity'], detector: string, cause?: string, container = id): Finding => ({
  id,
  detector,
  title: `${detector} title`,
  severity,
  attack: ['T1610'],
  kind: 'state',
  evidence: [],
  summary: `${id} summary`,
  state: 'new',
  cause,
  container: { id: container, name: container },
});

describe('findings table lines', () => {
  const shown = [
    f('h1', 'high', 'rev'),
    f('l1', 'low', 'hard', 'no-limit', 'a'),
    f('m1', 'medium', 'caps'),
    f('l2', 'low', 'hard', 'no-limit', 'b'),
    f('l3', 'low', 'hard', 'no-user', 'c'),
    f('l4', 'low', 'other', undefined, 'd'),
  ];

  it('collapses informational findings of one cause into one line where the first sorts, and lists them when opened', () => {
    const closed = findingRows(shown, new Set());
    expect(closed.map((r) => (r.type === 'group' ? `g:${r.g.findings.map((x) => x.id).join('+')}` : r.f.id))).toEqual([
      'h1',
      'g:l1+l2',
      'm1',
      'l3',
      'l4',
    ]);
    const key = (closed[1] as Extract<(typeof closed)[number], { type: 'group' }>).g.key;
    const opened = findingRows(shown, new Set([key]));
    expect(opened.map((r) => (r.type === 'group' ? 'g' : `${r.f.id}${r.inGroup ? '*' : ''}`))).toEqual([
      'h1',
      'g',
      'l1*',
      'l2*',
      'm1',
      'l3',
      'l4',
    ]);
    // Closed, a grouped finding is found on its group's line, which stands for its first finding; opened, on its own.
    expect(rowOf(closed, 'l2')).toBe(1);
    expect(rowFinding(closed[1])?.id).toBe('l1');
    expect(rowOf(opened, 'l2')).toBe(3);
    expect(rowFinding(opened[1])).toBeUndefined();
    expect(findingRows(shown, new Set(), false)).toHaveLength(shown.length);
  });
});

describe('the Respond menu', () => {
  const byId = new Map(DETECTORS.map((d) => [d.meta.id, d.meta.response]));

  it("offers first the actions each detector's catalogue response names", () => {
    // "isolate the container ... before stopping it, to keep memory": isolation, and what keeps the evidence.
    expect(namedActions(byId.get('reverse-shell')!)).toEqual(['isolate', 'preserve']);
    expect(namedActions(byId.get('privileged-container')!)).toEqual(['stop', 'preserve']);
    expect(namedActions(byId.get('hidden-processes')!)).toEqual(['stop', 'preserve']);
    // "before stopping it" and "an isolated analysis host" name no action on the container.
    expect(
      namedActions(['Copy /proc/PID/exe before stopping it.', 'Connect to it only from an isolated analysis host.']),
    ).toEqual([]);
    const menu = respondMenu(byId.get('privileged-container'));
    expect([...menu.named, ...menu.other].sort()).toEqual(['isolate', 'pause', 'preserve', 'stop', 'unpause']);
    expect(respondMenu(undefined).named).toEqual([]);
  });

  it('refuses where nothing may be changed', () => {
    const docker = { kind: 'docker', endpoint: { type: 'unix' } };
    expect(respondRefusal(docker, 'abc', true)).toBeUndefined();
    expect(respondRefusal({ kind: 'docker', endpoint: { type: 'bundle' } }, 'abc', true)).toMatch(
      /read-only evidence bundle/i,
    );
    expect(respondRefusal({ kind: 'kubernetes', endpoint: { type: 'kubernetes' } }, 'abc', true)).toMatch(
      /Docker engines only/,
    );
    expect(respondRefusal(docker, undefined, true)).toMatch(/no single container/);
    expect(respondRefusal(docker, 'abc', false)).toMatch(/case/);
  });
});
