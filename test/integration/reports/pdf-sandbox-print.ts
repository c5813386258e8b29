// Prints a one-page PDF with the report printer and says how Chromium ran: run as the user under test.
import { execFileSync } from 'node:child_process';
import { startPdfPrinter } from '../../../electron/engine/reports/pdf-report.js';
import type { CaseExport } from '../../../electron/engine/reports/case-export.js';

const data = { case: { id: 'c-1', name: 'sandbox check' }, caseSha256: '0'.repeat(64) } as CaseExport;
const printer = startPdfPrinter(process.env);
try {
  const pdf = await printer.print('<h1>Sandbox check</h1>', data);
  // The browser processes of this user, while the browser is still up: their flags show the sandbox state.
  const ps = execFileSync('ps', ['-u', String(process.getuid!()), '-o', 'args='], { encoding: 'utf8' });
  const browsers = ps.split('\n').filter((l) => /chrom/i.test(l) && /--headless|--type=/.test(l));
  process.stdout.write(
    JSON.stringify({
      magic: pdf.subarray(0, 5).toString('latin1'),
      bytes: pdf.length,
      decision: await printer.sandbox(),
      browsers: browsers.length,
      noSandboxFlag: browsers.some((l) => l.includes('--no-sandbox')),
    }),
  );
} finally {
  await printer.close();
}
