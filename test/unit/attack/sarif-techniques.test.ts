import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { toSarif } from '../../../electron/cli/format/sarif.js';
import { DETECTORS } from '../../../electron/engine/detect/registry.js';
import { ATTACK_VERSION, attackName, attackTactics } from '@shared/domain/attack-techniques.js';
import { makeFindings, makeScan } from '../../helpers/case-fixtures.js';
import { ROOT } from '../../helpers/cli.js';

interface Technique {
  id: string;
  name: string;
  tactics: string[];
}

/** SARIF rules and results name their ATT&CK techniques and tactics from the bundled table, as a SARIF taxonomy too. */
describe('technique names and tactics in SARIF', () => {
  const metas = DETECTORS.map((d) => d.meta);
  const findings = makeFindings(12);
  findings.forEach((f, i) => (f.detector = metas[i % metas.length]!.id));
  // One id the table cannot know: it passes through as its id, with no tactic invented.
  findings[11]!.attack = ['T1564.013', 'T1999'];
  const sarif = toSarif(makeScan(findings), metas, '0.0.0-test');
  const run = sarif.runs[0]!;

  it('is valid SARIF 2.1.0', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(JSON.parse(JSON.stringify(sarif))), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('gives every rule its techniques with names and tactics, in properties, tags, help and relationships', () => {
    for (const [i, rule] of run.tool.driver.rules.entries()) {
      const meta = metas[i]!;
      const techniques = rule.properties.techniques as Technique[];
      expect(techniques.map((t) => t.id)).toEqual(meta.attack);
      for (const t of techniques) {
        expect(t.name).toBe(attackName(t.id));
        // Every detector maps to techniques the table knows: a name, never the bare id, and at least one tactic.
        expect(t.name, `${meta.id} ${t.id}`).not.toBe(t.id);
        expect(t.tactics.length, `${meta.id} ${t.id}`).toBeGreaterThan(0);
        expect(rule.properties.tags).toContain(`${t.id} ${t.name}`);
        for (const tactic of t.tactics) {
          expect(rule.properties.tags).toContain(tactic);
          expect(rule.properties.tactics).toContain(tactic);
        }
        expect(rule.help.text).toContain(`${t.id} ${t.name} [${t.tactics.join(', ')}]`);
      }
      expect(rule.relationships.map((r) => r.target.id)).toEqual(meta.attack);
    }
    const escape = run.tool.driver.rules.find((r) => (r.properties.attack as string[]).includes('T1611'))!;
    expect(escape.properties.tags).toEqual(
      expect.arrayContaining(['T1611', 'T1611 Escape to Host', 'Privilege Escalation']),
    );
  });

  it('names techniques on results, and lists every technique once as an ATT&CK taxon', () => {
    const tax = run.taxonomies[0]!;
    expect(tax).toMatchObject({ name: 'MITRE ATT&CK', version: ATTACK_VERSION });
    expect(run.tool.driver.supportedTaxonomies).toEqual([{ name: 'MITRE ATT&CK' }]);
    const taxa = new Map(tax.taxa.map((t) => [t.id, t]));
    expect(taxa.get('T1610')).toMatchObject({
      name: 'Deploy Container',
      properties: { tactics: ['Defense Evasion', 'Execution'] },
    });
    expect(taxa.get('T1999')).toMatchObject({ name: 'T1999', properties: { tactics: [] } });
    for (const r of run.results) {
      const techniques = r.properties.techniques as Technique[];
      expect(techniques.map((t) => t.id)).toEqual(r.properties.attack);
      for (const t of techniques) {
        expect(t).toMatchObject({ name: attackName(t.id), tactics: [...attackTactics(t.id)] });
        expect(taxa.has(t.id)).toBe(true);
      }
      expect(r.taxa?.map((x) => x.id)).toEqual(r.properties.attack);
    }
    const odd = run.results.find((r) => (r.properties.attack as string[]).includes('T1999'))!;
    expect(odd.properties.techniques).toEqual([
      {
        id: 'T1564.013',
        name: 'Hide Artifacts: Bind Mounts',
        tactics: ['Defense Evasion'],
        url: 'https://attack.mitre.org/techniques/T1564/013/',
      },
      { id: 'T1999', name: 'T1999', tactics: [], url: 'https://attack.mitre.org/techniques/T1999/' },
    ]);
  });
});
