import { describe, expect, it } from 'vitest';
import { DETECTORS, riskScore, runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import { DetectorMetaSchema, FindingSchema, type Finding } from '@shared/domain/finding.js';
import { SuppressionSchema } from '@shared/domain/suppression.js';
import type { Detector } from '../../../electron/engine/detect/detector.js';
import { container, engine } from './fixtures.js';

describe('runDetectors', () => {
  it('registers detectors with valid, unique metadata', () => {
    const ids = DETECTORS.map((d) => d.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of DETECTORS) expect(() => DetectorMetaSchema.parse(d.meta), d.meta.id).not.toThrow();
  });

  it('returns valid findings with stable ids across runs, and nothing for a plain container', () => {
    const priv = container({ privileged: true, name: 'priv' });
    const plain = container({ name: 'plain' });
    const ev = engine([priv, plain]);
    const a = runDetectors(ev);
    const b = runDetectors(structuredClone(ev));
    expect(a.findings.map((f) => f.id)).toEqual(b.findings.map((f) => f.id));
    expect(a.findings.every((f) => FindingSchema.safeParse(f).success)).toBe(true);
    expect(a.findings.filter((f) => f.container?.name === 'plain')).toEqual([]);
    const f = a.findings.find((x) => x.detector === 'privileged-container');
    expect(f?.container).toEqual({ id: priv.container.id, name: 'priv' });
    expect(f?.severity).toBe('critical');
    expect(f?.attack).toContain('T1611');
    // A different container with the same condition gets a different id.
    const other = runDetectors(engine([container({ privileged: true, name: 'priv2' })]));
    expect(other.findings[0]?.id).not.toBe(f?.id);
  });

  it('returns suppressed findings separately with the suppression id and version', () => {
    const ci = container({ privileged: true, name: 'runner', labels: { 'ci.role': 'runner' } });
    const prod = container({ privileged: true, name: 'prod' });
    const s = SuppressionSchema.parse({
      id: 'ci-runners',
      version: 3,
      reason: 'dind runners',
      detectors: ['privileged-container'],
      match: { label: 'ci.role=runner' },
    });
    const r = runDetectors(engine([ci, prod]), { suppressions: [s] });
    expect(r.findings.map((f) => f.container?.name)).toEqual(['prod']);
    expect(r.suppressed).toHaveLength(1);
    expect(r.suppressed[0]).toMatchObject({
      suppressedBy: 'ci-runners@v3',
      state: 'suppressed',
      container: { name: 'runner' },
    });
  });

  it('ignores expired suppressions and those capped below the finding severity', () => {
    const c = container({ privileged: true, image: 'dev/app:latest' });
    const expired = SuppressionSchema.parse({
      id: 'old',
      version: 1,
      reason: 'x',
      detectors: ['*'],
      match: { image: 'dev/*' },
      expires: '2020-01-01',
    });
    const capped = SuppressionSchema.parse({
      id: 'low-only',
      version: 1,
      reason: 'x',
      detectors: ['*'],
      match: { image: 'dev/*' },
      maxSeverity: 'medium',
    });
    const r = runDetectors(engine([c]), { suppressions: [expired, capped] });
    expect(r.suppressed).toEqual([]);
    expect(r.findings.length).toBeGreaterThan(0);
  });

  it('does not change the evidence it reads and sorts findings worst first', () => {
    const ev = engine([container({ privileged: true, logDriver: 'none' }), container({ capAdd: ['NET_ADMIN'] })]);
    const before = structuredClone(ev);
    const r = runDetectors(ev);
    expect(ev).toEqual(before);
    const ranks = r.findings.map((f) => ['low', 'medium', 'high', 'critical'].indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });

  it('rejects a suppression that matches everything', () => {
    expect(
      SuppressionSchema.safeParse({ id: 'all', version: 1, reason: 'x', detectors: ['*'], match: {} }).success,
    ).toBe(false);
  });

  it('reports a failing detector and still runs the others', () => {
    const broken: Detector = {
      ...DETECTORS[0]!,
      meta: { ...DETECTORS[0]!.meta, id: 'broken' },
      detect: () => {
        throw new Error('boom');
      },
    };
    const r = runDetectors(engine([container({ privileged: true })]), { detectors: [broken, ...DETECTORS] });
    expect(r.failures).toEqual([{ detector: 'broken', message: 'boom' }]);
    expect(r.findings.length).toBeGreaterThan(0);
  });
});

describe('riskScore', () => {
  const f = (severity: Finding['severity'], state: Finding['state'] = 'new'): Finding => ({
    id: `f-${Math.random()}`,
    detector: 'x',
    title: 'x',
    severity,
    attack: [],
    kind: 'state',
    evidence: [],
    summary: '',
    state,
  });
  it('is 0 without findings, grows with findings, stays within 100', () => {
    expect(riskScore([])).toBe(0);
    const one = riskScore([f('medium')]);
    const two = riskScore([f('medium'), f('high')]);
    expect(two).toBeGreaterThan(one);
    expect(riskScore(Array.from({ length: 50 }, () => f('critical')))).toBe(100);
  });
  it('ranks one critical above many lows and ignores false positives', () => {
    expect(riskScore([f('critical')])).toBeGreaterThan(riskScore(Array.from({ length: 10 }, () => f('low'))));
    expect(riskScore([f('critical', 'false-positive')])).toBe(0);
  });
});
