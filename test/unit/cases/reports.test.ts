import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { micromark } from 'micromark';
import type { Browser } from 'playwright-core';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { detectorMetas } from '../../../electron/engine/cases/detector-meta.js';
import { generateReport } from '../../../electron/engine/reports/generate-report.js';
import { CaseExportSchema } from '../../../electron/engine/reports/case-export.js';
import { NavigatorLayerSchema } from '../../../electron/engine/reports/navigator-layer.js';
import { escapeMarkdown, markdownCode } from '../../../electron/engine/reports/escape.js';
import { artifactPath, launchBrowser } from '../../helpers/browser.js';
import { HOSTILE, makeFindings, makeScan, tempDataDir } from '../../helpers/case-fixtures.js';

describe('case reports', () => {
  const tmp = tempDataDir();
  let cases: CaseService;
  let caseId: string;
  let browser: Browser;
  const metas = detectorMetas();

  beforeAll(async () => {
    cases = new CaseService(tmp.dir, 'alice');
    caseId = cases.create(`Case ${HOSTILE.script}`).id;
    const findings = makeFindings(40, { hostile: true });
    // Use real detector ids so the report carries their blind spots and response.
    findings.forEach((f, i) => (f.detector = metas[i % metas.length]!.id));
    cases.addScan(caseId, makeScan(findings));
    cases.setFindingState(caseId, findings[1]!.id, 'confirmed', 'matches the IOC list');
    cases.recordCustody(caseId, 'isolate', 'disconnected c-1 from its networks');
    cases.addNote(caseId, `# Note\n${HOSTILE.img}\n[click](javascript:alert(3))`);
    cases.addEvidence(caseId, `${HOSTILE.script}\n`, {
      kind: 'file',
      sourceCall: `archive:/tmp/${HOSTILE.md}`,
      engineId: 'local',
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    cases.dispose();
    tmp.cleanup();
  });

  it('HTML is self-contained, loads nothing, runs nothing, and shows hostile strings as text', async () => {
    const r = await generateReport(cases, caseId, 'html', metas);
    const html = r.bytes.toString('utf8');
    writeFileSync(artifactPath('case-report.html'), html);
    expect(html).not.toContain(HOSTILE.script);
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/\u001b|\u202e/);
    const page = await browser.newPage();
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('request', (q) => requests.push(q.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.setContent(html, { waitUntil: 'load' });
    const dom = await page.evaluate(() => ({
      scripts: document.querySelectorAll('script').length,
      external: [...document.querySelectorAll('[src], [href], link, iframe, object, embed, img')].map(
        (e) => e.outerHTML,
      ),
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'),
      text: document.body.innerText,
      sections: [...document.querySelectorAll('h2')].map((h) => h.textContent),
      caseHash: document.querySelector('[data-case-sha256]')?.textContent,
    }));
    await page.close();
    expect(requests).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(dom.scripts).toBe(0);
    expect(dom.external).toEqual([]);
    expect(dom.csp).toContain("default-src 'none'");
    expect(dom.text).toContain(HOSTILE.script);
    expect(dom.text).toContain('<img src=http://203.0.113.9/x.png');
    expect(dom.sections).toEqual([
      'Summary',
      'Findings by severity',
      'Response',
      'Blind spots',
      'Notes',
      'Timeline',
      'Evidence',
      'Custody log',
    ]);
    expect(dom.text).toContain('disconnected c-1 from its networks');
    expect(dom.text).toContain(metas[0]!.blindSpots[0]!);
    expect(dom.caseHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('JSON follows the versioned export schema and holds the whole case', async () => {
    const r = await generateReport(cases, caseId, 'json', metas);
    const data = CaseExportSchema.parse(JSON.parse(r.bytes.toString('utf8')));
    expect(data.version).toBe(1);
    expect(data.findings).toHaveLength(40);
    expect(data.triage).toHaveLength(1);
    expect(data.custody.map((c) => c.action)).toEqual(
      expect.arrayContaining(['create', 'scan', 'triage', 'isolate', 'note', 'evidence']),
    );
    expect(data.detectors.length).toBeGreaterThan(0);
    expect(data.findings[0]!.title).toBeDefined();
  });

  it('Markdown renders with no HTML, links or images from container strings', async () => {
    const md = (await generateReport(cases, caseId, 'md', metas)).bytes.toString('utf8');
    const html = micromark(md);
    expect(html).not.toMatch(/<(script|img|a)\b/i);
    expect(html).not.toMatch(/<[a-z][^>]*\s(href|src)=/i);
    // Only the report's own headings: no container string became one.
    const headings = [...html.matchAll(/<h[1-3]>(.*?)<\/h[1-3]>/g)].map((m) => m[1]);
    expect(headings.every((h) => !/heading/.test(h!))).toBe(true);
    expect(md).toContain('## Response');
    expect(md).toContain('## Blind spots');
    for (const s of [HOSTILE.md, '`a``b`', '<b>x</b> | y\n# z']) {
      expect(micromark(escapeMarkdown(s))).not.toMatch(/<(a|b|h1|code|strong)\b/);
      expect(micromark(markdownCode(s))).toMatch(/^<p><code>[^<]*<\/code><\/p>$/);
    }
  });

  it('Navigator layer follows format 4.5 with techniques scored by worst severity', async () => {
    const layer = NavigatorLayerSchema.parse(
      JSON.parse((await generateReport(cases, caseId, 'navigator', metas)).bytes.toString('utf8')),
    );
    expect(layer.versions.layer).toBe('4.5');
    expect(layer.domain).toBe('enterprise-attack');
    const ids = layer.techniques.map((t) => t.techniqueID);
    expect(ids).toEqual(expect.arrayContaining(['T1610', 'T1611', 'T1222.002']));
    for (const t of layer.techniques) expect([25, 50, 75, 100]).toContain(t.score);
    expect(layer.legendItems).toHaveLength(4);
    expect(layer.gradient.maxValue).toBe(100);
  });

  it('PDF is paginated with case id, case hash and page numbers on every page', async () => {
    const r = await generateReport(cases, caseId, 'pdf', metas);
    expect(r.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const pdfFile = artifactPath('case-report.pdf');
    writeFileSync(pdfFile, r.bytes);
    const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(1);
    const json = CaseExportSchema.parse(
      JSON.parse((await generateReport(cases, caseId, 'json', metas, { record: false })).bytes.toString('utf8')),
    );
    pages.forEach((p, i) => {
      expect(p).toContain(caseId);
      expect(p).toContain(`page ${i + 1} of ${pages.length}`);
      expect(p).toMatch(/case sha256 [0-9a-f]{64}/);
    });
    expect(text).toContain('Findings by severity');
    expect(text).toContain(HOSTILE.script);
    expect(json.case.id).toBe(caseId);
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '60',
      '-f',
      '1',
      '-l',
      '1',
      pdfFile,
      path.join(path.dirname(pdfFile), 'case-report-page'),
    ]);
  }, 120_000);

  it('every export leaves a custody line with the report hash', async () => {
    const r = await generateReport(cases, caseId, 'md', metas);
    const last = cases.custody(caseId).at(-1)!;
    expect(last.action).toBe('export');
    expect(last.detail).toContain(r.sha256);
  });
});
