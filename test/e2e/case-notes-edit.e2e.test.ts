import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { runCli } from '../helpers/cli.js';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

describe('editing a case note in web mode: a new version, the old text kept', () => {
  const app = useWebApp({ name: 'case-notes-edit', viewport: { width: 1440, height: 1000 } });
  const env = { STOWAWAY_DATA_DIR: app.dataDir, STOWAWAY_ANALYST: 'e2e-analyst' };
  let page: Page;

  beforeAll(async () => {
    page = await app.start(env);
  });
  afterAll(async () => {
    await app.close();
  });

  it('edits a note twice, shows every earlier version, and `case verify` passes until a note row is altered', async () => {
    await page.getByTestId('tab-case').click({ timeout: 60_000 });
    await page.getByTestId('case-view').waitFor({ timeout: 60_000 });
    await page.getByTestId('case-new-name').fill('Notes case');
    await page.getByTestId('case-create').click();
    await expect.poll(() => page.getByTestId('case-title').textContent()).toBe('Notes case');

    await page.getByTestId('case-note').fill(`Shell in c-3 ${HOSTILE}`);
    await page.getByTestId('case-note-add').click();
    await expect.poll(() => page.getByTestId('case-note-text').first().textContent()).toBe(`Shell in c-3 ${HOSTILE}`);

    const item = page.getByTestId('case-note-item').first();
    await item.getByTestId('case-note-edit').click();
    await item.getByTestId('case-note-edit-text').fill('Reverse shell in c-3, isolated at 10:14');
    await item.getByTestId('case-note-save').click();
    await expect
      .poll(() => item.getByTestId('case-note-text').textContent())
      .toBe('Reverse shell in c-3, isolated at 10:14');
    await expect.poll(() => item.getByTestId('case-note-versions').textContent()).toContain(`Shell in c-3 ${HOSTILE}`);

    await item.getByTestId('case-note-edit').click();
    await item.getByTestId('case-note-edit-text').fill('Reverse shell in c-3, isolated at 10:14; image rebuilt');
    await item.getByTestId('case-note-edit-text').press('Control+Enter');
    await expect
      .poll(() => item.getByTestId('case-note-text').textContent())
      .toBe('Reverse shell in c-3, isolated at 10:14; image rebuilt');
    // One note, three versions: the newest shown as the note, both earlier ones under it, newest first.
    expect(await page.getByTestId('case-note-item').count()).toBe(1);
    await expect
      .poll(() => item.locator('[data-testid="case-note-versions"] pre').allTextContents())
      .toEqual(['Reverse shell in c-3, isolated at 10:14', `Shell in c-3 ${HOSTILE}`]);
    expect(await item.textContent()).toContain('edited (2 earlier versions)');
    expect(await page.locator('img[src=x]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    const custody = await page.locator('.cv-custody').textContent();
    expect(custody?.match(/edit of/g)?.length).toBe(2);
    await page.getByTestId('case-verify').click();
    await expect.poll(() => page.getByTestId('case-verify-result').textContent()).toContain('custody chain intact');
    await page.screenshot({ path: artifactPath('case-notes-edit.png'), fullPage: true });

    await app.stop();
    expect((await runCli(['case', 'verify', 'Notes case'], { env })).code).toBe(0);
    // Someone with file access rewrites the first version: verify names it.
    const db = new Database(path.join(app.dataDir, 'cases.db'));
    try {
      db.exec('DROP TRIGGER IF EXISTS notes_no_update');
      db.prepare("UPDATE notes SET markdown = 'Nothing found.' WHERE supersedes IS NULL").run();
    } finally {
      db.close();
    }
    const after = await runCli(['case', 'verify', 'Notes case'], { env });
    expect(after.code).not.toBe(0);
    expect(after.stdout + after.stderr).toMatch(/notes: .*rewritten/);
  }, 180_000);
});
