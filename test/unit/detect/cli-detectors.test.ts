import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../../electron/engine/detect/registry.js';
import { CATALOGUE_PATH } from '../../../electron/engine/detect/write-catalogue.js';
import { runCli } from '../../helpers/cli.js';

/** Runs the built CLI (`npm run build` first), as an analyst or a CI job would. */
describe('stowaway detectors', () => {
  it('prints a table with one row per detector', async () => {
    const r = await runCli(['detectors']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+SEVERITY\s+KIND\s+ATT&CK\s+STRATEGY\s+TITLE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(DETECTORS.map((d) => d.meta.id));
  });

  it('prints the metadata as JSON and the catalogue as Markdown', async () => {
    const json = await runCli(['detectors', '--format', 'json']);
    const doc = JSON.parse(json.stdout) as {
      detectors: Array<{ id: string; blindSpots: string[] }>;
      strategies: Record<string, unknown>;
    };
    expect(doc.detectors.map((d) => d.id)).toEqual(DETECTORS.map((d) => d.meta.id));
    expect(Object.keys(doc.strategies).sort()).toEqual(['ADS-c2-abuse', 'ADS-evasion']);
    const md = await runCli(['detectors', '--format', 'md']);
    expect(md.stdout).toBe(readFileSync(CATALOGUE_PATH, 'utf8'));
  });

  it('rejects an unknown format with a usage error', async () => {
    const r = await runCli(['detectors', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown --format xml');
    expect(r.stdout).toBe('');
  });
});
