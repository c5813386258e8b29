import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { micromark } from 'micromark';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { detectorMetas } from '../../../electron/engine/cases/detector-meta.js';
import { generateReport } from '../../../electron/engine/reports/generate-report.js';
import { CaseExportSchema } from '../../../electron/engine/reports/case-export.js';
import { NavigatorLayerSchema } from '../../../electron/engine/reports/navigator-layer.js';
import { artifactPath } from '../../helpers/browser.js';
import { makeFindings, makeScan, tempDataDir } from '../../helpers/case-fixtures.js';

/** Every report format names the techniques it lists, from the bundled ATT&CK table. */
describe('technique names and tactics in reports', () => {
  const tmp = tempDataDir();
  let cases: CaseService;
  let caseId: string;
  const metas = detectorMetas();

  beforeAll(() => {
    cases = new CaseService(tmp.dir, 'alice');
    caseId = cases.create('techniques').id;
    const findings = makeFindings(16);
    findings.forEach((f, i) => (f.detector = metas[i % metas.length]!.id));
    // One id the table cannot know: it must pass through as its id, never invent a name.
    findings[15]!.attack = ['T1564.013', 'T1999'];
    // Two informational findings of one cause: reports group them, and the group names its technique too.
    for (const n of [1, 2])
      findings.push({
        ...findings[0]!,
        id: `f-grp-${n}`,
        severity: 'low',
        detector: metas[1]!.id,
        attack: ['T1036.005'],
        container: { id: `grp${n}`.padEnd(12, '0'), name: `grp-${n}` },
      });
    cases.addScan(caseId, makeScan(findings));
  });
  afterAll(() => {
    cases.dispose();
    tmp.cleanup();
  });

  const text = async (format: 'html' | 'md' | 'json' | 'navigator') =>
    (await generateReport(cases, caseId, format, metas, { record: false })).bytes.toString('utf8');

  it('HTML lists name and tactics per technique and labels each finding', async () => {
    const html = await text('html');
    expect(html).toContain('ATT&amp;CK Enterprise v17');
    expect(html).toMatch(/<td class="mono nowrap">T1611<\/td><td>Escape to Host<\/td><td>Privilege Escalation<\/td>/);
    expect(html).toMatch(
      /<td class="mono nowrap">T1610<\/td><td>Deploy Container<\/td><td>Defense Evasion, Execution<\/td>/,
    );
    expect(html).toContain('T1564.013 Hide Artifacts: Bind Mounts');
    expect(html).toContain('<td>T1999</td><td></td>');
    expect(html).toMatch(
      /<span class="attack">T1036\.005 Masquerading: Match Legitimate Resource Name or Location<\/span> <span class="muted">2 findings, cause /,
    );
  });

  it('Markdown has a name and tactics column and labelled findings', async () => {
    const md = await text('md');
    expect(md).toContain(
      '| T1222.002 | File and Directory Permissions Modification: Linux and Mac File and Directory Permissions Modification | Defense Evasion |',
    );
    expect(md).toContain('T1496 Resource Hijacking');
    expect(md).toContain('| Technique | Name | Tactics | Findings | Worst severity |');
    expect(md).toMatch(
      /\*\* T1036\.005 Masquerading: Match Legitimate Resource Name or Location: 2 finding\(s\) on `grp-1`, `grp-2`/,
    );
    expect(micromark(md)).not.toMatch(/<(a|img)\b/);
  });

  it('JSON adds the table version and each technique with name and tactics, outside the case hash', async () => {
    const a = CaseExportSchema.parse(JSON.parse(await text('json')));
    expect(a.attack?.version).toBe('17');
    const byId = new Map(a.attack!.techniques.map((t) => [t.id, t]));
    expect(byId.get('T1525')).toEqual({ id: 'T1525', name: 'Implant Internal Image', tactics: ['Persistence'] });
    expect(byId.get('T1999')).toEqual({ id: 'T1999', name: 'T1999', tactics: [] });
    for (const d of a.detectors) for (const t of d.attack) expect(byId.has(t), t).toBe(true);
    const b = CaseExportSchema.parse(JSON.parse(await text('json')));
    expect(b.caseSha256).toBe(a.caseSha256);
  });

  it('Navigator layer names the version, and each technique in its comment and metadata', async () => {
    const layer = NavigatorLayerSchema.parse(JSON.parse(await text('navigator')));
    expect(layer.versions.attack).toBe('17');
    const t = layer.techniques.find((x) => x.techniqueID === 'T1095')!;
    expect(t.comment).toMatch(/^Non-Application Layer Protocol: \d+ finding\(s\), worst \w+$/);
    expect(t.metadata).toEqual(
      expect.arrayContaining([
        { name: 'technique', value: 'Non-Application Layer Protocol' },
        { name: 'tactics', value: 'Command and Control' },
      ]),
    );
    expect(layer.metadata.find((m) => m.name === 'ATT&CK')?.value).toContain('Enterprise v17');
  });

  it('PDF prints the names', async () => {
    const r = await generateReport(cases, caseId, 'pdf', metas, { record: false });
    const file = artifactPath('techniques-report.pdf');
    writeFileSync(file, r.bytes);
    const pdf = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(pdf).toContain('Escape to Host');
    expect(pdf).toContain('Implant Internal Image');
    expect(pdf).toContain('Enterprise v17');
  }, 120_000);
});
