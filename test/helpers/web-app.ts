import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach } from 'vitest';
import { artifactPath, launchBrowser } from './browser.js';
import { startServe } from './cli.js';

export interface WebAppOptions {
  /** Names the temporary directory and the screenshots of failed tests. */
  name: string;
  viewport?: { width: number; height: number };
  bypassCSP?: boolean;
  /** Added to the environment of every server this fixture starts. */
  env?: NodeJS.ProcessEnv;
}

export interface WebApp {
  /** A temporary directory for the whole file, removed after its last test whatever happened. */
  readonly root: string;
  /** The served app's STOWAWAY_DATA_DIR, under root, so no test sees another's cases, engines or settings. */
  readonly dataDir: string;
  /** An empty directory under root, for tests that give the server a HOME of its own. */
  readonly home: string;
  /** The environment of the running server (STOWAWAY_DATA_DIR and what the test added). */
  readonly env: NodeJS.ProcessEnv;
  readonly url: string;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Starts `stowaway serve` on dataDir, then a browser page on it (without loading it when goto is false). */
  start(env?: NodeJS.ProcessEnv, opts?: { goto?: boolean }): Promise<Page>;
  /** A fresh server on the same data dir and a fresh page: what an analyst sees after a restart. */
  restart(env?: NodeJS.ProcessEnv): Promise<Page>;
  /** Stops the server, leaving the data dir for the test to read or tamper with. */
  stop(): Promise<void>;
  /** A page in a context of its own, closed with the fixture. */
  newPage(): Promise<Page>;
  /** A directory under root, created on first use. */
  dir(name: string): string;
  /**
   * Closes the browser, stops the servers and removes root; runs after the last test anyway. A file whose servers
   * talk to something it started (an sshd, a dockerd, a fake API server) calls it first in its own afterAll, so
   * clients go before what they are connected to.
   */
  close(): Promise<void>;
}

/**
 * The end-to-end fixture: `stowaway serve` with an isolated data dir, Debian's Chromium and a page on the served
 * URL. Call it inside `describe`: it screenshots the page of a failed test into test-artifacts/, and after the last
 * test closes the browser, stops every server it started and removes its temporary directory.
 */
export function useWebApp(opts: WebAppOptions): WebApp {
  const root = mkdtempSync(path.join(os.tmpdir(), `sw-e2e-${opts.name}-`));
  const dataDir = path.join(root, 'data');
  const home = path.join(root, 'home');
  mkdirSync(dataDir);
  mkdirSync(home);
  // Should a hook time out before close() runs, the directory still goes when the test process ends.
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  const servers: ReturnType<typeof startServe>[] = [];
  const contexts: BrowserContext[] = [];
  let browser: Browser | undefined;
  let current: { env: NodeJS.ProcessEnv; url: string; context: BrowserContext; page: Page } | undefined;

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`web app fixture: ${what} before start()`);
    return value;
  };

  const openPage = async (): Promise<{ context: BrowserContext; page: Page }> => {
    browser ??= await launchBrowser();
    // A context per page: cookies are per host, not per port, so an earlier server's cookie would shadow a new token.
    const context = await browser.newContext({
      viewport: opts.viewport ?? { width: 1440, height: 900 },
      bypassCSP: opts.bypassCSP,
    });
    contexts.push(context);
    return { context, page: await context.newPage() };
  };

  const app: WebApp = {
    root,
    dataDir,
    home,
    get env() {
      return need(current, 'env').env;
    },
    get url() {
      return need(current, 'url').url;
    },
    get browser() {
      return need(browser, 'browser');
    },
    get context() {
      return need(current, 'context').context;
    },
    get page() {
      return need(current, 'page').page;
    },
    async start(env = {}, { goto = true } = {}) {
      const fullEnv = { ...opts.env, ...env, STOWAWAY_DATA_DIR: dataDir };
      const serve = startServe([], fullEnv);
      servers.push(serve);
      const [url, opened] = await Promise.all([serve.url, openPage()]);
      current = { env: fullEnv, url, ...opened };
      if (goto) await opened.page.goto(url);
      return opened.page;
    },
    async stop() {
      await Promise.all(servers.splice(0).map((s) => s.stop()));
    },
    async restart(env) {
      await app.stop();
      await current?.page.close();
      return app.start(env ?? stripDataDir(current?.env));
    },
    async newPage() {
      return (await openPage()).page;
    },
    dir(name) {
      const dir = path.join(root, name);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    async close() {
      try {
        // A browser stuck on a page that never settles must not keep the servers and the directory alive.
        await Promise.race([browser?.close(), new Promise((r) => setTimeout(r, 15_000))]);
        browser = undefined;
        await app.stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !current) return;
    const file = `${opts.name}-failed-${ctx.task.name.slice(0, 32).replace(/\W+/g, '-')}.png`;
    await current.page.screenshot({ path: artifactPath(file), fullPage: true }).catch(() => undefined);
  });
  afterAll(() => app.close());
  return app;
}

function stripDataDir(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const { STOWAWAY_DATA_DIR: _dataDir, ...rest } = env ?? {};
  return rest;
}
