import { describe, expect, it } from 'vitest';
import type { Finding } from '@shared/domain/finding.js';
import type { EngineEvent } from '@shared/domain/event.js';
import {
  attackMatrix,
  countByDetector,
  countBySeverity,
  lifecycles,
  riskRows,
  sortRisk,
  stripCells,
  type RiskRow,
} from '../../../renderer/src/features/overview/overview-model.js';

const f = (
  id: string,
  severity: Finding['severity'],
  attack: string[],
  container?: string,
  state: Finding['state'] = 'new',
): Finding => ({
  id,
  detector: `d-${severity}`,
  title: id,
  severity,
  attack,
  kind: 'state',
  evidence: [],
  summary: '',
  state,
  container: container ? { id: container, name: container } : undefined,
});
const ev = (actorId: string, action: string, sec: number): EngineEvent => ({
  engineId: 'e',
  time: new Date(sec * 1000).toISOString(),
  timeNano: sec * 1e9,
  type: 'container',
  action,
  actorId,
  actorName: actorId,
  attributes: { name: actorId, image: 'img' },
});

describe('overview model', () => {
  const findings = [
    f('a', 'critical', ['T1611', 'T1610'], 'c1'),
    f('b', 'low', ['T1610'], 'c2'),
    f('c', 'high', ['T1999'], 'c2'),
    f('d', 'critical', ['T1611'], 'c3', 'false-positive'),
  ];

  it('puts techniques under each of their tactics in matrix order, worst severity and counts from live findings only', () => {
    const m = attackMatrix(findings);
    expect(m.columns.map((c) => c.tactic)).toEqual(['Execution', 'Privilege Escalation', 'Defense Evasion']);
    const pe = m.columns.find((c) => c.tactic === 'Privilege Escalation')!.techniques;
    expect(pe).toEqual([
      { id: 'T1611', name: 'Escape to Host', fullName: 'Escape to Host', count: 1, worst: 'critical' },
    ]);
    expect(m.columns.find((c) => c.tactic === 'Execution')!.techniques[0]).toMatchObject({
      id: 'T1610',
      count: 2,
      worst: 'critical',
    });
    expect(m.unmapped.map((c) => c.id)).toEqual(['T1999']);
  });

  it('counts by severity and detector without dismissed findings, and ranks containers', () => {
    expect(countBySeverity(findings)).toEqual({ low: 1, medium: 0, high: 1, critical: 1 });
    expect(countByDetector(findings).map((d) => [d.detector, d.count])).toEqual([
      ['d-critical', 1],
      ['d-high', 1],
      ['d-low', 1],
    ]);
    const rows = riskRows(
      [
        { id: 'c1', name: 'one', image: 'i', state: 'running' },
        { id: 'c2', name: 'two', image: 'i', state: 'running' },
        { id: 'c3', name: 'three', image: 'i', state: 'exited' },
      ],
      findings,
      [
        { id: 'c1', risk: 80 },
        { id: 'c2', risk: 30 },
      ],
    );
    expect(sortRisk(rows, 'risk', true).map((r) => [r.name, r.risk, r.findings, r.worst])).toEqual([
      ['one', 80, 1, 'critical'],
      ['two', 30, 2, 'high'],
      ['three', 0, 0, undefined],
    ]);
    expect(sortRisk(rows, 'name', false).map((r) => r.name)).toEqual(['one', 'three', 'two']);
  });

  it('tells --rm containers (destroyed within seconds of exit) from ones removed later, and lists starts newest first', () => {
    const l = lifecycles([
      ev('rm1', 'start', 100),
      ev('rm1', 'die', 101),
      ev('rm1', 'destroy', 101.5),
      ev('kept', 'start', 200),
      ev('later', 'start', 150),
      ev('later', 'die', 160),
      ev('later', 'destroy', 400),
    ]);
    expect(l.autoRemoved.map((x) => x.id)).toEqual(['rm1']);
    expect(l.started.map((x) => x.id)).toEqual(['kept', 'later', 'rm1']);
  });

  it('gives each container a strip cell up to the bound, and past it runs of neighbours shown by their worst', () => {
    const rows: RiskRow[] = Array.from({ length: 2000 }, (_, i) => ({
      id: `c${i}`,
      name: `n${String(i).padStart(4, '0')}`,
      image: 'i',
      state: 'running',
      risk: i === 1234 ? 95 : 0,
      findings: 0,
      worst: undefined,
    }));
    const heat = (r: RiskRow): 'critical' | 'none' => (r.risk > 90 ? 'critical' : 'none');
    expect(stripCells(rows.slice(0, 40), heat).map((c) => [c.first, c.last])).toEqual(
      rows.slice(0, 40).map((_, i) => [i, i]),
    );
    const cells = stripCells(rows, heat, 240);
    expect(cells.length).toBeLessThanOrEqual(240);
    expect(cells[0]!.first).toBe(0);
    expect(cells.at(-1)!.last).toBe(1999);
    // Every row falls in exactly one cell, in order.
    expect(cells.every((c, i) => i === 0 || c.first === cells[i - 1]!.last + 1)).toBe(true);
    const hot = cells.filter((c) => c.heat === 'critical');
    expect(hot).toHaveLength(1);
    expect(hot[0]!.first).toBeLessThanOrEqual(1234);
    expect(hot[0]!.last).toBeGreaterThanOrEqual(1234);
    expect(hot[0]!.label).toMatch(/^9 containers, n\d{4} to n\d{4}: risk up to 95$/);
  });
});
