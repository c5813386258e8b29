import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { createApp } from '../../engine/app.js';
import { writeBundle } from '../../engine/bundle/write-bundle.js';
import { rehomeEvidence, rehomeResult } from '../../engine/bundle/bundle-engines.js';
import { encodeBundleFrame } from '../../engine/kube/collect/bundle-frame.js';
import { sha256Hex } from '../../engine/cases/blob-store.js';
import { custodyKey } from '../../engine/cases/custody-key.js';
import { resolveDataDir } from '../../engine/data-dir.js';
import { parseSince } from '../../engine/collect/since.js';
import { AppError, isAppError } from '../../../shared/errors.js';
import { EXIT } from '../exit-codes.js';
import { progressReporter } from '../progress.js';
import { cliActor } from '../case-context.js';
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
    .requiredOption('--out <file>', 'bundle file to write (e.g. evidence.tar.gz); - writes it to stdout as framed base64 lines (used by collection Jobs, whose log carries it back)')
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
    const app = createApp();
    const toStdout = o.out === '-';
    // Framed output shares the pod log with stderr, which therefore stays quiet until the frame is written
    // (progress only ever draws on a terminal).
    const progress = progressReporter(process.stderr);
    const off = app.bus.onAny((event, payload) => {
      if (event !== 'scan.progress') return;
      const p = payload as { phase: string; done: number; total: number; message?: string };
      progress.update(p.done, p.total, `${p.phase} ${p.message ?? ''}`);
    });
    try {
      const target = await useTarget(app.engines, o);
      let result = await app.scans.run(target.id, o.since, { exec: o.exec, stats: o.stats });
      let evidence = app.scans.latestEvidence(target.id);
      if (o.engineName && evidence) {
        // A node's collector names its engine after the node, so bundles of a whole cluster stay apart in one case.
        const id = `node:${o.engineName}`.slice(0, 128);
        const name = o.engineName.slice(0, 256);
        result = rehomeResult({ ...result, engine: { ...result.engine, name } }, id);
        evidence = rehomeEvidence({ ...evidence, engine: { ...evidence.engine, name } }, id);
      }
      if (!evidence) throw new AppError('INTERNAL', 'the scan kept no evidence set');
      // Whole text files travel as blobs under their own hash, so the receiving side can verify them.
      const blobs: Buffer[] = [];
      for (const ce of evidence.containers) {
        for (const fc of ce.fileContents) if (fc.text !== undefined && sha256Hex(fc.text) === fc.sha256) blobs.push(Buffer.from(fc.text, 'utf8'));
      }
      if (toStdout) {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'stowaway-collect-'));
        try {
          const file = path.join(dir, 'bundle.tar.gz');
          await writeBundle(file, { result, evidence, blobs, createdBy: cliActor(), signWith: custodyKey(resolveDataDir(process.env)) });
          await new Promise<void>((resolve, reject) => process.stdout.write(encodeBundleFrame(readFileSync(file)), (e) => (e ? reject(e) : resolve())));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        process.stderr.write(`Collected ${result.containers.length} containers, ${result.findings.length} findings\n`);
        process.exitCode = EXIT.ok;
        return;
      }
      // Signed with this installation's key, the one `stowaway case key` prints, so the receiving side can tell who wrote it.
      const manifest = await writeBundle(path.resolve(o.out), { result, evidence, blobs, createdBy: cliActor(), signWith: custodyKey(resolveDataDir(process.env)) });
      progress.done();
      process.stderr.write(`Wrote ${o.out}: ${result.containers.length} containers, ${result.findings.length} findings, ${manifest.files.length} files\n`);
      process.exitCode = EXIT.ok;
    } catch (e) {
      progress.done();
      process.stderr.write(`stowaway collect: ${isAppError(e) ? `${e.message} [${e.code}]` : (e as Error).message}\n`);
      process.exitCode = EXIT.usage;
    } finally {
      off();
      await app.dispose();
    }
  });
}
