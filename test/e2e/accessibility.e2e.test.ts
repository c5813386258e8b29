import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { labelledEngine, type LabelledEngine } from './fixtures/labelled-engine.js';

const SUITE = 'e2e-accessibility';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core on every view, in both themes: no serious or critical violation anywhere. */
describe('accessibility of every view', { timeout: 600_000 }, () => {
  const app = useWebApp({ name: 'accessibility', viewport: { width: 1280, height: 800 }, bypassCSP: true });
  let engine: LabelledEngine;
  let page: Page;

  beforeAll(async () => {
    engine = await labelledEngine(SUITE, 6, 'a11y');
    // axe is injected as a script: the app's CSP (script-src 'self') is bypassed for this audit page only.
    page = await app.start({ DOCKER_HOST: engine.host });
    await page.getByTestId('engine-status').filter({ hasText: 'connected' }).waitFor({ timeout: 60_000 });
    // Findings everywhere: scan once, from the UI.
    await page.getByTestId('tab-findings').click();
    await page.getByTestId('scan-button').click();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="findings"]')?.getAttribute('data-count')) > 0,
      undefined,
      { timeout: 240_000 },
    );
  }, 400_000);
  afterAll(async () => {
    await app.close();
    await engine?.destroy();
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
            .map((n) => `${n.target.join(' ')} [${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 160)}]`)
            .join(' | ')}`,
      );
  }

  const views = ['overview', 'findings', 'processes', 'files', 'network', 'timeline', 'terminal', 'case'];

  for (const theme of ['dark', 'light'] as const) {
    it(`has no serious or critical violation in the ${theme} theme`, async () => {
      await page.evaluate((t) => localStorage.setItem('stowaway.theme', t), theme);
      await page.reload();
      await page.getByTestId('engine-status').filter({ hasText: 'connected' }).waitFor({ timeout: 60_000 });
      const found: string[] = [];
      // With no container selected: the engine overview and the engine-wide views.
      await page.getByTestId('engine-overview').waitFor({ timeout: 30_000 });
      await page.getByTestId('attack-matrix').waitFor({ timeout: 30_000 });
      found.push(...(await audit(`${theme} engine overview`)));
      // A container selected: every view.
      await page.getByTestId('container-item').filter({ hasText: 'a11y-caps-admin' }).first().click();
      for (const v of views) {
        await page.getByTestId(`tab-${v}`).click();
        await page.waitForTimeout(1500);
        found.push(...(await audit(`${theme} ${v}`)));
      }
      await page.getByTestId('tab-findings').click();
      await page.getByTestId('finding-row').first().click();
      found.push(...(await audit(`${theme} finding detail`)));
      await page.locator('body').click({ position: { x: 640, y: 20 } });
      await page.keyboard.press('Control+k');
      await page.getByTestId('palette-input').fill('a11y');
      found.push(...(await audit(`${theme} command palette`)));
      await page.keyboard.press('Escape');
      await page.keyboard.press('?');
      await page.getByTestId('shortcut-help').waitFor();
      found.push(...(await audit(`${theme} shortcut help`)));
      await page.keyboard.press('Escape');
      await page.screenshot({ path: artifactPath(`a11y-${theme}-findings-1280.png`) });
      expect(found).toEqual([]);
    });
  }
});
