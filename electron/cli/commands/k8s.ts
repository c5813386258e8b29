import path from 'node:path';
import type { Command } from 'commander';
import { dump as dumpYaml } from 'js-yaml';
import { isAppError } from '@shared/errors.js';
import { parseSince } from '@shared/domain/duration.js';
import { VERSION } from '../../engine/version.js';
import { EXIT } from '../exit-codes.js';
import { terminalSafe } from '../format/text.js';
import { progressReporter } from '../progress.js';
import { openEngine } from '../engine-client.js';

interface CollectFlags {
  context: string;
  out?: string;
  nodes?: string;
  dryRun?: boolean;
  image: string;
  since: string;
  timeout: string;
}

/** The collector image a release publishes; `--image` names a copy in the cluster's own registry. */
export const DEFAULT_COLLECTOR_IMAGE = `stowaway-collector:${VERSION}`;

/** `stowaway k8s collect`: evidence from every node of a cluster, gathered by the cluster itself. */
export function registerK8s(program: Command): void {
  const k8s = program.command('k8s').description('work with Kubernetes clusters through their API server');
  k8s
    .command('collect')
    .description("run one short-lived collector Job per node and fetch each node's evidence bundle into a directory")
    .requiredOption('--context <name>', 'kubeconfig context of the cluster')
    .option('--out <dir>', 'directory for the bundles (one <node>.tar.gz each) and collection.json')
    .option('--nodes <selector>', 'label selector of the nodes to collect from (default: every node)')
    .option('--dry-run', 'print the manifests that would be created, and create nothing')
    .option(
      '--image <image>',
      'collector image (build it from electron/engine/kube/collect/Dockerfile)',
      DEFAULT_COLLECTOR_IMAGE,
    )
    .option('--since <duration>', 'engine event history each node includes', '24h')
    .option('--timeout <duration>', 'longest the whole collection may take', '15m')
    .action(async (o: CollectFlags) => {
      const fail = (message: string, code: number = EXIT.usage) => {
        process.stderr.write(`stowaway k8s collect: ${message}\n`);
        process.exitCode = code;
      };
      let timeoutMs: number;
      try {
        parseSince(o.since);
        const now = Date.now();
        timeoutMs = now - parseSince(o.timeout, now).getTime();
        if (!/^\d+(ms|s|m|h|d|w)$/.test(o.timeout.trim()) || timeoutMs <= 0)
          throw new Error(`--timeout takes a duration such as 10m, not "${terminalSafe(o.timeout, 40)}"`);
      } catch (e) {
        return fail((e as Error).message);
      }
      if (!o.dryRun && !o.out) return fail('--out <dir> is required (or use --dry-run)');
      const engine = await openEngine();
      const controller = new AbortController();
      const onSignal = () => {
        process.stderr.write('\nstopping: removing the collection jobs and namespace...\n');
        controller.abort();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const progress = progressReporter(process.stderr);
      const off = engine.events.onAny((event, payload) => {
        if (event !== 'kube.collect.progress') return;
        const p = payload as { done: number; total: number; message: string };
        progress.update(p.done, p.total, terminalSafe(p.message, 100));
      });
      try {
        const collection = { context: o.context, image: o.image, since: o.since, nodes: o.nodes };
        if (o.dryRun) {
          const { manifests } = await engine.call('kube.collectPlan', collection);
          process.stdout.write(manifests.map((d) => dumpYaml(d, { noRefs: true, lineWidth: 120 })).join('---\n'));
          process.exitCode = EXIT.ok;
          return;
        }
        // The command is the analyst's explicit request to create the collection Jobs.
        const result = await engine.call(
          'kube.collect',
          { ...collection, outDir: path.resolve(o.out!), timeoutMs, confirm: true },
          { signal: controller.signal },
        );
        progress.done();
        const ok = result.nodes.filter((n) => n.status === 'collected');
        for (const n of result.nodes)
          process.stderr.write(
            `${terminalSafe(n.node, 80)}: ${n.status === 'collected' ? `${n.file} (${n.size} bytes)` : `failed: ${terminalSafe(n.error ?? '', 300)}`}\n`,
          );
        for (const c of result.cleanup) process.stderr.write(`cleanup: ${terminalSafe(c, 300)}\n`);
        process.stderr.write(
          `Collected ${ok.length} of ${result.nodes.length} nodes into ${o.out}; open them with: stowaway case import ${o.out}\n`,
        );
        process.exitCode = controller.signal.aborted ? 130 : ok.length ? EXIT.ok : EXIT.usage;
      } catch (e) {
        progress.done();
        fail(
          isAppError(e) ? `${e.message} [${e.code}]` : (e as Error).message,
          controller.signal.aborted ? 130 : EXIT.usage,
        );
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        off();
        await engine.dispose();
      }
    });
}
