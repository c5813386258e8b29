import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { removeSuite, runContainer } from '../helpers/docker.js';
import { podExecAudit } from '../helpers/kube-audit.js';

const SUITE = 'e2e-scan-options';

/** The Scan button's options panel: a baseline and an audit log chosen in the UI reach the scan. */
describe('scan options in the findings view', () => {
  const app = useWebApp({ name: 'scan-options', viewport: { width: 1440, height: 900 } });
  let page: Page;
  const data = app.root;
  const audit = path.join(data, 'audit.log');

  beforeAll(async () => {
    await removeSuite(SUITE);
    await runContainer({ suite: SUITE, name: `sw-e2e-scanopt-${process.pid}` });
    writeFileSync(audit, `${podExecAudit('coredns-5d78c9869d-<b>x</b>')}\n`);
    page = await app.start(
      { DOCKER_HOST: '', DOCKER_CONTEXT: '', KUBECONFIG: path.join(data, 'no-kubeconfig') },
      { goto: false },
    );
  });
  afterAll(async () => {
    await app.close();
    await removeSuite(SUITE);
  });

  it('lists the shipped baselines, takes an audit log path, and the scan judges it', async () => {
    await page.goto(app.url);
    await page.getByTestId('tab-findings').click({ timeout: 60_000 });
    await page.getByTestId('scan-options-toggle').click();
    const panel = page.getByTestId('scan-options');
    await panel.waitFor();
    await page.getByTestId('scan-baseline-ci-runners').check({ timeout: 15_000 });
    await page.getByTestId('scan-kube-audit').fill(audit);
    await page.screenshot({ path: artifactPath('scan-options-panel.png') });
    await panel.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('scan-options-summary').textContent()).toBe('baseline ci-runners, 1 audit log');

    await page.getByTestId('scan-button').click();
    // The engine is shared with other suites' containers and the list is virtual: narrow it to the pod.
    await page.getByTestId('findings-search').fill('coredns');
    const rows = page.getByTestId('finding-row');
    // The pod name from the audit log is shown as text, markup and all.
    await expect
      .poll(async () => (await rows.allTextContents()).join('\n'), { timeout: 120_000 })
      .toContain('coredns-5d78c9869d-<b>x</b>');
    expect(await page.locator('.fv b', { hasText: /^x$/ }).count()).toBe(0);
    // A scan of the whole engine, while other suites run containers on it, can take a while.
  }, 180_000);
});
