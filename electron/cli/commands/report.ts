import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { REPORT_FORMATS, type ReportFormat } from '@shared/api/cases.js';
import { EXIT } from '../exit-codes.js';
import { caseNamed, withCases } from '../case-context.js';

/** `stowaway report CASE`: export a case as HTML, PDF, JSON, Markdown or an ATT&CK Navigator layer. */
export function registerReport(program: Command): void {
  program
    .command('report <case>')
    .description('export a case report (html, pdf, json, md, navigator)')
    .option('--format <format>', REPORT_FORMATS.join(', '), 'html')
    .option('--out <file>', 'write to a file instead of stdout (required for pdf on a terminal)')
    .action((ref: string, o: { format: string; out?: string }) =>
      withCases('report', async (engine) => {
        if (!(REPORT_FORMATS as readonly string[]).includes(o.format)) {
          process.stderr.write(`stowaway report: unknown --format ${o.format} (use ${REPORT_FORMATS.join(', ')})\n`);
          return EXIT.usage;
        }
        const format = o.format as ReportFormat;
        if (format === 'pdf' && !o.out && process.stdout.isTTY) {
          process.stderr.write('stowaway report: a PDF needs --out FILE (or a redirect)\n');
          return EXIT.usage;
        }
        const c = await caseNamed(engine, ref);
        const r = await engine.call('reports.generate', { caseId: c.id, format });
        const bytes = r.base64 !== undefined ? Buffer.from(r.base64, 'base64') : Buffer.from(r.text ?? '', 'utf8');
        if (o.out) {
          writeFileSync(o.out, bytes);
          process.stderr.write(`Wrote ${o.out} (${bytes.length} bytes, sha256 ${r.sha256})\n`);
        } else process.stdout.write(bytes);
        return EXIT.ok;
      }),
    );
}
