import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';
import { useWebApp } from '../helpers/web-app.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'e2e-terminal-hostile';

/**
 * printf format (busybox printf turns \NNN into bytes): each attack once directly and once in the form that got
 * through the old regex filter, where an ESC before a removed sequence joined the `]` after it.
 */
const ATTACKS = [
  'bypass-title:\\033\\033]0;x\\007]0;pwned-title\\007',
  'bypass-clip:\\033\\033]0;x\\007]52;c;cHduZWQtY2xpcA==\\007',
  'bypass-bg:\\033\\033]0;x\\007]11;#ff0000\\007',
  'bypass-query:\\033\\033]0;x\\007]10;?\\007',
  'osc52:\\033]52;c;cHduZWQtY2xpcA==\\007',
  'title:\\033]2;pwned-title-2\\007',
  'bg:\\033]11;rgb:ff/00/00\\007',
  'queries:\\033]10;?\\007\\033]11;?\\033\\\\',
  'da:\\033[c dsr:\\033[6n c1-dsr:\\302\\2336n',
  'decrqss:\\033P$qm\\033\\\\ apc:\\033_Gpayload\\033\\\\',
  '\\033[32mgreen-ok\\033[0m',
].join('\\n');

describe('hostile terminal output in a real browser', () => {
  const app = useWebApp({ name: 'terminal-hostile' });
  let context: BrowserContext;
  let page: Page;
  const name = `sw-hostile-${process.pid}`;
  const inputs: string[] = [];

  beforeAll(async () => {
    await removeSuite(SUITE);
    await runContainer({
      suite: SUITE,
      name,
      env: [`P=${ATTACKS}`],
      cmd: ['sh', '-c', 'echo start-of-logs; printf "$P"; echo; echo end-of-logs; sleep 3600'],
    });
    page = await app.start({ STOWAWAY_ANALYST: 'analyst-e2e' }, { goto: false });
    context = app.context;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.url).origin });
    // Everything the page sends as terminal input: a terminal answering a query would show up here.
    page.on('request', (r) => {
      if (r.url().includes('/api/terminal.input'))
        inputs.push((JSON.parse(r.postData() ?? '{}') as { data?: string }).data ?? '');
    });
    await page.goto(app.url);
    await page.evaluate(() => navigator.clipboard.writeText('clipboard-sentinel'));
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

  const screen = async () => (await page.getByTestId('terminal').locator('.xterm-rows').textContent()) ?? '';
  /** The colour the terminal paints in an empty corner, read from a real screenshot. */
  const background = async () => {
    const box = (await page.getByTestId('terminal').boundingBox())!;
    const png = await page.screenshot({
      clip: { x: box.x + box.width - 40, y: box.y + box.height - 40, width: 4, height: 4 },
    });
    return page.evaluate(async (b64) => {
      const bitmap = await createImageBitmap(
        new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' }),
      );
      const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const [r, g, b] = ctx.getImageData(1, 1, 1, 1).data;
      return `rgb(${r}, ${g}, ${b})`;
    }, png.toString('base64'));
  };
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

  it('shows container log attacks as text and acts on none of them', async () => {
    await expect.poll(screen, { timeout: 15_000 }).toContain('end-of-logs');
    await page.waitForTimeout(500);
    // No title, no background colour, no clipboard write, no answer to a query.
    expect({ title: await page.title(), background: await background(), clipboard: await clipboard(), inputs }).toEqual(
      {
        title: 'Stowaway',
        background: expect.not.stringMatching(/^rgb\(2[0-5]\d, [0-4]?\d, [0-4]?\d\)$/),
        clipboard: 'clipboard-sentinel',
        inputs: [],
      },
    );
    const text = await screen();
    // Each sequence is on screen as visible text, so the analyst sees what was tried.
    expect(text).toContain('bypass-clip:\\x1b\\x1b]0;x\\x07]52;c;cHduZWQtY2xpcA==\\x07');
    expect(text).toContain('osc52:\\x1b]52;c;cHduZWQtY2xpcA==\\x07');
    expect(text).toContain('bypass-bg:\\x1b\\x1b]0;x\\x07]11;#ff0000\\x07');
    expect(text).toContain('queries:\\x1b]10;?\\x07\\x1b]11;?\\x1b\\');
    expect(text).toContain('da:\\x1b[c dsr:\\x1b[6n c1-dsr:\\x9b6n');
    expect(text).toContain('decrqss:\\x1bP$qm\\x1b\\ apc:\\x1b_Gpayload\\x1b\\');
    // Colours still act: the escape is not on screen, the word is.
    expect(text).toContain('green-ok');
    expect(text).not.toContain('[32m');
    await page.screenshot({ path: artifactPath('terminal-hostile-logs.png') });
  });

  it('sends no query answer to an exec shell and records the session inertly', async () => {
    const bgBefore = await background();
    await page.getByTestId('terminal-exec').click();
    await page.getByTestId('exec-run').click();
    await expect.poll(() => page.getByTestId('terminal').getAttribute('data-status'), { timeout: 15_000 }).toBe('open');
    await page.getByTestId('terminal').click();
    const typed = 'printf "$P"; echo; echo done-$((6*7))\r';
    await page.keyboard.type(typed.replace('\r', '\n'));
    await expect.poll(screen, { timeout: 15_000 }).toContain('done-42');
    // Time for a terminal to answer, if it were going to.
    await page.waitForTimeout(1000);
    expect(inputs.join('')).toBe(typed);
    expect(await page.title()).toBe('Stowaway');
    expect(await background()).toBe(bgBefore);
    expect(await clipboard()).toBe('clipboard-sentinel');
    expect(await screen()).toContain('bypass-query:\\x1b\\x1b]0;x\\x07]10;?\\x07');
    await page.screenshot({ path: artifactPath('terminal-hostile-exec.png') });

    await page.getByTestId('terminal-close').click();
    const rec = page.getByTestId('terminal-recording');
    await rec.waitFor({ timeout: 15_000 });
    const file = /(\/\S+\.cast)/.exec((await rec.textContent()) ?? '')?.[1];
    expect(file?.startsWith(app.dataDir)).toBe(true);
    const events = readFileSync(file!, 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => JSON.parse(l) as [number, string, string]);
    const output = events
      .filter((e) => e[1] === 'o')
      .map((e) => e[2])
      .join('');
    expect(output).toContain('osc52:\\x1b]52;c;cHduZWQtY2xpcA==\\x07');
    // Replayed in a native terminal, the cast can do nothing: no ESC except allowed SGR, no C1, no BEL.
    expect(output.replace(/\u001b\[[0-9;]*[mCDGKJ]/g, '')).not.toMatch(/[\u001b\u0007\u0080-\u009f]/);
    expect(
      events
        .filter((e) => e[1] === 'i')
        .map((e) => e[2])
        .join(''),
    ).toBe(typed);
  });
});
