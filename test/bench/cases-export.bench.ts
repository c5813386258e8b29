// Report export of a case with 10,000 findings, every format, against the 5 s budget.
// Run: node --import tsx test/bench/cases-export.bench.ts
import { performance } from 'node:perf_hooks';
import { CaseService } from '../../electron/engine/cases/case-service.js';
import { detectorMetas } from '../../electron/engine/cases/detector-meta.js';
import { generateReport } from '../../electron/engine/reports/generate-report.js';
import { buildCaseExport } from '../../electron/engine/reports/case-export.js';
import { buildReportModel } from '../../electron/engine/reports/report-model.js';
import { renderHtml } from '../../electron/engine/reports/html-report.js';
import { renderPdf } from '../../electron/engine/reports/pdf-report.js';
import { REPORT_FORMATS } from '@shared/api/cases.js';
import { makeFindings, makeScan, tempDataDir } from '../helpers/case-fixtures.js';

const N = 10_000;
const BUDGET_MS = 5000;

const tmp = tempDataDir('stowaway-bench-');
const cases = new CaseService(tmp.dir, 'bench');
try {
  const c = cases.create('export bench');
  const metas = detectorMetas();
  const findings = makeFindings(N, { hostile: true });
  findings.forEach((f, i) => (f.detector = metas[i % metas.length]?.id ?? f.detector));
  cases.addScan(c.id, makeScan(findings));
  for (let i = 0; i < 200; i++)
    cases.setFindingState(c.id, findings[i]!.id, i % 2 ? 'confirmed' : 'false-positive', 'bench');
  console.log(`report export, ${N.toLocaleString('en')} findings`);
  let pdfMs = Number.NaN;
  for (const format of REPORT_FORMATS) {
    const t = performance.now();
    const r = await generateReport(cases, c.id, format, metas);
    const ms = performance.now() - t;
    console.log(
      `${format.padEnd(10)} ${ms.toFixed(0).padStart(6)} ms  ${(r.bytes.length / 1024 / 1024).toFixed(1).padStart(6)} MB   ratio to ${BUDGET_MS} ms budget: ${(ms / BUDGET_MS).toFixed(3)}`,
    );
    if (format === 'pdf') pdfMs = ms;
  }
  // The same case printed the way it was before the per-detector digest: a table row for every finding.
  const t = performance.now();
  const data = buildCaseExport(cases, c.id, metas);
  const rows = await renderPdf(
    renderHtml(data, buildReportModel(data), { compact: true, digestRows: Number.POSITIVE_INFINITY }),
    data,
  );
  const allRowsMs = performance.now() - t;
  console.log(
    `pdf, a row per finding (before) ${allRowsMs.toFixed(0)} ms  ${(rows.length / 1024 / 1024).toFixed(1)} MB; digest (now) is ${(allRowsMs / pdfMs).toFixed(1)}x faster`,
  );
} finally {
  cases.dispose();
  tmp.cleanup();
}
