import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCatalogue } from '../../../electron/engine/detect/catalogue.js';
import { DETECTORS } from '../../../electron/engine/detect/registry.js';
import { CATALOGUE_PATH } from '../../../electron/engine/detect/write-catalogue.js';
import { createApp } from '../../../electron/engine/app.js';

describe('detector catalogue', () => {
  it('DETECTORS.md matches the metadata (regenerate with `npx tsx electron/engine/detect/write-catalogue.ts`)', () => {
    expect(readFileSync(CATALOGUE_PATH, 'utf8')).toBe(renderCatalogue(DETECTORS));
  });

  it('documents every detector with goal, ATT&CK, data, blind spots, false positives, response and report', () => {
    const md = renderCatalogue(DETECTORS);
    for (const { meta } of DETECTORS) {
      const section = md.slice(md.indexOf(`## ${meta.id}\n`));
      expect(section, meta.id).toContain('### Blind spots');
      expect(section).toContain('### False positives and how they are suppressed');
      for (const t of meta.attack) expect(section).toContain(t);
      expect(section).toMatch(/Strategy: ADS-/);
    }
  });

  it('covers both ADS reports and the techniques the brief names', () => {
    const strategies = new Set(DETECTORS.flatMap((d) => d.meta.strategy));
    expect([...strategies].sort()).toEqual(['ADS-c2-abuse', 'ADS-evasion']);
    const attack = new Set(DETECTORS.flatMap((d) => d.meta.attack));
    for (const t of ['T1610', 'T1611', 'T1564', 'T1222.002', 'T1036.005', 'T1095', 'T1496', 'T1525'])
      expect(attack, t).toContain(t);
  });

  it('serves the catalogue through the detectors.list operation', async () => {
    const app = createApp({
      env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
      home: '/nonexistent',
      dataDir: '/nonexistent-stowaway-data',
    });
    const r = await app.dispatch('detectors.list', {}, { transport: 'cli', user: 't' });
    expect(r.ok).toBe(true);
    const value = (r.ok ? r.value : undefined) as
      { detectors: Array<{ id: string }>; strategies: Array<{ id: string }> } | undefined;
    expect(value?.detectors.map((d) => d.id)).toEqual(DETECTORS.map((d) => d.meta.id));
    expect(value?.strategies.map((s) => s.id).sort()).toEqual(['ADS-c2-abuse', 'ADS-evasion']);
    await app.dispose();
  });
});

describe('coverage tables', () => {
  it('walk every Falco rule (stable, incubating, sandbox) and every docker-bench 4 and 5 check, naming only detectors that exist', async () => {
    const { COVERAGE, FALCO_STABLE, FALCO_INCUBATING, FALCO_SANDBOX, BENCH_4, BENCH_5 } =
      await import('../../../electron/engine/detect/coverage.js');
    const { DETECTORS } = await import('../../../electron/engine/detect/registry.js');
    expect([
      FALCO_STABLE.rows.length,
      FALCO_INCUBATING.rows.length,
      FALCO_SANDBOX.rows.length,
      BENCH_4.rows.length,
      BENCH_5.rows.length,
    ]).toEqual([25, 31, 37, 12, 32]);
    for (const t of [FALCO_STABLE, FALCO_INCUBATING, FALCO_SANDBOX])
      expect(new Set(t.rows.map((r) => r.rule)).size).toBe(t.rows.length);
    expect(BENCH_5.rows.map((r) => r.id)).toEqual(Array.from({ length: 32 }, (_, i) => `5.${i + 1}`));
    const ids = new Set(DETECTORS.map((d) => d.meta.id));
    for (const t of COVERAGE)
      for (const r of t.rows) {
        for (const d of r.detectors) expect(ids.has(d), `${r.id} names ${d}`).toBe(true);
        expect(
          r.verdict === 'covered' || r.verdict === 'partial' ? r.detectors.length > 0 : r.detectors.length === 0,
          r.id,
        ).toBe(true);
      }
  });
});
