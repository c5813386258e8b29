import type { Command } from 'commander';
import { createApp } from '../../engine/app.js';
import { applyBackendHeapBudget } from '../../engine/heap-budget.js';
import { startWebServer } from '../../server/http-server.js';
import { openBrowser } from '../open-browser.js';
import { rendererDir } from '../paths.js';

/** `stowaway serve`: the UI in a browser, bound to 127.0.0.1. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the workbench UI on 127.0.0.1 for a browser')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', (v) => parsePort(v), 0)
    .option('--no-open', 'do not open a browser')
    .action(async (opts: { port: number; open: boolean }) => {
      applyBackendHeapBudget();
      const app = createApp();
      const staticDir = rendererDir();
      const web = await startWebServer({
        dispatch: app.dispatch,
        bus: app.bus,
        user: app.user,
        staticDir,
        port: opts.port,
      });
      if (!staticDir)
        process.stderr.write('warning: the UI is not built (run `npm run build`); serving the API only\n');
      process.stdout.write(`Stowaway is serving on ${web.url}\n`);
      // Other local users can read the opener's argv: it gets a one-time code, never the token.
      if (opts.open) openBrowser(web.loginUrl());
      await new Promise<void>((resolve) => {
        const stop = () => {
          // An engine connection that will not close (a dead ssh peer) must not keep the server alive.
          setTimeout(() => process.exit(0), 5000).unref();
          void web
            .close()
            .then(() => app.dispose())
            .finally(() => {
              resolve();
              process.exit(0);
            });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port: ${v}`);
  return n;
}
