import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { makeEvidence, makeFindings, makeScan } from '../helpers/case-fixtures.js';
import { sha256Hex } from '../../electron/engine/cases/blob-store.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleManifest } from '../../electron/engine/bundle/bundle-format.js';

const RLO = '\u202e';
const BIDI = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;
// The engine name at the manifest's 256-character limit, a host as long, and a container name of 5,000 characters,
// each with a right-to-left override that makes "exe.txt" read as "txt.exe".
const ENGINE = `eng${RLO}txt.exe${'E'.repeat(245)}`;
const HOST = `host${RLO}\u2066gnp.exe${'H'.repeat(240)}`;
const CONTAINER = `ctr${RLO}fdp.exe${'N'.repeat(5000)}`;

/** A bundle as a hostile collector could write one: well-formed, hashes right, names chosen to mislead. */
async function writeHostileBundle(out: string): Promise<void> {
  const result = makeScan(makeFindings(2));
  result.engine = { ...result.engine, name: ENGINE };
  result.containers = result.containers.map((c, i) => ({ ...c, name: i === 0 ? CONTAINER : c.name }));
  result.findings = result.findings.map((f) =>
    f.container && f.container.id === result.containers[0]!.id
      ? { ...f, container: { ...f.container, name: CONTAINER } }
      : f,
  );
  const evidence = makeEvidence(result, `sh -c ${RLO}evil`);
  const files = new Map<string, Buffer>([
    ['scan.json', Buffer.from(JSON.stringify(result))],
    ['evidence.json', Buffer.from(JSON.stringify(evidence))],
  ]);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: new Date().toISOString(),
    createdBy: `collector${RLO}`,
    host: HOST,
    stowawayVersion: '0.1.0',
    engine: result.engine,
    files: [...files].map(([p, buf]) => ({ path: p, sha256: sha256Hex(buf), size: buf.length })),
  };
  const pack = tar.pack();
  pack.entry({ name: 'manifest.json' }, Buffer.from(JSON.stringify(manifest)));
  for (const [name, buf] of files) pack.entry({ name }, buf);
  pack.finalize();
  await pipeline(pack, createGzip(), createWriteStream(out));
}

describe('an opened bundle with bidi controls and very long names', { timeout: 120_000 }, () => {
  const app = useWebApp({ name: 'bundle-hostile-names', viewport: { width: 1600, height: 960 } });
  const bundle = path.join(app.dataDir, 'hostile.tar.gz');
  let page: Page;

  beforeAll(async () => {
    await writeHostileBundle(bundle);
    page = await app.start({ STOWAWAY_ANALYST: 'e2e-analyst' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('shows the names bounded and with their controls visible in the case header, the evidence panel and the rail', async () => {
    await page.getByTestId('tab-case').click({ timeout: 60_000 });
    await page.getByTestId('case-bundle-path').fill(bundle);
    await page.getByTestId('case-bundle-path').press('Enter');
    await expect
      .poll(() => page.locator('.cv-status', { hasText: 'read-only bundle' }).count(), { timeout: 60_000 })
      .toBe(1);

    const title = (await page.getByTestId('case-title').textContent()) ?? '';
    expect(title).toContain('eng\\u202etxt.exe');
    expect(title).toContain('host\\u202e\\u2066gnp.exe');
    expect(title.length).toBeLessThanOrEqual(256);
    const option = (await page.getByTestId('case-picker').locator('option:checked').textContent()) ?? '';
    expect(option).toContain('eng\\u202etxt.exe');
    expect(option.length).toBeLessThan(200);

    const evidence = page.getByTestId('case-evidence');
    await evidence.waitFor({ timeout: 30_000 });
    const picked = (await page.getByTestId('case-evidence-container').locator('option').first().textContent()) ?? '';
    expect(picked).toContain('ctr\\u202efdp.exe');
    expect(picked.length).toBeLessThan(300);
    // The panel shows "Loading evidence..." until the container's evidence arrives: wait for the loaded grid.
    await evidence.locator('.cv-evgrid').waitFor({ timeout: 30_000 });
    expect(await evidence.textContent()).toContain('sh -c \\u202eevil');

    const engine = page.locator('[data-testid="engine-item"][data-engine-id^="bundle-"]');
    await expect.poll(() => engine.count(), { timeout: 30_000 }).toBe(1);
    const engineName = (await engine.locator('.engine-name').textContent()) ?? '';
    expect(engineName).toContain('bundle: eng\\u202etxt.exe');
    expect(engineName.length).toBeLessThanOrEqual(120);
    await engine.click();
    await expect.poll(() => engine.getAttribute('data-status'), { timeout: 30_000 }).toBe('connected');
    const item = page.getByTestId('container-item').filter({ hasText: 'ctr\\u202efdp.exe' }).first();
    await item.waitFor({ timeout: 30_000 });
    const itemName = (await item.locator('.container-name').textContent()) ?? '';
    expect(itemName.length).toBeLessThanOrEqual(120);
    await item.click();

    // Nowhere on the page, in text or in tooltips, does a raw bidi control or an unbounded name appear.
    const page_ = await page.evaluate(() => {
      const texts: string[] = [document.body.innerText];
      for (const el of document.querySelectorAll('[title]')) texts.push(el.getAttribute('title') ?? '');
      for (const el of document.querySelectorAll('option')) texts.push(el.textContent ?? '');
      const leaves = [...document.querySelectorAll('body *')]
        .filter((e) => e.children.length === 0)
        .map((e) => (e.textContent ?? '').length);
      return { texts, longest: Math.max(...leaves) };
    });
    const raw = page_.texts.flatMap((t) => {
      const i = t.search(BIDI);
      return i < 0 ? [] : [JSON.stringify(t.slice(Math.max(0, i - 40), i + 20))];
    });
    expect(raw).toEqual([]);
    expect(page_.longest).toBeLessThan(1100);
    await page.getByTestId('tab-case').click();
    await page.screenshot({ path: artifactPath('bundle-hostile-names.png') });
  });
});
