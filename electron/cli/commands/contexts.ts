import type { Command } from 'commander';
import { discover } from '../../engine/engines/discover.js';
import { EngineRegistry } from '../../engine/engines/registry.js';
import { EventBus } from '../../engine/event-bus.js';
import { endpointUrl } from '../../engine/docker/client.js';
import { resolveDataDir } from '../../engine/cases/data-dir.js';
import type { EngineState } from '../../../shared/domain/engine.js';
import { EXIT } from '../exit-codes.js';
import { table, terminalSafe } from '../format/text.js';

/** `stowaway contexts`: every engine Stowaway discovers, and which one a command would use. */
export function registerContexts(program: Command): void {
  program
    .command('contexts')
    .description('list Docker engines and Kubernetes contexts: DOCKER_HOST, docker contexts, kubeconfig, saved hosts')
    .option('--format <format>', 'table or json', 'table')
    .option('--check', 'connect to each engine and show its state')
    .option('--timeout <ms>', 'time-out per engine for --check', (v) => Number(v), 10_000)
    .action(async (opts: { format: string; check?: boolean; timeout: number }) => {
      if (!['table', 'json'].includes(opts.format)) {
        process.stderr.write(`stowaway contexts: unknown --format ${terminalSafe(opts.format)}\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      const found = discover({ dataDir: resolveDataDir(process.env) });
      const states = new Map<string, EngineState>();
      if (opts.check) {
        const registry = new EngineRegistry(new EventBus(), { callTimeoutMs: opts.timeout, healthIntervalMs: 0, sshHealthIntervalMs: 0 });
        registry.setEngines(found.engines);
        await Promise.all(found.engines.map(async (e) => states.set(e.id, await registry.connect(e.id))));
        registry.dispose();
      }
      if (opts.format === 'json') {
        const engines = found.engines.map((e) => ({ ...e, url: endpointUrl(e.endpoint), ...(states.has(e.id) ? { state: states.get(e.id) } : {}) }));
        process.stdout.write(`${JSON.stringify({ currentBy: found.currentBy, engines, warnings: found.warnings }, null, 2)}\n`);
      } else {
        const rows = found.engines.map((e) => {
          const st = states.get(e.id);
          return [
            e.current ? '*' : '',
            terminalSafe(e.name, 40),
            e.kind,
            e.source,
            terminalSafe(endpointUrl(e.endpoint), 70),
            ...(opts.check ? [st ? (st.status === 'connected' ? `connected ${st.serverVersion ?? ''}`.trim() : `${st.status}: ${terminalSafe(st.reason ?? '', 120)}`) : ''] : []),
          ];
        });
        process.stdout.write(table(['', 'NAME', 'KIND', 'SOURCE', 'ENDPOINT', ...(opts.check ? ['STATE'] : [])], rows));
        process.stdout.write(`current engine chosen by: ${found.currentBy}\n`);
        for (const w of found.warnings) process.stderr.write(`warning: ${terminalSafe(w, 400)}\n`);
      }
      process.exitCode = EXIT.ok;
    });
}
