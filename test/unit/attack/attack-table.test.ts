import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ATTACK_TECHNIQUES,
  TACTICS,
  attackLabel,
  attackName,
  attackTactics,
} from '@shared/domain/attack-techniques.js';
import { DETECTORS } from '../../../electron/engine/detect/registry.js';

const DETECT_DIR = join(__dirname, '../../../electron/engine/detect');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });

describe('bundled ATT&CK table', () => {
  it('names every technique a detector maps to in its metadata', () => {
    const missing = DETECTORS.flatMap((d) =>
      d.meta.attack.filter((t) => !ATTACK_TECHNIQUES.has(t)).map((t) => `${d.meta.id}: ${t}`),
    );
    expect(missing).toEqual([]);
  });

  it('names every technique id written anywhere in detector code (per-observation techniques included)', () => {
    const ids = new Set(
      sources(DETECT_DIR)
        .filter((p) => !p.endsWith('.md'))
        .flatMap((p) => readFileSync(p, 'utf8').match(/\bT1\d{3}(?:\.\d{3})?\b/g) ?? []),
    );
    expect(ids.size).toBeGreaterThan(20);
    expect([...ids].filter((t) => !ATTACK_TECHNIQUES.has(t))).toEqual([]);
  });

  it('has the container and Kubernetes techniques an analyst cites', () => {
    for (const t of [
      'T1610',
      'T1611',
      'T1609',
      'T1613',
      'T1612',
      'T1525',
      'T1496',
      'T1036.005',
      'T1070.004',
      'T1059.004',
      'T1095',
      'T1071.001',
      'T1001.001',
      'T1564.013',
      'T1222.002',
      'T1053.007',
      'T1098.006',
      'T1548.001',
      'T1574.006',
      'T1552.007',
      'T1078.003',
      'T1204.003',
      'T1014',
      'T1046',
      'T1105',
      'T1543.005',
      'T1546.004',
      'T1562.001',
      'T1620',
      'T1055',
    ])
      expect(ATTACK_TECHNIQUES.has(t), t).toBe(true);
  });

  it('gives each entry a name, known tactics, and sub-techniques the tactics of a listed parent', () => {
    for (const t of ATTACK_TECHNIQUES.values()) {
      expect(t.name.length, t.id).toBeGreaterThan(1);
      expect(t.tactics.length, t.id).toBeGreaterThan(0);
      for (const tac of t.tactics) expect(TACTICS, t.id).toContain(tac);
      if (t.id.includes('.')) {
        const parent = ATTACK_TECHNIQUES.get(t.id.split('.')[0]!);
        expect(parent, `parent of ${t.id}`).toBeDefined();
        expect([...t.tactics].sort(), t.id).toEqual([...parent!.tactics].sort());
      }
    }
  });

  it('labels sub-techniques with their parent and leaves unknown ids as they are', () => {
    expect(attackName('T1564.013')).toBe('Hide Artifacts: Bind Mounts');
    expect(attackLabel('T1611')).toBe('T1611 Escape to Host');
    expect(attackLabel('T9999')).toBe('T9999');
    expect(attackTactics('T1610')).toEqual(['Defense Evasion', 'Execution']);
  });
});
