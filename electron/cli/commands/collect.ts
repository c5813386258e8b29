import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { encodeBundleFrame } from '../../engine/kube/collect/bundle-frame.js';
import { parseSince } from '@shared/domain/duration.js';
import { isAppError } from '@shared/errors.js';
import { EXIT } from '../exit-codes.js';
import { progressReporter } from '../progress.js';
import { openEngine } from '../engine-client.js';
import { addTargetOptions, useTarget, type TargetFlags } from '../target-options.js';

interface CollectFlags extends TargetFlags {
  out: string;
  since: string;
  exec?: boolean;
  stats?: boolean;
  engineName?: string;
}

/** `stowaway collect --out FILE`: writes an offline evidence bundle on the host that runs the engine. */
export function registerCollect(program: Command): void {
  const cmd = program
    .command('collect')
    .description('collect evidence from an engine into one offline bundle (.tar.gz) to analyse elsewhere')
    .requiredOption(
      '--out <file>',
      'bundle file to write (e.g. evidence.tar.gz); - writes it to stdout as framed base64 lines (used by collection Jobs, whose log carries it back)',
    )
    .option('--since <duration>', 'engine event history to include, e.g. 30m, 24h, 7d', '24h')
    .option('--exec', 'when the host cannot read a container, run commands inside it (leaves exec events)')
    .option('--stats', 'sample CPU and memory of running containers')
    .option('--engine-name <name>', 'name the engine in the bundle (collection Jobs pass their node name)');
  addTargetOptions(cmd).action(async (o: CollectFlags) => {
    try {
      parseSince(o.since);
    } catch (e) {
      process.stderr.write(`stowaway collect: ${(e as Error).message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    const engine = await openEngine();
    const toStdout = o.out === '-';
    // Framed output shares the pod log with stderr, which therefore stays quiet until the frame is written
    // (progress only ever draws on a terminal).
    const progress = progressReporter(process.stderr);
    const off = engine.events.onAny((event, payload) => {
      if (event !== 'scan.progress') return;
      const p = payload as { phase: string; done: number; total: number; message?: string };
      progress.update(p.done, p.total, `${p.phase} ${p.message ?? ''}`);
    });
    const dir = toStdout ? mkdtempSync(path.join(os.tmpdir(), 'stowaway-collect-')) : undefined;
    try {
      const target = await useTarget(engine, o);
      const out = dir ? path.join(dir, 'bundle.tar.gz') : path.resolve(o.out);
      const b = await engine.call('bundles.collect', {
        engineId: target.engine.id,
        out,
        since: o.since,
        exec: o.exec,
        stats: o.stats,
        engineName: o.engineName,
      });
      if (toStdout) {
        await new Promise<void>((resolve, reject) =>
          process.stdout.write(encodeBundleFrame(readFileSync(b.path)), (e) => (e ? reject(e) : resolve())),
        );
        process.stderr.write(`Collected ${b.containers} containers, ${b.findings} findings\n`);
      } else {
        progress.done();
        process.stderr.write(`Wrote ${o.out}: ${b.containers} containers, ${b.findings} findings, ${b.files} files\n`);
      }
      process.exitCode = EXIT.ok;
    } catch (e) {
      progress.done();
      process.stderr.write(`stowaway collect: ${isAppError(e) ? `${e.message} [${e.code}]` : (e as Error).message}\n`);
      process.exitCode = EXIT.usage;
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
      off();
      await engine.dispose();
    }
  });
}
