import type { Command } from 'commander';
import { renderCatalogue, STRATEGIES } from '../../engine/detect/catalogue.js';
import { DETECTORS } from '../../engine/detect/registry.js';
import { EXIT } from '../exit-codes.js';
import { table } from '../format/text.js';

const FORMATS = ['table', 'json', 'md'] as const;

/** `stowaway detectors`: the detector catalogue (what each detects, with ATT&CK, blind spots and suppression advice). */
export function registerDetectors(program: Command): void {
  program
    .command('detectors')
    .description('list the detectors with their ATT&CK techniques, strategy, severity and documentation')
    .option('--format <format>', 'table, json or md', 'table')
    .action((opts: { format: string }) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) {
        process.stderr.write(`stowaway detectors: unknown --format ${opts.format} (use ${FORMATS.join(', ')})\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      const metas = DETECTORS.map((d) => d.meta);
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify({ strategies: STRATEGIES, detectors: metas }, null, 2)}\n`);
      else if (opts.format === 'md') process.stdout.write(renderCatalogue(DETECTORS));
      else
        process.stdout.write(
          table(
            ['ID', 'SEVERITY', 'KIND', 'ATT&CK', 'STRATEGY', 'TITLE'],
            metas.map((m) => [m.id, m.severity, m.kind, m.attack.join(','), m.strategy.join(','), m.title]),
          ),
        );
      process.exitCode = EXIT.ok;
    });
}
