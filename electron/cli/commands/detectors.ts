import path from 'node:path';
import type { Command } from 'commander';
import { resolveDataDir } from '../../engine/data-dir.js';
import { renderCatalogue, STRATEGIES } from '../../engine/detect/catalogue.js';
import { DETECTORS } from '../../engine/detect/registry.js';
import { formatRuleError, loadRulesDir, type LoadedRules } from '../../engine/detect/rules/load-rules.js';
import { loadRecordedEvidence, testRules } from '../../engine/detect/rules/test-rules.js';
import { toAppError } from '../../engine/errors.js';
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
    .option('--rules <dir>', 'rules directory listed beside the built-ins (default: the rules folder of the data directory)')
    .option('--test <dir>', 'run the rules of this directory against recorded evidence (--evidence or --bundle) and print what each matched')
    .option('--evidence <file>', 'with --test: an evidence set saved as JSON (a bundle\'s evidence.json)')
    .option('--bundle <file>', 'with --test: an evidence bundle written by `stowaway collect`')
    .action(async (opts: DetectorsFlags) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) return usage(`unknown --format ${opts.format} (use ${FORMATS.join(', ')})`);
      if ((opts.evidence !== undefined || opts.bundle !== undefined) && opts.test === undefined) return usage('--evidence and --bundle go with --test DIR');
      if (opts.test !== undefined && (opts.evidence === undefined) === (opts.bundle === undefined)) return usage('--test needs recorded evidence: one of --evidence FILE or --bundle FILE');
      if (opts.test !== undefined && opts.rules !== undefined) return usage('--test names the rules directory; leave out --rules');
      const builtinIds = DETECTORS.map((d) => d.meta.id);
      const dir = opts.test ?? opts.rules ?? path.join(resolveDataDir(process.env), 'rules');
      const rules = await loadRulesDir(dir, builtinIds, opts.test === undefined && opts.rules === undefined);
      for (const e of rules.errors) process.stderr.write(`stowaway detectors: ${terminalSafe(formatRuleError(e), 600)}\n`);
      if (opts.test !== undefined) return runTest(rules, opts);

      const all = [...DETECTORS, ...rules.detectors];
      const metas = all.map((d) => d.meta);
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify({ strategies: STRATEGIES, detectors: metas, ruleErrors: rules.errors }, null, 2)}\n`);
      else if (opts.format === 'md') process.stdout.write(renderCatalogue(all));
      else {
        // The source column appears only when rule files add detectors, so the built-in listing keeps its shape.
        const withSource = rules.detectors.length > 0;
        const head = ['ID', 'SEVERITY', 'KIND', 'ATT&CK', 'STRATEGY', 'TITLE', ...(withSource ? ['SOURCE'] : [])];
        process.stdout.write(table(head, metas.map((m) => [terminalSafe(m.id, 128), m.severity, m.kind, m.attack.join(','), m.strategy.join(','), terminalSafe(m.title, 120), ...(withSource ? [terminalSafe(m.source ?? 'built-in', 300)] : [])])));
      }
      process.exitCode = rules.errors.length ? EXIT.usage : EXIT.ok;
    });
}

async function runTest(rules: LoadedRules, opts: DetectorsFlags): Promise<void> {
  let evidence;
  try {
    evidence = await loadRecordedEvidence({ evidence: opts.evidence, bundle: opts.bundle });
  } catch (e) {
    const err = toAppError(e);
    return usage(`${terminalSafe(err.message, 600)} [${err.code}]`);
  }
  const { results, failures } = testRules(rules.detectors, evidence);
  if (opts.format === 'json') {
    process.stdout.write(`${JSON.stringify({ engine: evidence.engine, collectedAt: evidence.collectedAt, rules: results.map((r) => ({ id: r.rule.meta.id, version: r.rule.rule.version, source: r.rule.meta.source, matches: r.matches })), errors: rules.errors, failures }, null, 2)}\n`);
  } else {
    const out: string[] = [`Rules in ${terminalSafe(rules.dir, 300)} against evidence of ${terminalSafe(evidence.engine.name, 80)} collected ${evidence.collectedAt}: ${rules.detectors.length} rules, ${rules.errors.length} invalid.`, ''];
    for (const r of results) {
      out.push(`${terminalSafe(r.rule.meta.id, 128)}@v${r.rule.rule.version} (${terminalSafe(`${r.rule.file}:${r.rule.line}`, 300)}): ${r.matches.length} match${r.matches.length === 1 ? '' : 'es'}`);
      for (const f of r.matches.slice(0, 200)) out.push(`  ${f.severity.padEnd(8)} ${terminalSafe(f.container?.name ?? f.workload?.name ?? '-', 40).padEnd(20)} ${terminalSafe(f.summary, 300)}`);
      if (r.matches.length > 200) out.push(`  … and ${r.matches.length - 200} more`);
    }
    for (const f of failures) out.push(`rule ${terminalSafe(f.detector, 128)} failed: ${terminalSafe(f.message, 300)}`);
    process.stdout.write(`${out.join('\n')}\n`);
  }
  process.exitCode = rules.errors.length || failures.length ? EXIT.usage : EXIT.ok;
}
