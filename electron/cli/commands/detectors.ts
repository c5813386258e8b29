import type { Command } from 'commander';
import type { OpOutput } from '@shared/api/contract.js';
import { isAppError } from '@shared/errors.js';
import { withEngine, type EngineClient } from '../engine-client.js';
import { EXIT } from '../exit-codes.js';
import { table, terminalSafe } from '../format/text.js';

const FORMATS = ['table', 'json', 'md'] as const;

interface DetectorsFlags {
  format: string;
  rules?: string;
  test?: string;
  evidence?: string;
  bundle?: string;
}

const usage = (message: string) => {
  process.stderr.write(`stowaway detectors: ${message}\n`);
  process.exitCode = EXIT.usage;
};

/**
 * `stowaway detectors`: the detector catalogue (what each detects, with ATT&CK, blind spots and suppression advice),
 * built-ins and rule files; `--test DIR` runs a rules directory against recorded evidence.
 */
export function registerDetectors(program: Command): void {
  program
    .command('detectors')
    .description('list the detectors with their ATT&CK techniques, strategy, severity and documentation')
    .option('--format <format>', 'table, json or md', 'table')
    .option(
      '--rules <dir>',
      'rules directory listed beside the built-ins (default: the rules folder of the data directory)',
    )
    .option(
      '--test <dir>',
      'run the rules of this directory against recorded evidence (--evidence or --bundle) and print what each matched',
    )
    .option('--evidence <file>', "with --test: an evidence set saved as JSON (a bundle's evidence.json)")
    .option('--bundle <file>', 'with --test: an evidence bundle written by `stowaway collect`')
    .action(async (opts: DetectorsFlags) => {
      if (!(FORMATS as readonly string[]).includes(opts.format))
        return usage(`unknown --format ${opts.format} (use ${FORMATS.join(', ')})`);
      if ((opts.evidence !== undefined || opts.bundle !== undefined) && opts.test === undefined)
        return usage('--evidence and --bundle go with --test DIR');
      if (opts.test !== undefined && (opts.evidence === undefined) === (opts.bundle === undefined))
        return usage('--test needs recorded evidence: one of --evidence FILE or --bundle FILE');
      if (opts.test !== undefined && opts.rules !== undefined)
        return usage('--test names the rules directory; leave out --rules');
      await withEngine({}, async (engine) => {
        if (opts.test !== undefined) return runTest(engine, opts.test, opts);
        const c = await engine.call('detectors.catalogue', { rulesDir: opts.rules, markdown: opts.format === 'md' });
        printRuleErrors(c.ruleErrors);
        printCatalogue(c, opts.format);
        process.exitCode = c.ruleErrors.length ? EXIT.usage : EXIT.ok;
      });
    });
}

type Catalogue = OpOutput<'detectors.catalogue'>;

const printRuleErrors = (errors: Catalogue['ruleErrors']) => {
  for (const e of errors)
    process.stderr.write(`stowaway detectors: ${terminalSafe(`${e.file}:${e.line}: ${e.message}`, 600)}\n`);
};

function printCatalogue(c: Catalogue, format: string): void {
  const metas = c.detectors;
  if (format === 'json')
    process.stdout.write(
      `${JSON.stringify({ strategies: c.strategies, detectors: metas, ruleErrors: c.ruleErrors }, null, 2)}\n`,
    );
  else if (format === 'md') process.stdout.write(c.markdown ?? '');
  else {
    // The source column appears only when rule files add detectors, so the built-in listing keeps its shape.
    const withSource = c.ruleCount > 0;
    const head = ['ID', 'SEVERITY', 'KIND', 'ATT&CK', 'STRATEGY', 'TITLE', ...(withSource ? ['SOURCE'] : [])];
    process.stdout.write(
      table(
        head,
        metas.map((m) => [
          terminalSafe(m.id, 128),
          m.severity,
          m.kind,
          m.attack.join(','),
          m.strategy.join(','),
          terminalSafe(m.title, 120),
          ...(withSource ? [terminalSafe(m.source ?? 'built-in', 300)] : []),
        ]),
      ),
    );
  }
}
async function runTest(engine: EngineClient, rulesDir: string, opts: DetectorsFlags): Promise<void> {
  let t: OpOutput<'detectors.test'>;
  try {
    t = await engine.call('detectors.test', { rulesDir, evidence: opts.evidence, bundle: opts.bundle });
  } catch (e) {
    if (!isAppError(e)) throw e;
    return usage(`${terminalSafe(e.message, 600)} [${e.code}]`);
  }
  const { failures } = t;
  printRuleErrors(t.errors);
  if (opts.format === 'json') {
    process.stdout.write(
      `${JSON.stringify({ engine: t.engine, collectedAt: t.collectedAt, rules: t.rules.map((r) => ({ id: r.id, version: r.version, source: r.source, matches: r.matches })), errors: t.errors, failures }, null, 2)}\n`,
    );
  } else {
    const out: string[] = [
      `Rules in ${terminalSafe(t.dir, 300)} against evidence of ${terminalSafe(t.engine.name, 80)} collected ${t.collectedAt}: ${t.rules.length} rules, ${t.errors.length} invalid.`,
      '',
    ];
    for (const r of t.rules) {
      out.push(
        `${terminalSafe(r.id, 128)}@v${r.version} (${terminalSafe(`${r.file}:${r.line}`, 300)}): ${r.matches.length} match${r.matches.length === 1 ? '' : 'es'}`,
      );
      for (const f of r.matches.slice(0, 200))
        out.push(
          `  ${f.severity.padEnd(8)} ${terminalSafe(f.container?.name ?? f.workload?.name ?? '-', 40).padEnd(20)} ${terminalSafe(f.summary, 300)}`,
        );
      if (r.matches.length > 200) out.push(`  … and ${r.matches.length - 200} more`);
    }
    for (const f of failures) out.push(`rule ${terminalSafe(f.detector, 128)} failed: ${terminalSafe(f.message, 300)}`);
    process.stdout.write(`${out.join('\n')}\n`);
  }
  process.exitCode = t.errors.length || failures.length ? EXIT.usage : EXIT.ok;
}
