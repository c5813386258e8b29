import type { Command } from 'commander';
import { createApp } from '../../engine/app.js';
import { DETECTORS } from '../../engine/detect/registry.js';
import { toSarif } from '../../engine/scan/sarif.js';
import { parseSince } from '../../engine/collect/since.js';
import { VERSION } from '../../engine/version.js';
import { SEVERITIES, severityRank, type Severity } from '../../../shared/domain/finding.js';
import type { ScanResult } from '../../../shared/domain/scan.js';
import { isAppError } from '../../../shared/errors.js';
import { EXIT } from '../exit-codes.js';
import { formatScanTable } from '../format/scan-table.js';
import { terminalSafe } from '../format/text.js';
import { progressReporter } from '../progress.js';
import { outputStyle, rootOf } from '../output-style.js';
import { addTargetOptions, useTarget, type TargetFlags } from '../target-options.js';
import { caseSuppressions, recordScanInCase } from '../case-context.js';
import { addScanInputOptions } from '../scan-inputs.js';
import { readScanInputs, type ScanInputFlags } from '../../engine/scan/scan-inputs.js';

const FORMATS = ['table', 'json', 'sarif'] as const;

interface ScanFlags extends TargetFlags, ScanInputFlags {
  format: string;
  failOn?: string;
  since?: string;
  exec?: boolean;
  stats?: boolean;
  case?: string;
}

/** True when a finding is at or above the --fail-on threshold. */
export const meetsFailOn = (r: ScanResult, failOn: Severity | undefined): boolean =>
  failOn !== undefined && r.findings.some((f) => f.state !== 'suppressed' && f.state !== 'false-positive' && severityRank(f.severity) >= severityRank(failOn));

function usage(message: string): void {
  process.stderr.write(`stowaway scan: ${message}\n`);
  process.exitCode = EXIT.usage;
}

/** `stowaway scan`: every container of one engine (running and stopped), for CI and remote hosts. */
export function registerScan(program: Command): void {
  const cmd = program
    .command('scan')
    .description('scan every container of an engine (running and stopped) and report findings')
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'table')
    .option('--fail-on <severity>', `exit 1 when a finding is at least this severe (${SEVERITIES.join(', ')})`)
    .option('--since <duration>', 'engine event history to read, e.g. 30m, 24h, 7d or an RFC 3339 time', '24h')
    .option('--exec', 'when the host cannot read a container, list its processes and sockets by running commands inside it (leaves exec events)')
    .option('--stats', 'sample CPU and memory of every running container (by default only of those whose processes look busy)')
    .option('--case <name>', 'record the scan and its evidence in this case (created when no case has that name or id)');
  addTargetOptions(addScanInputOptions(cmd)).action(async (opts: ScanFlags) => {
    if (!(FORMATS as readonly string[]).includes(opts.format)) return usage(`unknown --format ${opts.format.slice(0, 40)} (use ${FORMATS.join(', ')})`);
    if (opts.failOn !== undefined && !(SEVERITIES as readonly string[]).includes(opts.failOn)) return usage(`unknown --fail-on ${opts.failOn.slice(0, 40)} (use ${SEVERITIES.join(', ')})`);
    try {
      parseSince(opts.since ?? '24h');
    } catch (e) {
      return usage((e as Error).message);
    }
    const app = createApp();
    const root = rootOf(cmd);
    const style = outputStyle(root, process.stderr);
    const progress = progressReporter(process.stderr, style);
    const off = app.bus.onAny((event, payload) => {
      if (event !== 'scan.progress') return;
      const p = payload as { phase: string; done: number; total: number; message?: string };
      // Messages carry container names: never let them drive the terminal.
      progress.update(p.done, p.total, terminalSafe(p.message ?? p.phase, 100), p.phase);
    });
    try {
      // A suppression file or baseline comes before the allowlist in force (the named case's, else the current one's).
      const inputs = await readScanInputs(opts, () => (opts.case ? caseSuppressions(opts.case) : app.caseStore.currentSuppressions()));
      const target = await useTarget(app.engines, opts);
      // A scan recorded in a named case is judged by that case's allowlist, whichever case is current.
      const suppressions = inputs.suppressions ?? (opts.case ? caseSuppressions(opts.case) : undefined);
      const scanned = await app.scans.run(target.id, opts.since, { exec: opts.exec, stats: opts.stats, suppressions, kube: inputs.kube });
      // Hidden findings are reported beside the others, never dropped; --fail-on ignores them. The field is
      // left out when nothing was hidden, so the output of a scan without an allowlist keeps its shape.
      const result = app.scans.withHidden(target.id, scanned);
      progress.done();
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (opts.format === 'sarif') process.stdout.write(`${JSON.stringify(toSarif(result, DETECTORS.map((d) => d.meta), VERSION), null, 2)}\n`);
      else process.stdout.write(formatScanTable(result, outputStyle(root, process.stdout).color));
      if (opts.case) {
        const recorded = recordScanInCase(opts.case, scanned, app.scans.latestEvidence(target.id), process.env, app.scans.latestOutcome(target.id)?.suppressed);
        if (!style.quiet) process.stderr.write(`${recorded}\n`);
      }
      process.exitCode = meetsFailOn(result, opts.failOn as Severity | undefined) ? EXIT.findings : EXIT.ok;
    } catch (e) {
      progress.done();
      process.stderr.write(`stowaway scan: ${isAppError(e) ? `${e.message} [${e.code}]` : (e as Error).message}\n`);
      process.exitCode = EXIT.usage;
    } finally {
      off();
      await app.dispose();
    }
  });
}
