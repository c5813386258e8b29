import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { disposableDockerd, type Dockerd } from '../helpers/dockerd.js';
import { CaseService } from '../../electron/engine/cases/case-service.js';
import type { Finding, Severity } from '@shared/domain/finding.js';
import type { ScanResult } from '@shared/domain/scan.js';
import { attackTactics } from '@shared/domain/attack-techniques.js';

const N = 2000;
const HOT = 1234;
const SEVS: Severity[] = ['low', 'medium', 'high', 'critical'];
const TECHS = [['T1610'], ['T1611'], ['T1564.001'], ['T1053.003'], ['T1098.004', 'T1021.004'], ['T1036.005']];
const DETECTORS = [
  'privileged',
  'hidden-files',
  'cron-persistence',
  'authorized-keys',
  'masquerading',
  'sensitive-mounts',
];
const name = (i: number) => `big-${String(i).padStart(4, '0')}`;

/** A scan of 2,000 containers, two findings on most, as a case records it. */
function bigScan(): ScanResult {
  const containers = Array.from({ length: N }, (_, i) => ({
    id: createHash('sha256').update(`c${i}`).digest('hex'),
    name: name(i),
    image: `registry.example/app-${i % 37}:1`,
    state: (i % 9 === 0 ? 'exited' : 'running') as 'exited' | 'running',
    risk: i === HOT ? 99 : i % 90,
  }));
  const findings: Finding[] = [];
  containers.forEach((c, i) => {
    for (let k = 0; k < (i % 3 === 0 ? 0 : 2); k++) {
      const d = (i + k) % DETECTORS.length;
      findings.push({
        id: createHash('sha256').update(`f${i}-${k}`).digest('hex').slice(0, 32),
        detector: DETECTORS[d]!,
        title: `Finding ${k} of ${c.name}`,
        severity: i === HOT ? 'critical' : SEVS[(i + k) % 3]!,
        attack: TECHS[d]!,
        kind: 'state',
        engineId: 'local',
        container: { id: c.id, name: c.name },
        evidence: [{ kind: 'inspect', ref: c.id.slice(0, 12), excerpt: 'HostConfig' }],
        summary: `summary ${i}-${k}`,
        state: 'new',
      });
    }
  });
  return {
    engine: { id: 'local', name: 'large engine', endpoint: 'unix:///var/run/docker.sock' },
    scannedAt: new Date().toISOString(),
    durationMs: 1000,
    containers,
    findings,
    errors: [],
  };
}

/**
 * The overview of a case holding a 2,000-container scan, served through the real backend (case store, web API):
 * the heat strip and the lists keep a bounded DOM, and sorting and keyboard moves across the whole engine still work.
 */
describe('overview at 2,000 containers', { timeout: 300_000 }, () => {
  const app = useWebApp({ name: 'overview-scale', viewport: { width: 1280, height: 800 } });
  let dockerd: Dockerd;
  let page: Page;
  let findings = 0;

  beforeAll(async () => {
    const cases = new CaseService(app.dataDir, 'analyst');
    const scan = bigScan();
    findings = scan.findings.length;
    cases.addScan(cases.create('Two thousand').id, scan);
    cases.dispose();
    // An empty engine of its own, so the engine side of the overview answers and nobody else's containers appear.
    dockerd = disposableDockerd();
    await dockerd.start();
    page = await app.start({ DOCKER_HOST: `unix://${dockerd.socket}` });
    await page.getByTestId('engine-status').filter({ hasText: 'connected' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('overview-source-case').click();
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="risk-strip"]')?.getAttribute('data-count') === String(n),
      N,
      { timeout: 60_000 },
    );
  }, 200_000);
  afterAll(async () => {
    await app.close();
    await dockerd?.destroy();
  });

  const bounded = async () => ({
    rows: await page.getByTestId('risk-row').count(),
    cells: await page.locator('.eo-strip rect').count(),
    elements: await page.evaluate(() => document.querySelectorAll('*').length),
  });

  it('holds a bounded number of rows and strip cells for 2,000 containers', async () => {
    expect(await page.getByTestId('overview-summary').textContent()).toContain(`${N} containers`);
    expect(await page.getByTestId('overview-summary').textContent()).toContain(`${findings} open findings`);
    const b = await bounded();
    expect(b.rows).toBeGreaterThan(5);
    expect(b.rows).toBeLessThanOrEqual(40);
    expect(b.cells).toBeGreaterThan(100);
    expect(b.cells).toBeLessThanOrEqual(240);
    // The whole page holds fewer elements than there are containers.
    expect(b.elements).toBeLessThan(N);
    // The hottest container leads, and its strip cell carries the worst colour.
    expect(await page.getByTestId('risk-row').first().getAttribute('data-container-name')).toBe(name(HOT));
    expect(await page.locator('.eo-strip rect').first().getAttribute('class')).toContain('heat-critical');
    // A technique sits under each of its tactics.
    expect(await page.getByTestId('matrix-cell').count()).toBe(
      TECHS.flat().reduce((a, t) => a + attackTactics(t).length, 0),
    );
    await page.screenshot({ path: artifactPath('overview-2000-dark-1280.png') });
  });

  it('stays responsive: sorting and keyboard moves reach the far end of the list with the DOM still bounded', async () => {
    await page.getByTestId('risk-sort-name').click();
    const selected = page.locator('[data-testid="risk-row"][aria-selected="true"]');
    await expect.poll(() => selected.getAttribute('data-container-name')).toBe(name(0));
    await page.getByTestId('risk-list').focus();
    await page.keyboard.press('End');
    await expect.poll(() => selected.getAttribute('data-container-name')).toBe(name(N - 1));
    for (let i = 0; i < 3; i++) await page.keyboard.press('PageUp');
    const after = await selected.getAttribute('data-container-name');
    expect(Number(after!.slice(4))).toBeLessThan(N - 20);
    expect(Number(after!.slice(4))).toBeGreaterThan(N - 60);
    // A click on a strip cell jumps the list there.
    await page.locator('.eo-strip rect').nth(120).click();
    const jumped = Number((await selected.getAttribute('data-container-name'))!.slice(4));
    expect(jumped).toBeGreaterThan(1000);
    expect(jumped).toBeLessThan(1150);
    const b = await bounded();
    expect(b.rows).toBeLessThanOrEqual(40);
    expect(b.elements).toBeLessThan(N);
    await page.screenshot({ path: artifactPath('overview-2000-scrolled-1280.png') });
  });
});
