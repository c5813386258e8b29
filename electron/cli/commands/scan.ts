import type { Command } from 'commander';
import { createApp } from '../../engine/app.js';
import { scanEngine } from '../../engine/scan/scanner.js';
import { isAppError } from '../../../shared/errors.js';
import { EXIT } from '../exit-codes.js';
import { formatScanTable } from '../format/scan-table.js';
import { progressReporter } from '../progress.js';

/** `stowaway scan`: scan the containers of an engine, for CI and remote hosts. */
export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('scan every container of an engine (running and stopped)')
    .option('--format <format>', 'table or json', 'table')
    .action(async (opts: { format: string }) => {
      if (!['table', 'json'].includes(opts.format)) {
        process.stderr.write(`stowaway scan: unknown --format ${opts.format}\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      const app = createApp();
      const engineId = app.engines.list().find((e) => e.current)?.id ?? 'local';
      const progress = progressReporter(process.stderr);
      try {
        const result = await scanEngine(app.engines, app.containers, { engineId, onProgress: progress.update });
        progress.done();
        process.stdout.write(opts.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatScanTable(result));
        process.exitCode = EXIT.ok;
      } catch (e) {
        progress.done();
        process.stderr.write(`stowaway scan: ${isAppError(e) ? `${e.message} [${e.code}]` : (e as Error).message}\n`);
        process.exitCode = EXIT.usage;
      } finally {
        await app.dispose();
      }
    });
}
