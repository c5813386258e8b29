import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { detectorMetas } from '../../../electron/engine/cases/detector-meta.js';
import { generateReport } from '../../../electron/engine/reports/generate-report.js';
import { digestFindings } from '../../../electron/engine/reports/finding-digest.js';
import { artifactPath } from '../../helpers/browser.js';
import { HOSTILE, makeFindings, makeScan, tempDataDir } from '../../helpers/case-fixtures.js';

describe('per-detector digest of very large cases', () => {
  it('bounds each detector, puts triaged findings first and the worst detector first', () => {
    const findings = makeFindings(500);
    findings.forEach((f, i) => (f.detector = i % 5 === 0 ? 'rare' : 'common'));
    findings[499]!.state = 'confirmed';
    const digest = digestFindings(findings, 7);
    expect(digest.map((d) => d.detector).sort()).toEqual(['common', 'rare']);
    expect(digest.reduce((n, d) => n + d.count, 0)).toBe(500);
    for (const d of digest) expect(d.shown.length).toBe(7);
    const common = digest.find((d) => d.detector === 'common')!;
    expect(common.shown[0]!.id).toBe(findings[499]!.id);
    expect(common.bySeverity.low + common.bySeverity.medium + common.bySeverity.high + common.bySeverity.critical).toBe(
      common.count,
    );
    // Every severity occurs in both groups, so both are critical; the larger one comes first.
    expect(digest[0]!.detector).toBe('common');
  });

  describe('PDF of a case with thousands of findings', () => {
    const tmp = tempDataDir();
    let cases: CaseService;
    let caseId: string;
    const metas = detectorMetas();
    beforeAll(() => {
      cases = new CaseService(tmp.dir, 'alice');
      caseId = cases.create(`Big ${HOSTILE.script}`).id;
      const findings = makeFindings(3000, { hostile: true });
      findings.forEach((f, i) => (f.detector = metas[i % metas.length]!.id));
      cases.addScan(caseId, makeScan(findings));
      cases.setFindingState(caseId, findings[0]!.id, 'confirmed', 'checked');
    });
    afterAll(() => {
      cases.dispose();
      tmp.cleanup();
    });

    it('prints the digest with case id, hash and page numbers on every page, and points to the JSON for the rest', async () => {
      const r = await generateReport(cases, caseId, 'pdf', metas);
      const file = artifactPath('case-report-digest.pdf');
      writeFileSync(file, r.bytes);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      const pages = text.split('\f').filter((p) => p.trim());
      pages.forEach((p, i) => {
        expect(p).toContain(caseId);
        expect(p).toContain(`page ${i + 1} of ${pages.length}`);
        expect(p).toMatch(/case sha256 [0-9a-f]{64}/);
      });
      expect(text).toContain('Findings by detector');
      expect(text).toContain('3000 findings from');
      expect(text).toMatch(/more finding\(s\) of this detector: see the JSON export/);
      // The triaged finding, the hostile one, is printed (as text) even though most rows are left out.
      expect(text).toContain('Masquerading <img');
      // A row per finding would be well over a hundred pages.
      expect(pages.length).toBeLessThan(80);
      const json = JSON.parse(
        (await generateReport(cases, caseId, 'json', metas, { record: false })).bytes.toString('utf8'),
      ) as { findings: unknown[] };
      expect(json.findings).toHaveLength(3000);
    }, 120_000);
  });
});
