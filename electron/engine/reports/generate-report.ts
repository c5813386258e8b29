import type { DetectorMeta } from '@shared/domain/finding.js';
import type { ReportFormat, ReportOutput } from '@shared/api/cases.js';
import { sha256Hex } from '../cases/blob-store.js';
import { AppError } from '@shared/errors.js';
import type { CaseService } from '../cases/case-service.js';
import { buildCaseExport } from './case-export.js';
import { buildReportModel } from './report-model.js';
import { renderHtml } from './html-report.js';
import { renderMarkdown } from './markdown-report.js';
import { renderNavigatorLayer } from './navigator-layer.js';
import { startPdfPrinter, type PdfPrinter } from './pdf-report.js';

const MEDIA: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  json: 'application/json',
  md: 'text/markdown; charset=utf-8',
  navigator: 'application/json',
};
const PDF_COMPACT_OVER = 300;
const EXT: Record<ReportFormat, string> = { html: 'html', pdf: 'pdf', json: 'json', md: 'md', navigator: 'layer.json' };

export interface GeneratedReport {
  format: ReportFormat;
  mediaType: string;
  filename: string;
  bytes: Buffer;
  sha256: string;
}

/** A file name from the case name that is safe on every OS. */
export function reportFilename(caseName: string, format: ReportFormat): string {
  const base =
    caseName
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 80) || 'case';
  return `stowaway-${base}.${EXT[format]}`;
}

/** Generates one report and records the export, with the report's hash, in the case's custody log. */
export async function generateReport(
  cases: CaseService,
  caseId: string,
  format: ReportFormat,
  detectors: readonly DetectorMeta[],
  opts: { actor?: string; env?: NodeJS.ProcessEnv; record?: boolean } = {},
): Promise<GeneratedReport> {
  // Chromium starts while the case is read and rendered: its start-up is a good part of a PDF's time.
  const printer = format === 'pdf' ? startPdfPrinter(opts.env) : undefined;
  try {
    return await generate(cases, caseId, format, detectors, opts, printer);
  } finally {
    await printer?.close();
  }
}

async function generate(
  cases: CaseService,
  caseId: string,
  format: ReportFormat,
  detectors: readonly DetectorMeta[],
  opts: { actor?: string; record?: boolean },
  printer: PdfPrinter | undefined,
): Promise<GeneratedReport> {
  const data = buildCaseExport(cases, caseId, detectors, opts.actor);
  let bytes: Buffer;
  if (format === 'json') bytes = Buffer.from(`${JSON.stringify(data, null, 2)}\n`);
  else if (format === 'navigator') bytes = Buffer.from(`${JSON.stringify(renderNavigatorLayer(data), null, 2)}\n`);
  else {
    const model = buildReportModel(data);
    if (format === 'md') bytes = Buffer.from(renderMarkdown(data, model));
    else {
      // A block (or even a row) per finding makes Chromium lay out hundreds of pages for a big case: it prints a per-detector digest.
      const html = renderHtml(data, model, { compact: format === 'pdf' && data.findings.length > PDF_COMPACT_OVER });
      if (format === 'html') bytes = Buffer.from(html);
      else if (printer) bytes = await printer.print(html, data);
      else throw new AppError('INTERNAL', 'PDF export started without a printer');
    }
  }
  const sha256 = sha256Hex(bytes);
  // A PDF printed without Chromium's sandbox says so, and why, where the export is recorded.
  const sandbox = printer && format === 'pdf' ? await printer.sandbox() : undefined;
  const how = sandbox && !sandbox.sandbox ? `; printed without the Chromium sandbox (${sandbox.reason})` : '';
  if (opts.record !== false)
    cases.recordCustody(
      caseId,
      'export',
      `${format} report ${sha256} (${bytes.length} bytes) of case state ${data.caseSha256}${how}`,
      opts.actor,
    );
  return { format, mediaType: MEDIA[format], filename: reportFilename(data.case.name, format), bytes, sha256 };
}

export function toReportOutput(r: GeneratedReport): ReportOutput {
  const binary = r.format === 'pdf';
  return {
    format: r.format,
    mediaType: r.mediaType,
    filename: r.filename,
    text: binary ? undefined : r.bytes.toString('utf8'),
    base64: binary ? r.bytes.toString('base64') : undefined,
    sha256: r.sha256,
    size: r.bytes.length,
  };
}
