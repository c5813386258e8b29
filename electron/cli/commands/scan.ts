import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { toSarif } from '../format/sarif.js';
import { OBSERVE_BOUNDS, parseDuration, parseSince } from '@shared/domain/duration.js';
import { SEVERITIES, severityRank, type Severity } from '@shared/domain/finding.js';
import type { ScanResult } from '@shared/domain/scan.js';
import type { ScanOptions } from '@shared/api/scan.js';
import type { ResolvedTarget } from '@shared/api/engines.js';
import { AppError, isAppError } from '@shared/errors.js';
import { EXIT } from '../exit-codes.js';
import { formatScanTable } from '../format/scan-table.js';
import { terminalSafe } from '../format/text.js';
import { progressReporter } from '../progress.js';
import { outputStyle, rootOf } from '../output-style.js';
import { addTargetOptions, useTarget, type TargetFlags } from '../target-options.js';
import { addScanInputOptions, type ScanInputFlags } from '../scan-input-options.js';
import { combineScans, type EngineScan } from '../combine-scans.js';
import { ScanWatch } from '../scan-watch.js';
import { openEngine, type EngineClient } from '../engine-client.js';
import { applyBackendHeapBudget } from '../../engine/heap-budget.js';

const FORMATS = ['table', 'json', 'sarif'] as const;

interface ScanFlags extends Omit<TargetFlags, 'context'>, ScanInputFlags {
  context?: string[];
  allContexts?: boolean;
  format: string;
  failOn?: string;
  since?: string;
  exec?: boolean;
  stats?: boolean;
  case?: string;
  namespace?: string[];
  watch?: boolean;
  interval?: string;
  rules?: string;
}

/** Rescans of --watch come at least this often; engine events bring them sooner. */
const DEFAULT_WATCH_INTERVAL = '10s';

/** True when a finding is at or above the --fail-on threshold. */
export const meetsFailOn = (r: ScanResult, failOn: Severity | undefined): boolean =>
  failOn !== undefined &&
  r.findings.some(
    (f) => f.state !== 'suppressed' && f.state !== 'false-positive' && severityRank(f.severity) >= severityRank(failOn),
  );

function usage(message: string): void {
  process.stderr.write(`stowaway scan: ${message}\n`);
  process.exitCode = EXIT.usage;
}

const repeat = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `stowaway scan`: every container of one or more engines (running and stopped), for CI and remote hosts. */
export function registerScan(program: Command): void {
  const cmd = program
    .command('scan')
    .description('scan every container of an engine (or of several at once) and report findings')
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'table')
    .option('--fail-on <severity>', `exit 1 when a finding is at least this severe (${SEVERITIES.join(', ')})`)
    .option('--since <duration>', 'engine event history to read, e.g. 30m, 24h, 7d or an RFC 3339 time', '24h')
    .option(
      '--exec',
      'when the host cannot read a container, list its processes and sockets by running commands inside it (leaves exec events)',
    )
    .option(
      '--stats',
      'sample CPU and memory of every running container (by default only of those whose processes look busy)',
    )
    .option('--case <name>', 'record the scan and its evidence in this case (created when no case has that name or id)')
    .option(
      '--namespace <ns>',
      'with a Kubernetes --context: scan only this namespace, repeatable',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--all-contexts',
      'scan every Docker engine found (local, DOCKER_HOST, docker contexts, saved hosts) at once, into one result',
    )
    .option(
      '--watch',
      'keep running: rescan what changed on every engine event and every --interval, and print new and resolved findings as JSON lines until SIGINT or SIGTERM',
    )
    .option(
      '--interval <duration>',
      `with --watch, rescan at least this often, e.g. 5s or 1m (default ${DEFAULT_WATCH_INTERVAL})`,
    )
    .option(
      '--rules <dir>',
      'YAML detection rules to run beside the built-in detectors (default: the rules folder of the data directory); invalid rules are reported and skipped',
    );
  addTargetOptions(addScanInputOptions(cmd));
  // Repeatable here: several engines are scanned at once into one result.
  const ctx = cmd.options.find((o) => o.long === '--context')!;
  ctx.description =
    'docker or kubeconfig context to scan, repeatable to scan several engines at once (overrides DOCKER_HOST and DOCKER_CONTEXT)';
  ctx.parseArg = repeat as typeof ctx.parseArg;
  cmd.action(async (opts: ScanFlags) => {
    if (!(FORMATS as readonly string[]).includes(opts.format))
      return usage(`unknown --format ${opts.format.slice(0, 40)} (use ${FORMATS.join(', ')})`);
    if (opts.failOn !== undefined && !(SEVERITIES as readonly string[]).includes(opts.failOn))
      return usage(`unknown --fail-on ${opts.failOn.slice(0, 40)} (use ${SEVERITIES.join(', ')})`);
    let intervalMs = 0;
    try {
      parseSince(opts.since ?? '24h');
      if (opts.observe !== undefined) parseDuration(opts.observe, '--observe', OBSERVE_BOUNDS);
      if (opts.host && (opts.context?.length || opts.allContexts))
        return usage('--host names one engine; use --context for several');
      if (opts.allContexts && opts.context?.length)
        return usage('--all-contexts already scans every context; leave out --context');
      if (opts.interval !== undefined && !opts.watch) return usage('--interval needs --watch');
      if (opts.rules !== undefined && !isDirectory(opts.rules))
        return usage(`--rules ${opts.rules.slice(0, 200)} is not a directory`);
      if (opts.watch) {
        if (opts.format === 'sarif') return usage('--watch prints JSON lines; --format sarif is for a single scan');
        if (opts.case) return usage('--watch does not record in a case; run a scan with --case for that');
        intervalMs = parseDuration(opts.interval ?? DEFAULT_WATCH_INTERVAL, '--interval', {
          min: 1000,
          max: 24 * 3_600_000,
        });
      }
    } catch (e) {
      return usage((e as Error).message);
    }
    // A watch runs for as long as serve does, rescanning all the while.
    if (opts.watch) applyBackendHeapBudget();
    const engine = await openEngine({ incrementalScans: Boolean(opts.watch) });
    const root = rootOf(cmd);
    const style = outputStyle(root, process.stderr);
    const progress = progressReporter(process.stderr, style);
    const off = engine.events.onAny((event, payload) => {
      if (event !== 'scan.progress' || opts.watch) return;
      const p = payload as { phase: string; done: number; total: number; message?: string };
      // Messages carry container names: never let them drive the terminal.
      progress.update(p.done, p.total, terminalSafe(p.message ?? p.phase, 100), p.phase);
    });
    try {
      const targets = await chooseTargets(engine, opts);
      if (opts.namespace?.length && !targets.some((t) => t.engine.kind === 'kubernetes'))
        return usage('--namespace needs a Kubernetes --context');
      // A suppression file or baseline comes before the allowlist in force; a scan recorded in a named case is
      // judged by that case's allowlist, whichever case is current.
      const options = scanOptions(opts);
      if (opts.watch) return await watch(engine, targets, opts, options, intervalMs);
      const started = Date.now();
      // Engines are scanned at once; one that fails becomes an error entry and the others stand.
      const scans = await Promise.all(
        targets.map(async (t): Promise<EngineScan> => {
          const t0 = Date.now();
          const base = { engineId: t.engine.id, name: t.engine.name, endpoint: t.url };
          try {
            // Hidden findings are reported beside the others, never dropped; --fail-on ignores them. The field is
            // left out when nothing was hidden, so the output of a scan without an allowlist keeps its shape.
            const result = await engine.call('scan.run', { engineId: t.engine.id, since: opts.since, options });
            return { ...base, durationMs: Date.now() - t0, result };
          } catch (e) {
            if (targets.length === 1 || !isAppError(e)) throw e;
            return { ...base, durationMs: Date.now() - t0, error: { code: e.code, message: e.message } };
          }
        }),
      );
      const result =
        scans.length === 1
          ? scans[0]!.result!
          : combineScans(scans, new Date(started).toISOString(), Date.now() - started);
      progress.done();
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (opts.format === 'sarif') {
        const [{ detectors }, { version }] = await Promise.all([
          engine.call('detectors.list', {}),
          engine.call('app.info', {}),
        ]);
        process.stdout.write(`${JSON.stringify(toSarif(result, detectors, version), null, 2)}\n`);
      } else process.stdout.write(formatScanTable(result, outputStyle(root, process.stdout).color));
      if (opts.case) {
        for (const s of scans) {
          if (!s.result) continue;
          // The case is found by name or id, and created when none matches; a scan already in it is not added twice.
          const c = await engine.call('cases.resolve', { ref: opts.case, create: true });
          await engine.call('cases.addScan', { caseId: c.id, engineId: s.engineId });
          if (!style.quiet)
            process.stderr.write(`Recorded in case ${terminalSafe(c.name, 200)} (${c.id.slice(0, 8)})\n`);
        }
      }
      // An engine that could not be scanned is a connection error even when the others' findings are printed.
      const failed = scans.filter((s) => !s.result);
      for (const s of failed)
        process.stderr.write(
          `stowaway scan: engine ${terminalSafe(s.name, 100)}: ${terminalSafe(s.error!.message, 300)} [${s.error!.code}]\n`,
        );
      process.exitCode = failed.length
        ? EXIT.usage
        : meetsFailOn(result, opts.failOn as Severity | undefined)
          ? EXIT.findings
          : EXIT.ok;
    } catch (e) {
      progress.done();
      process.stderr.write(`stowaway scan: ${isAppError(e) ? `${e.message} [${e.code}]` : (e as Error).message}\n`);
      process.exitCode = EXIT.usage;
    } finally {
      off();
      await engine.dispose();
      // A call an aborted rescan left in flight must not hold a stopped watch: end once the output is written.
      if (opts.watch) process.stdout.write('', () => setTimeout(() => process.exit(), 200).unref());
    }
  });
}

/** The flags as the scan options of the contract, which the UI's scan options also are. */
const scanOptions = (opts: ScanFlags): ScanOptions => ({
  suppressionsFile: opts.suppressions,
  baselines: opts.baseline,
  kubeContext: opts.kubeContext,
  kubeAudit: opts.kubeAudit,
  observe: opts.observe,
  allowlistCase: opts.case,
  exec: opts.exec,
  stats: opts.stats,
  namespaces: opts.namespace,
  rulesDir: opts.rules,
});

/** The engines to scan: every Docker engine found, each named context, or the one engine the docker CLI would use. */
async function chooseTargets(engine: EngineClient, opts: ScanFlags): Promise<ResolvedTarget[]> {
  if (opts.allContexts) {
    const all = (await engine.call('engines.list', {})).filter(
      (e) => e.kind === 'docker' && e.endpoint.type !== 'bundle',
    );
    if (!all.length)
      throw new AppError('SOCKET_MISSING', 'No Docker engine found: no DOCKER_HOST, no context and no local socket');
    return Promise.all(all.map((e) => engine.call('engines.resolve', { engineId: e.id })));
  }
  const names = opts.context?.length ? [...new Set(opts.context)] : [undefined];
  const targets: ResolvedTarget[] = [];
  for (const context of names) targets.push(await useTarget(engine, { ...opts, context }));
  return targets;
}

const isDirectory = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * --watch: the opening scans print every finding as new; then each burst of engine events and each interval
 * rescans what changed and prints what appeared and what went away, one JSON object a line, until a signal.
 */
async function watch(
  engine: EngineClient,
  targets: ResolvedTarget[],
  opts: ScanFlags,
  options: ScanOptions,
  intervalMs: number,
): Promise<void> {
  const w = new ScanWatch({
    engineIds: targets.map((t) => t.engine.id),
    bus: engine.events,
    intervalMs,
    // Observing is done by the opening scan only: it takes its whole duration each time.
    scan: (id, first, signal) =>
      engine.call(
        'scan.run',
        { engineId: id, since: opts.since, options: { ...options, observe: first ? options.observe : undefined } },
        { signal },
      ),
    onChange: (c) => process.stdout.write(`${JSON.stringify(c)}\n`),
    onError: (id, e) => {
      const err = isAppError(e) ? e : new AppError('INTERNAL', (e as Error).message);
      process.stderr.write(`stowaway scan: ${terminalSafe(err.message, 300)} [${err.code}]\n`);
    },
  });
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  void w.start();
  await stopped;
  await w.stop();
  process.exitCode = EXIT.ok;
}
