import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { docker, removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'e2e-terminal';
// A window-title OSC, a clipboard-write OSC and markup: all must stay inert.
const HOSTILE = `printf '\\033]0;pwned-title\\007\\033]52;c;ZXZpbA==\\007<img src=x onerror="window.__pwned=1"> \\033[31mred-text\\033[0m\\n'`;

describe('terminal view in web mode', () => {
  const app = useWebApp({ name: 'terminal', viewport: { width: 1440, height: 900 } });
  let page: Page;
  const name = `sw-term-${process.pid}`;
  let id = '';

  beforeAll(async () => {
    await removeSuite(SUITE);
    const c = await runContainer({
      suite: SUITE,
      name,
      cmd: ['sh', '-c', `echo hello-from-logs; ${HOSTILE}; sleep 3600`],
    });
    id = c.id;
    page = await app.start({ STOWAWAY_ANALYST: 'analyst-e2e' });
    await page.getByTestId('engine-status').filter({ hasText: 'connected' }).waitFor({ timeout: 30_000 });
    // The rail lists rows in view only: on a busy engine the container is found through the filter.
    await page.getByTestId('engine-rail').locator('input[type="search"]').fill(name);
    const item = page.getByTestId('container-item').filter({ hasText: name }).first();
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    await page.getByTestId('tab-terminal').click();
  });
  afterAll(async () => {
    await app.close();
    await removeSuite(SUITE);
  });

  const screen = () => page.getByTestId('terminal').locator('.xterm-rows').textContent();

  it('follows the logs read-only by default and keeps hostile output inert', async () => {
    await expect.poll(screen, { timeout: 15_000 }).toContain('hello-from-logs');
    await expect.poll(screen).toContain('<img src=x onerror="window.__pwned=1">');
    expect(await screen()).toContain('red-text');
    // The title sequence is shown as text, not run.
    expect(await screen()).toContain('\\x1b]0;pwned-title\\x07');
    expect(await page.getByTestId('terminal-mode').textContent()).toContain('READ-ONLY');
    expect(await page.title()).toBe('Stowaway');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img[src=x]').count()).toBe(0);
    // Typing in logs mode reaches nothing: no exec is created.
    await page.getByTestId('terminal').click();
    await page.keyboard.type('touch /tmp/should-not-exist\n');
    const execs = ((await docker.getContainer(id).inspect()) as { ExecIDs?: string[] | null }).ExecIDs ?? [];
    expect(execs.length).toBe(0);
    await page.screenshot({ path: artifactPath('terminal-logs.png') });
  });

  it('refuses exec without confirmation, at the API and in the UI', async () => {
    const refused = await page.evaluate(async (containerId) => {
      const r = await fetch('/api/terminal.exec', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ engineId: 'local', containerId }),
      });
      return (await r.json()) as { ok: boolean; error?: { code: string } };
    }, id);
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('CONFIRMATION_REQUIRED');
    await page.getByTestId('terminal-exec').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('This changes the container');
    await page.screenshot({ path: artifactPath('terminal-confirm.png') });
    await page.getByTestId('exec-cancel').click();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect((((await docker.getContainer(id).inspect()) as { ExecIDs?: string[] | null }).ExecIDs ?? []).length).toBe(0);
  });

  it('runs a confirmed shell, returns typed output and records the session', async () => {
    await page.getByTestId('terminal-exec').click();
    await page.getByTestId('exec-run').click();
    await expect.poll(() => page.getByTestId('terminal-mode').textContent(), { timeout: 15_000 }).toContain('EXEC');
    await expect.poll(() => page.getByTestId('terminal').getAttribute('data-status'), { timeout: 15_000 }).toBe('open');
    await page.getByTestId('terminal').click();
    await page.keyboard.type('echo hi $((6*7))\n');
    await expect.poll(screen, { timeout: 15_000 }).toContain('hi 42');
    expect((((await docker.getContainer(id).inspect()) as { ExecIDs?: string[] | null }).ExecIDs ?? []).length).toBe(1);
    await page.screenshot({ path: artifactPath('terminal-exec.png') });
    await page.getByTestId('terminal-close').click();
    const rec = page.getByTestId('terminal-recording');
    await rec.waitFor({ timeout: 15_000 });
    const text = (await rec.textContent()) ?? '';
    const file = /(\/\S+\.cast)/.exec(text)?.[1];
    expect(file?.startsWith(app.dataDir)).toBe(true);
    const cast = readFileSync(file!, 'utf8').split('\n');
    expect(JSON.parse(cast[0]!)).toMatchObject({ version: 2 });
    const events = cast
      .slice(1)
      .filter(Boolean)
      .map((l) => JSON.parse(l) as [number, string, string]);
    // Keystrokes arrive one by one: the typed line is the concatenation of the input events.
    expect(
      events
        .filter((e) => e[1] === 'i')
        .map((e) => e[2])
        .join(''),
    ).toContain('echo hi $((6*7))');
    expect(
      events
        .filter((e) => e[1] === 'o')
        .map((e) => e[2])
        .join(''),
    ).toContain('hi 42');
    expect(events.every((e, i) => i === 0 || e[0] >= events[i - 1]![0])).toBe(true);
    expect(text).toMatch(/sha256 [0-9a-f]{64}/);
  });

  it('ends a running shell when the analyst leaves the page', async () => {
    await page.getByTestId('terminal-exec').click();
    await page.getByTestId('exec-run').click();
    await expect.poll(() => page.getByTestId('terminal').getAttribute('data-status'), { timeout: 15_000 }).toBe('open');
    const execIds = ((await docker.getContainer(id).inspect()) as { ExecIDs?: string[] | null }).ExecIDs ?? [];
    const running = async () => {
      const states = await Promise.all(
        execIds.map(async (e) => ((await docker.getExec(e).inspect()) as { Running: boolean }).Running),
      );
      return states.filter(Boolean).length;
    };
    await expect.poll(running).toBe(1);
    await page.goto('about:blank');
    await expect.poll(running, { timeout: 15_000 }).toBe(0);
  });
});
