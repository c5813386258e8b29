import { describe, expect, it } from 'vitest';
import { formatScanTable } from '../../../electron/cli/format/scan-table.js';
import { runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import { groupByCause, splitInformational } from '@shared/domain/finding-groups.js';
import { ScanResultSchema } from '@shared/domain/scan.js';
import { container, engine } from './fixtures.js';

/** Forty-two containers on default settings: every one has the same informational conditions. */
function fleet() {
  const cs = Array.from({ length: 42 }, () => container({ runtime: {} }));
  // One container with a real problem, which must stay a row of its own.
  cs.push(container({ privileged: true, runtime: {} }));
  return engine(cs);
}

describe('informational findings group by cause', () => {
  it('findings carry the cause their detector raised them for', () => {
    const r = runDetectors(fleet());
    expect(r.findings.every((f) => typeof f.cause === 'string' && f.cause.length > 0)).toBe(true);
  });

  it('low findings of one cause on many containers become one group; others stay one by one', () => {
    const r = runDetectors(fleet());
    const { individual, informational } = splitInformational(r.findings);
    expect(individual.every((f) => f.severity !== 'low')).toBe(true);
    expect(individual.some((f) => f.detector === 'privileged-container')).toBe(true);
    const lows = r.findings.filter((f) => f.severity === 'low');
    // Six benchmark gaps on each of 42 default containers, in six groups.
    expect(lows.filter((f) => f.detector === 'runtime-hardening').length).toBe(6 * 43);
    expect(
      informational
        .filter((g) => g.detector === 'runtime-hardening')
        .map((g) => [g.cause, g.containers.length])
        .sort(),
    ).toEqual(['5.11', '5.12', '5.13', '5.26', '5.27', '5.29'].map((n) => [`cis-${n}`, 43]));
    expect(informational.reduce((a, g) => a + g.findings.length, 0)).toBe(lows.length);
    // Every group holds one detector and one cause.
    for (const g of informational) expect(new Set(g.findings.map((f) => `${f.detector}/${f.cause}`)).size).toBe(1);
    expect(groupByCause(lows).length).toBe(informational.length);
  });

  it('the scan table prints one row per informational cause with the number of containers', () => {
    const ev = fleet();
    const r = runDetectors(ev);
    const lows = r.findings.filter((f) => f.severity === 'low');
    const groups = groupByCause(lows);
    const scan = ScanResultSchema.parse({
      engine: ev.engine,
      scannedAt: ev.collectedAt,
      durationMs: 1,
      containers: ev.containers.map((c) => ({
        id: c.container.id,
        name: c.container.name,
        image: c.container.image,
        state: c.container.state,
        risk: 0,
      })),
      findings: r.findings,
      errors: [],
    });
    const out = formatScanTable(scan);
    const lowRows = out.split('\n').filter((l) => l.startsWith('LOW '));
    expect(lowRows.length).toBe(groups.length);
    const big = groups.find((g) => g.containers.length > 1);
    expect(big).toBeDefined();
    expect(out).toContain(`${big!.containers.length} containers`);
  });
});
