import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { labelledEngine, type LabelledEngine } from './fixtures/labelled-engine.js';
import { TACTICS } from '@shared/domain/attack-techniques.js';

const SUITE = 'e2e-engine-overview';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TOTAL = 42;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * The engine overview on a 42-container engine, as an analyst lands on it at 1280×800: heat strip, findings by
 * severity and detector, the ATT&CK matrix filtering Findings, recent and --rm containers, scan age and errors,
 * in both themes with no serious or critical axe violation; then the same overview for a case.
 */
describe('engine overview of a 42-container engine', { timeout: 900_000 }, () => {
  const app = useWebApp({ name: 'engine-overview', viewport: { width: 1280, height: 800 }, bypassCSP: true });
  let engine: LabelledEngine;
  let page: Page;

  beforeAll(async () => {
    engine = await labelledEngine(SUITE, TOTAL, 'ov');
    // axe is injected as a script: the app's CSP (script-src 'self') is bypassed for this page only.
    page = await app.start({ DOCKER_HOST: engine.host });
    await page.getByTestId('engine-status').filter({ hasText: 'connected' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('engine-overview').waitFor({ timeout: 30_000 });
    await page.getByTestId('scan-age').filter({ hasText: 'never scanned' }).waitFor();
    await page.getByTestId('tab-findings').click();
    await page.getByTestId('scan-button').click();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="findings"]')?.getAttribute('data-count')) > 10,
      undefined,
      { timeout: 400_000, polling: 1000 },
    );
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('attack-matrix').waitFor({ timeout: 30_000 });
  }, 600_000);
  afterAll(async () => {
    await app.close();
    await engine?.destroy();
  });

  // The views load through the API on a busy machine: give each UI change a few seconds to show.
  const poll = <T>(fn: () => T | Promise<T>, opts: { timeout?: number; interval?: number } = {}) =>
    expect.poll(fn, { timeout: 20_000, interval: 200, ...opts });
  const rowsOf = () =>
    page
      .getByTestId('risk-row')
      .evaluateAll((els) =>
        els.map((e) => ({ name: e.getAttribute('data-container-name')!, risk: Number(e.getAttribute('data-risk')) })),
      );
  const backToOverview = async () => {
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('attack-matrix').waitFor({ timeout: 30_000 });
  };

  it('shows every container in a heat strip sorted by risk, re-sortable and driven by the keyboard', async () => {
    expect(Number(await page.getByTestId('risk-strip').getAttribute('data-count'))).toBe(TOTAL);
    expect(await page.locator('.eo-strip rect').count()).toBe(TOTAL);
    expect(await page.getByTestId('overview-summary').textContent()).toContain(`${TOTAL} containers`);
    const byRisk = await rowsOf();
    expect(byRisk[0]!.risk).toBeGreaterThan(0);
    expect(byRisk.map((r) => r.risk)).toEqual([...byRisk.map((r) => r.risk)].sort((a, b) => b - a));
    await page.getByTestId('risk-sort-name').click();
    const byName = (await rowsOf()).map((r) => r.name);
    expect(byName).toEqual([...byName].sort((a, b) => a.localeCompare(b)));
    expect(byName[0]).toBe('ov-caps-admin');
    await page.getByTestId('risk-sort-name').click();
    expect((await rowsOf())[0]!.name).toBe('ov-unconfined');
    await page.getByTestId('risk-sort-risk').click();
    expect((await rowsOf())[0]!.risk).toBe(byRisk[0]!.risk);

    // Tab from the last sort button lands in the list; arrows move, End reaches the last row, Enter opens it.
    await page.getByTestId('risk-sort-risk').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('risk-list');
    await page.keyboard.press('ArrowDown');
    const second = await page
      .locator('[data-testid="risk-row"][aria-selected="true"]')
      .getAttribute('data-container-name');
    expect(second).toBe(byRisk[1]!.name);
    await page.keyboard.press('End');
    const active = page.locator('[data-testid="risk-row"][aria-selected="true"]');
    // The list scrolls with the keyboard: the last row is drawn, the first ones are not any more.
    await poll(() => page.getByTestId('risk-list').evaluate((e) => e.scrollTop)).toBeGreaterThan(0);
    expect(await active.getAttribute('data-container-name')).toMatch(/^ov-/);
    expect(await page.locator(`[data-testid="risk-row"][data-container-name="${byRisk[0]!.name}"]`).count()).toBe(0);
    expect(await page.getByTestId('risk-list').getAttribute('aria-activedescendant')).toBe(
      await active.getAttribute('id'),
    );
    await page.keyboard.press('Home');
    await poll(() => active.getAttribute('data-container-name')).toBe(byRisk[0]!.name);
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('container-overview').textContent(), { timeout: 20_000 }).toContain(
      byRisk[0]!.name,
    );
    // Back to the engine: the palette's "engine overview" clears the container.
    await page.locator('body').click({ position: { x: 640, y: 20 } });
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette-input').fill('engine overview');
    await page.keyboard.press('Enter');
    await page.getByTestId('attack-matrix').waitFor({ timeout: 30_000 });
  });

  it('counts findings by severity and by detector, each bar opening Findings filtered to it', async () => {
    const sev = await page
      .getByTestId('by-severity')
      .locator('button')
      .evaluateAll((els) =>
        els.map((e) => ({ key: e.getAttribute('data-key')!, count: Number(e.getAttribute('data-count')) })),
      );
    expect(sev.map((s) => s.key)).toEqual(['critical', 'high', 'medium', 'low']);
    const open = Number(/(\d+)<\/b> open findings/.exec(await page.getByTestId('overview-summary').innerHTML())?.[1]);
    expect(sev.reduce((a, s) => a + s.count, 0)).toBe(open);
    const det = await page
      .getByTestId('by-detector')
      .locator('button')
      .evaluateAll((els) =>
        els.map((e) => ({ key: e.getAttribute('data-key')!, count: Number(e.getAttribute('data-count')) })),
      );
    expect(det.length).toBeGreaterThan(3);
    expect(det.reduce((a, d) => a + d.count, 0)).toBe(open);
    expect(det.map((d) => d.count)).toEqual([...det.map((d) => d.count)].sort((a, b) => b - a));

    const high = sev.find((s) => s.key === 'high')!;
    expect(high.count).toBeGreaterThan(0);
    await page.getByTestId('by-severity').locator('[data-key="high"]').click();
    await page.getByTestId('findings').waitFor();
    await poll(() => page.getByTestId('findings').getAttribute('data-shown')).toBe(String(high.count));
    expect(
      new Set(
        await page.getByTestId('finding-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-severity'))),
      ),
    ).toEqual(new Set(['high']));

    await backToOverview();
    const top = det[0]!;
    await page.getByTestId('by-detector').locator(`[data-key="${top.key}"]`).click();
    await poll(() => page.getByTestId('filter-detector').inputValue()).toBe(top.key);
    await poll(() => page.getByTestId('findings').getAttribute('data-shown')).toBe(String(top.count));
    // Informational findings of one cause sit on one line: their group names the detector as a finding does.
    const detectors = await page
      .locator('[data-testid="finding-row"] .fv-detector, [data-testid="finding-group"] .fv-detector')
      .allTextContents();
    expect(detectors.length).toBeGreaterThan(0);
    expect(new Set(detectors)).toEqual(new Set([top.key]));
  });

  it('lays out ATT&CK techniques by tactic with their names, each cell filtering Findings by click and by keyboard', async () => {
    await backToOverview();
    const headings = (await page.locator('[data-testid="attack-matrix"] .eo-tactic h4').allTextContents()).map((h) =>
      h.replace(/\s*\d+$/, '').trim(),
    );
    expect(headings.length).toBeGreaterThan(2);
    // Columns follow the matrix order of the bundled table.
    const known = headings.filter((h) => (TACTICS as readonly string[]).includes(h));
    expect(known).toEqual(headings.filter((h) => h !== 'Unmapped'));
    expect(known).toEqual(
      [...known].sort(
        (a, b) => TACTICS.indexOf(a as (typeof TACTICS)[number]) - TACTICS.indexOf(b as (typeof TACTICS)[number]),
      ),
    );
    const cells = await page.getByTestId('matrix-cell').evaluateAll((els) =>
      els.map((e) => ({
        id: e.getAttribute('data-technique')!,
        tactic: e.getAttribute('data-tactic')!,
        count: Number(e.getAttribute('data-count')),
        name: e.querySelector('.eo-tech-name')?.textContent ?? '',
      })),
    );
    expect(cells.length).toBeGreaterThan(4);
    for (const c of cells) {
      expect(c.id).toMatch(/^T\d{4}(\.\d{3})?$/);
      // A name, not the bare ID again.
      expect(c.name.length).toBeGreaterThan(3);
      expect(c.name).not.toBe(c.id);
    }
    expect(await page.getByTestId('attack-matrix').locator('xpath=..').textContent()).toMatch(/ATT&CK Enterprise v\d+/);

    // Click: Findings filtered to the technique (sub-techniques included).
    const pick = cells.find((c) => c.count > 1) ?? cells[0]!;
    await page.locator(`[data-testid="matrix-cell"][data-technique="${pick.id}"]`).first().click();
    await poll(() => page.getByTestId('filter-technique').inputValue()).toBe(pick.id);
    await poll(() => page.getByTestId('findings').getAttribute('data-shown')).toBe(String(pick.count));
    for (const ids of await page.locator('[data-testid="finding-row"] .fv-attack .mono').allTextContents())
      expect(ids.split(' ').some((t) => t === pick.id || t.startsWith(`${pick.id}.`))).toBe(true);

    // Keyboard: Tab reaches the cells (they are buttons), Enter opens Findings the same way.
    await backToOverview();
    const other = cells.find((c) => c.id !== pick.id)!;
    const target = page.locator(`[data-testid="matrix-cell"][data-technique="${other.id}"]`).first();
    await target.focus();
    expect(await target.evaluate((e) => e === document.activeElement && e.tabIndex >= 0)).toBe(true);
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('filter-technique').inputValue()).toBe(other.id);
    await poll(() => page.getByTestId('findings').getAttribute('data-shown')).toBe(String(other.count));
  });

  it('lists the containers started in the last hour and the --rm ones seen only in events', async () => {
    await backToOverview();
    const started = await page
      .getByTestId('started')
      .getByTestId('life-item')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    expect(started.length).toBe(12);
    expect(started.every((n) => n?.startsWith('ov-'))).toBe(true);
    expect(await page.getByTestId('started').textContent()).toMatch(/and \d+ more/);
    const removed = await page
      .getByTestId('auto-removed')
      .getByTestId('life-item')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    expect(removed.sort()).toEqual([...engine.removed].sort());
    // A removed container is gone: it is shown, not offered as a link.
    expect(await page.getByTestId('auto-removed').locator('button').count()).toBe(0);
    // A started one that still exists opens its container.
    await page.getByTestId('started').locator('button[data-testid="life-item"]').first().click();
    await page.getByTestId('container-overview').waitFor({ timeout: 20_000 });
  });

  it('states the scan age and its errors', async () => {
    await page.locator('body').click({ position: { x: 640, y: 20 } });
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette-input').fill('engine overview');
    await page.keyboard.press('Enter');
    await page.getByTestId('attack-matrix').waitFor({ timeout: 30_000 });
    const ageText = (await page.getByTestId('scan-age').textContent())!;
    expect(ageText).toMatch(/^scanned \d+ (s|min) ago/);
    const errors = page.getByTestId('scan-errors');
    const n = Number(await errors.getAttribute('data-count'));
    if (n === 0) expect(await errors.textContent()).toContain('None: every container and call answered.');
    else {
      expect(ageText).toContain(`${n} error`);
      expect(await errors.locator('li').count()).toBe(Math.min(n, 20) + (n > 20 ? 1 : 0));
    }
  });

  async function audit(label: string): Promise<string[]> {
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Violation[] }> } }
      ).axe;
      return (await axe.run(document, { resultTypes: ['violations'] })).violations;
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${label}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes
            .slice(0, 4)
            .map((x) => x.target.join(' '))
            .join(' | ')}`,
      );
  }

  for (const theme of ['dark', 'light'] as const) {
    it(`reads at 1280×800 in the ${theme} theme with no serious or critical axe violation`, async () => {
      await page.evaluate((t) => localStorage.setItem('stowaway.theme', t), theme);
      await page.reload();
      await page.getByTestId('engine-status').filter({ hasText: 'connected' }).waitFor({ timeout: 60_000 });
      await page.getByTestId('attack-matrix').waitFor({ timeout: 30_000 });
      expect(await page.locator('.app').getAttribute('data-theme')).toBe(theme);
      // The matrix's names fit their cells: nothing is cut off sideways.
      const clipped = await page
        .locator('.eo-tech-name')
        .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).length);
      expect(clipped).toBe(0);
      // Tactics that do not fit the card continue on a new row: no column is pushed out of sight.
      expect(await page.locator('.eo-matrix-wrap').evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(
        1,
      );
      await page.screenshot({ path: artifactPath(`overview-${theme}-1280.png`) });
      await page.getByTestId('attack-matrix').scrollIntoViewIfNeeded();
      await page.screenshot({ path: artifactPath(`overview-${theme}-matrix-1280.png`) });
      await page.getByTestId('risk-list').focus();
      await page.keyboard.press('ArrowDown');
      expect(await audit(`${theme} engine overview`)).toEqual([]);
    });
  }

  it('gives the same overview for a case', async () => {
    await page.getByTestId('tab-case').click();
    await page.getByTestId('case-view').waitFor({ timeout: 60_000 });
    await page.getByTestId('case-new-name').fill('Overview case');
    await page.getByTestId('case-create').click();
    await poll(() => page.getByTestId('case-title').textContent()).toBe('Overview case');
    await page.getByTestId('case-add-scan').click();
    await page.getByRole('status').filter({ hasText: 'Recorded the latest scan' }).waitFor({ timeout: 120_000 });
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('overview-source-case').click();
    const eo = page.getByTestId('engine-overview');
    await poll(() => eo.getAttribute('data-source')).toBe('case');
    await poll(() => eo.locator('.view-title').textContent()).toBe('Case Overview case');
    await poll(async () => Number(await page.getByTestId('risk-strip').getAttribute('data-count')), {
      timeout: 30_000,
    }).toBe(TOTAL);
    await page.getByTestId('attack-matrix').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('matrix-cell').count()).toBeGreaterThan(4);
    // Live-only panels stay with the engine; the case names where its scans are.
    expect(await page.getByTestId('recent-starts').count()).toBe(0);
    expect(await page.getByTestId('scan-errors').textContent()).toContain('See the scans of the case');
    const cell = page.getByTestId('matrix-cell').first();
    const id = (await cell.getAttribute('data-technique'))!;
    await cell.focus();
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('filter-technique').inputValue()).toBe(id);
    // Back from Findings, the overview still shows the case.
    await page.getByTestId('tab-overview').click();
    await page.getByTestId('attack-matrix').waitFor();
    expect(await eo.getAttribute('data-source')).toBe('case');
    await page.screenshot({ path: artifactPath('overview-case-light-1280.png') });
    expect(await audit('case overview')).toEqual([]);
    await page.getByTestId('overview-source-engine').click();
    await poll(() => eo.getAttribute('data-source')).toBe('engine');
  });
});
