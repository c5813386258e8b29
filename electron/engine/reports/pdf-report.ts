import { sealSummary } from './report-seal.js';
import { existsSync } from 'node:fs';
import { AppError } from '@shared/errors.js';
import { escapeHtml as e } from './escape.js';
import type { CaseExport } from './case-export.js';
import type { Browser } from 'playwright-core';
import { decideChromiumSandbox, sandboxFacts, type SandboxDecision } from './chromium-sandbox.js';

/** Chromium to print with: CHROMIUM_PATH, else the usual system locations. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  ];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** A started headless Chromium, ready to print; closed by the caller. */
export interface PdfPrinter {
  print(html: string, data: CaseExport): Promise<Buffer>;
  /** Whether the browser that printed runs in its sandbox, and if not, why. */
  sandbox(): Promise<SandboxDecision>;
  close(): Promise<void>;
}

/**
 * Starts Chromium for printing. Callers start it before building the report so the browser comes up while
 * the case is read and the HTML is rendered, instead of after.
 */
export function startPdfPrinter(env: NodeJS.ProcessEnv = process.env): PdfPrinter {
  const executablePath = findChromium(env);
  let decision: SandboxDecision = { sandbox: false, reason: 'no browser started' };
  const browser = (async () => {
    if (!executablePath)
      throw new AppError('NOT_FOUND', 'PDF export needs Chromium or Chrome: install it or set CHROMIUM_PATH');
    const { chromium } = await import('playwright-core');
    decision = decideChromiumSandbox(sandboxFacts(executablePath, env));
    // Playwright passes --no-sandbox unless chromiumSandbox is set.
    if (!decision.sandbox) return chromium.launch({ executablePath, chromiumSandbox: false });
    try {
      return await chromium.launch({ executablePath, chromiumSandbox: true });
    } catch (e) {
      // A profile or policy this check cannot see (a container's seccomp filter, say) stops the sandbox.
      decision = {
        sandbox: false,
        reason: `the sandbox did not start: ${String((e as Error).message)
          .split('\n')[0]!
          .slice(0, 200)}`,
      };
      return chromium.launch({ executablePath, chromiumSandbox: false });
    }
  })();
  // A launch failure surfaces from print(); until then it must not count as unhandled.
  browser.catch(() => undefined);
  return {
    print: async (html, data) => printPdf(await browser, html, data),
    sandbox: async () => (await browser.catch(() => undefined), decision),
    close: async () => {
      const b = await browser.catch(() => undefined);
      await b?.close();
    },
  };
}

/**
 * Prints the HTML report to PDF with headless Chromium. JavaScript is off and every request is refused,
 * so printing hostile content cannot run or fetch anything. Header and footer carry the case id, its
 * hash and page numbers on every page, so a loose printed page still says where it belongs.
 */
export async function renderPdf(html: string, data: CaseExport, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const printer = startPdfPrinter(env);
  try {
    return await printer.print(html, data);
  } finally {
    await printer.close();
  }
}

async function printPdf(browser: Browser, html: string, data: CaseExport): Promise<Buffer> {
  const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
  try {
    const page = await context.newPage();
    await page.route('**/*', (route) => route.abort());
    // Nothing loads (requests are refused, scripts are off): waiting for 'load' only adds a layout pass.
    await page.setContent(html, { waitUntil: 'domcontentloaded' });
    const small =
      'font-size:8px;font-family:sans-serif;color:#555;width:100%;padding:0 12mm;display:flex;justify-content:space-between;';
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      margin: { top: '18mm', bottom: '18mm', left: '12mm', right: '12mm' },
      headerTemplate: `<div style="${small}"><span>Stowaway case ${e(data.case.name.slice(0, 80))}</span><span>case ${e(data.case.id)} · custody head ${e(sealSummary(data.seal)?.head ?? 'none')}</span></div>`,
      footerTemplate: `<div style="${small}"><span>case sha256 ${e(data.caseSha256)}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
    });
    return Buffer.from(pdf);
  } finally {
    await context.close().catch(() => undefined);
  }
}
