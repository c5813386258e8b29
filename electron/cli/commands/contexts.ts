import type { Command } from 'commander';
import { discover } from '../../engine/connections/discover.js';
import { EngineRegistry } from '../../engine/connections/registry.js';
import { EventBus } from '../../engine/event-bus.js';
import { endpointUrl } from '../../engine/docker/client.js';
import { resolveDataDir } from '../../engine/data-dir.js';
import type { EngineState } from '../../../shared/domain/engine.js';
import { EXIT } from '../exit-codes.js';
import { table, terminalSafe } from '../format/text.js';
import { parseHostPort } from '../../engine/ssh/host-port.js';
import { resolveSshHost } from '../../engine/ssh/ssh-docker.js';
import { trustHostKey } from '../../engine/ssh/trust-host-key.js';
import { AppError } from '../../../shared/errors.js';
import { toAppError } from '../../engine/errors.js';
import os from 'node:os';

/** `stowaway contexts`: every engine Stowaway discovers, and which one a command would use. */
export function registerContexts(program: Command): void {
  program
    .command('contexts')
    .description('list Docker engines and Kubernetes contexts: DOCKER_HOST, docker contexts, kubeconfig, saved hosts')
    .option('--format <format>', 'table or json', 'table')
    .option('--check', 'connect to each engine and show its state')
    .option('--timeout <ms>', 'time-out per engine for --check', (v) => Number(v), 10_000)
    .option('--trust-host-key <host[:port]>', "add this ssh host's key to Stowaway's known_hosts (needs --fingerprint)")
    .option('--fingerprint <SHA256:...>', 'the host key fingerprint you verified with the host administrator')
    .action(async (opts: { format: string; check?: boolean; timeout: number; trustHostKey?: string; fingerprint?: string }) => {
      if (!['table', 'json'].includes(opts.format)) {
        process.stderr.write(`stowaway contexts: unknown --format ${terminalSafe(opts.format)}\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      if (opts.trustHostKey !== undefined || opts.fingerprint !== undefined) {
        process.exitCode = await trustFromCli(opts.trustHostKey, opts.fingerprint, opts.format, opts.timeout);
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

/** `contexts --trust-host-key HOST[:PORT] --fingerprint SHA256:...`: the CLI form of the UI's trust prompt. */
async function trustFromCli(target: string | undefined, fp: string | undefined, format: string, timeoutMs: number): Promise<number> {
  if (!target || !fp) {
    process.stderr.write('stowaway contexts: --trust-host-key HOST[:PORT] and --fingerprint SHA256:... go together; get the fingerprint from the host administrator (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)\n');
    return EXIT.usage;
  }
  if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(fp)) {
    process.stderr.write(`stowaway contexts: --fingerprint must look like SHA256:<43 base64 characters>, not ${terminalSafe(fp, 100)}\n`);
    return EXIT.usage;
  }
  try {
    const hp = parseHostPort(target);
    const { host, port, knownFiles } = resolveSshHost({ type: 'ssh', host: hp.host, port: hp.port }, os.homedir());
    const r = await trustHostKey({ host, port, fingerprint: fp, knownFiles, dataDir: resolveDataDir(process.env), timeoutMs });
    if (format === 'json') process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else process.stdout.write(r.added ? `trusted ${terminalSafe(r.host)} ${r.keyType} ${r.fingerprint}: added to ${terminalSafe(r.file)}\n` : `${terminalSafe(r.host)} ${r.keyType} ${r.fingerprint} is already trusted; nothing added\n`);
    return EXIT.ok;
  } catch (e) {
    const app = e instanceof AppError ? e : toAppError(e, target);
    process.stderr.write(`stowaway contexts: ${app.code}: ${terminalSafe(app.message, 1000)}\n`);
    return EXIT.usage;
  }
}
