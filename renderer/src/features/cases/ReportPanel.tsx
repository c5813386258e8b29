import { useState } from 'react';
import { REPORT_FORMATS, type ReportFormat, type ReportOutput } from '@shared/api/cases.js';
import { downloadReport } from './download.js';

const LABEL: Record<ReportFormat, string> = {
  html: 'HTML',
  pdf: 'PDF',
  json: 'JSON',
  md: 'Markdown',
  navigator: 'ATT&CK Navigator',
};

/**
 * Report preview and export. HTML previews in an iframe with an empty sandbox (no scripts, no forms, no
 * same-origin) on top of the report's own CSP; other text formats preview as plain text.
 */
export function ReportPanel({ generate }: { generate(format: ReportFormat): Promise<ReportOutput | undefined> }) {
  const [format, setFormat] = useState<ReportFormat>('html');
  const [report, setReport] = useState<ReportOutput>();
  const [busy, setBusy] = useState(false);
  const run = async (download: boolean) => {
    setBusy(true);
    const r = await generate(format);
    setBusy(false);
    if (!r) return;
    setReport(r);
    if (download) downloadReport(r);
  };
  return (
    <section className="cv-panel cv-report" aria-label="Report">
      <h3>Report</h3>
      <div className="cv-row">
        <select
          aria-label="Report format"
          value={format}
          onChange={(e) => setFormat(e.target.value as ReportFormat)}
          data-testid="report-format"
        >
          {REPORT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {LABEL[f]}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void run(false)} disabled={busy} data-testid="report-preview">
          {busy ? 'Generating…' : 'Preview'}
        </button>
        <button type="button" onClick={() => void run(true)} disabled={busy} data-testid="report-export">
          Export
        </button>
        {report ? (
          <span className="muted small mono" title="sha256 of the exported file, also in the custody log">
            {report.filename} · {(report.size / 1024).toFixed(1)} KiB · sha256 {report.sha256.slice(0, 16)}…
          </span>
        ) : null}
      </div>
      {report?.format === 'html' && report.text !== undefined ? (
        <iframe
          className="cv-preview"
          title="Report preview"
          sandbox=""
          srcDoc={report.text}
          data-testid="report-frame"
        />
      ) : report?.text !== undefined ? (
        <pre className="cv-preview cv-text" data-testid="report-text">
          {report.text.length > 400_000
            ? `${report.text.slice(0, 400_000)}\n… (preview cut; Export has everything)`
            : report.text}
        </pre>
      ) : report?.format === 'pdf' ? (
        <p className="muted">PDF generated ({report.size} bytes): use Export to save it.</p>
      ) : null}
    </section>
  );
}
