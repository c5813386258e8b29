import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ScanResultSchema, type ScanResult } from '@shared/domain/scan.js';
import { CaseExportSchema } from '../../../electron/engine/reports/case-export.js';
import { NavigatorLayerSchema } from '../../../electron/engine/reports/navigator-layer.js';
import { createApp } from '../../../electron/engine/app.js';
import { runCli } from '../../helpers/cli.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';
import { artifactPath, launchBrowser } from '../../helpers/browser.js';
import { tempDataDir } from '../../helpers/case-fixtures.js';

const SUITE = 'cases-cli';
const MARK = '<script>alert(1)</script>';
const CASE = 'Intrusion <i>web-1</i>';

/**
 * The case workflow as an analyst runs it from the command line, against the local engine: scan into a
 * case, note, report in every format, verify (and catch tampering), collect a bundle and open it offline.
 */
describe('case workflow on the command line', () => {
  const tmp = tempDataDir('stowaway-cases-cli-');
  const env = { STOWAWAY_DATA_DIR: tmp.dir, STOWAWAY_ANALYST: 'analyst-1' };
  const cli = (args: string[], timeoutMs = 120_000) => runCli(args, { env, timeoutMs });
  let containerId = '';
  let scan: ScanResult;
  let caseId = '';

  beforeAll(async () => {
    await removeSuite(SUITE);
    // A listening netcat that hands out a shell: a reverse/bind-shell finding whose command line carries markup.
    const c = await runContainer({
      suite: SUITE,
      name: `sw-cases-${process.pid}`,
      cmd: ['sh', '-c', `while true; do nc -l -p 4444 -e /bin/sh; sleep 1; done # ${MARK}`],
    });
    containerId = c.id;
    await new Promise((r) => setTimeout(r, 1500));
  });
  afterAll(async () => {
    await removeSuite(SUITE);
    tmp.cleanup();
  });

  it('scan --case records the scan and its evidence in a new case', async () => {
    const r = await cli(['scan', '--format', 'json', '--since', '10m', '--case', CASE]);
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.stderr).toContain('Recorded in case');
    scan = ScanResultSchema.parse(JSON.parse(r.stdout));
    const mine = scan.findings.filter((f) => f.container?.id === containerId);
    expect(mine.length, JSON.stringify(scan.findings.map((f) => f.detector))).toBeGreaterThan(0);
    const list = JSON.parse((await cli(['case', 'list', '--json'])).stdout) as Array<{
      id: string;
      name: string;
      findingCount: number;
      scanCount: number;
    }>;
    expect(list).toHaveLength(1);
    expect(list[0]!.name).toBe(CASE);
    expect(list[0]!.scanCount).toBe(1);
    expect(list[0]!.findingCount).toBe(new Set(scan.findings.map((f) => f.id)).size);
    caseId = list[0]!.id;
  });

  it('notes and case show', async () => {
    expect((await cli(['case', 'note', CASE, 'Shell', 'listener', 'on', '4444'])).code).toBe(0);
    const show = await cli(['case', 'show', caseId.slice(0, 8)]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(CASE);
    expect(show.stdout).toMatch(/note/);
  });

  it('HTML report of the real scan: self-contained, hostile command line shown as text', async () => {
    const out = artifactPath('case-real.html');
    const r = await cli(['report', CASE, '--format', 'html', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toContain(MARK);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (q) => requests.push(q.url()));
      await page.setContent(html, { waitUntil: 'load' });
      const dom = await page.evaluate(() => ({
        scripts: document.querySelectorAll('script, iframe, object, embed, link, img, [src]').length,
        text: document.body.innerText,
      }));
      expect(requests).toEqual([]);
      expect(dom.scripts).toBe(0);
      expect(dom.text).toContain(MARK);
      expect(dom.text).toContain(`sw-cases-${process.pid}`);
      expect(dom.text).toContain('Shell listener on 4444');
    } finally {
      await browser.close();
    }
  });

  it('JSON, Markdown and Navigator exports', async () => {
    const json = CaseExportSchema.parse(JSON.parse((await cli(['report', caseId, '--format', 'json'])).stdout));
    expect(json.case.id).toBe(caseId);
    expect(json.findings.length).toBe(new Set(scan.findings.map((f) => f.id)).size);
    expect(json.detectors.length).toBeGreaterThan(0);
    expect(json.evidence.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['scan-result', 'engine-evidence', 'container-evidence']),
    );
    const md = (await cli(['report', caseId, '--format', 'md'])).stdout;
    expect(md).not.toContain(MARK);
    expect(md).toContain('&lt;script&gt;');
    const layer = NavigatorLayerSchema.parse(
      JSON.parse((await cli(['report', caseId, '--format', 'navigator'])).stdout),
    );
    const seen = new Set(
      json.findings.filter((f) => f.state !== 'false-positive' && f.state !== 'suppressed').flatMap((f) => f.attack),
    );
    expect(new Set(layer.techniques.map((t) => t.techniqueID))).toEqual(seen);
  });

  it('PDF export carries case id, hash and page numbers', async () => {
    const out = artifactPath('case-real.pdf');
    const r = await cli(['report', caseId, '--format', 'pdf', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
    const pages = text.split('\f').filter((p) => p.trim());
    for (const [i, p] of pages.entries()) {
      expect(p).toContain(caseId);
      expect(p).toContain(`page ${i + 1} of ${pages.length}`);
    }
    expect(text).toContain(MARK);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', out, artifactPath('case-real-page')]);
  });

  it('case verify passes, then catches a tampered evidence blob with exit 1', async () => {
    const ok = await cli(['case', 'verify', caseId]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const shards = readdirSync(path.join(tmp.dir, 'blobs'));
    const blob = path.join(tmp.dir, 'blobs', shards[0]!, readdirSync(path.join(tmp.dir, 'blobs', shards[0]!))[0]!);
    const original = readFileSync(blob);
    writeFileSync(blob, `${original.toString('utf8')} `);
    const bad = await cli(['case', 'verify', caseId]);
    // The store is shared with the next test, and blobs are shared by content: put the original back.
    writeFileSync(blob, original);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('hash-mismatch');
    expect(bad.stdout).toContain(path.basename(blob));
  });

  it('collect writes a bundle that opens offline as a read-only case, from the CLI and through the contract', async () => {
    const bundle = path.join(tmp.dir, 'evidence.tar.gz');
    const c = await cli(['collect', '--out', bundle, '--since', '10m']);
    expect(c.code, c.stderr).toBe(0);
    const imp = await cli(['case', 'import', bundle]);
    expect(imp.code, imp.stderr).toBe(0);
    const list = JSON.parse((await cli(['case', 'list', '--json'])).stdout) as Array<{
      id: string;
      readOnly: boolean;
      findingCount: number;
    }>;
    const imported = list.find((x) => x.readOnly)!;
    expect(imported.findingCount).toBeGreaterThan(0);
    expect((await cli(['case', 'verify', imported.id])).code).toBe(0);

    const app = createApp({ env: { ...process.env, ...env } });
    try {
      const ctx = { transport: 'http' as const, user: 'analyst-2' };
      const opened = await app.dispatch('bundles.open', { path: bundle }, ctx);
      expect(opened.ok, JSON.stringify(opened)).toBe(true);
      const view = (opened as { value: { id: string; readOnly: boolean } }).value;
      expect(view.readOnly).toBe(true);
      const ev = await app.dispatch('cases.containerEvidence', { caseId: view.id, containerId }, ctx);
      expect(ev.ok, JSON.stringify(ev)).toBe(true);
      expect((ev as { value: { container: { id: string } } }).value.container.id).toBe(containerId);
      const findings = await app.dispatch('findings.list', { caseId: view.id, containerId }, ctx);
      expect((findings as { value: { total: number } }).value.total).toBeGreaterThan(0);
      const custody = await app.dispatch('custody.list', { caseId: view.id }, ctx);
      expect((custody as { value: Array<{ actor: string; action: string }> }).value[0]).toMatchObject({
        actor: 'analyst-2',
        action: 'create',
      });
    } finally {
      await app.dispose();
    }
  });
});
