import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { table, terminalSafe } from '../format/text.js';
import { isAppError } from '@shared/errors.js';
import { withEngine } from '../engine-client.js';

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
    .action(
      async (opts: {
        format: string;
        check?: boolean;
        timeout: number;
        trustHostKey?: string;
        fingerprint?: string;
      }) => {
        if (!['table', 'json'].includes(opts.format)) {
          process.stderr.write(`stowaway contexts: unknown --format ${terminalSafe(opts.format)}\n`);
          process.exitCode = EXIT.usage;
          return;
        }
        if (opts.trustHostKey !== undefined || opts.fingerprint !== undefined) {
          process.exitCode = await trustFromCli(opts.trustHostKey, opts.fingerprint, opts.format, opts.timeout);
          return;
        }
        const found = await withEngine({}, (engine) =>
          engine.call('engines.discover', { check: Boolean(opts.check), timeoutMs: opts.timeout }),
        );
        if (opts.format === 'json') {
          process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
        } else {
          const rows = found.engines.map((e) => {
            const st = e.state;
            return [
              e.current ? '*' : '',
              terminalSafe(e.name, 40),
              e.kind,
              e.source,
              terminalSafe(e.url, 70),
              ...(opts.check
                ? [
                    st
                      ? st.status === 'connected'
                        ? `connected ${st.serverVersion ?? ''}`.trim()
                        : `${st.status}: ${terminalSafe(st.reason ?? '', 120)}`
                      : '',
                  ]
                : []),
            ];
          });
          process.stdout.write(
            table(['', 'NAME', 'KIND', 'SOURCE', 'ENDPOINT', ...(opts.check ? ['STATE'] : [])], rows),
          );
          process.stdout.write(`current engine chosen by: ${found.currentBy}\n`);
          for (const w of found.warnings) process.stderr.write(`warning: ${terminalSafe(w, 400)}\n`);
        }
        process.exitCode = EXIT.ok;
      },
    );
}

/** `contexts --trust-host-key HOST[:PORT] --fingerprint SHA256:...`: the CLI form of the UI's trust prompt. */
async function trustFromCli(
  target: string | undefined,
  fp: string | undefined,
  format: string,
  timeoutMs: number,
): Promise<number> {
  if (!target || !fp) {
    process.stderr.write(
      'stowaway contexts: --trust-host-key HOST[:PORT] and --fingerprint SHA256:... go together; get the fingerprint from the host administrator (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)\n',
    );
    return EXIT.usage;
  }
  if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(fp)) {
    process.stderr.write(
      `stowaway contexts: --fingerprint must look like SHA256:<43 base64 characters>, not ${terminalSafe(fp, 100)}\n`,
    );
    return EXIT.usage;
  }
  try {
    // Naming the fingerprint on the command line is the confirmation the UI's trust prompt asks for.
    const r = await withEngine({}, (engine) =>
      engine.call('engines.trustHostKey', { target, fingerprint: fp, timeoutMs, confirm: true }),
    );
    if (format === 'json') process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else
      process.stdout.write(
        r.added
          ? `trusted ${terminalSafe(r.host)} ${r.keyType} ${r.fingerprint}: added to ${terminalSafe(r.file)}\n`
          : `${terminalSafe(r.host)} ${r.keyType} ${r.fingerprint} is already trusted; nothing added\n`,
      );
    return EXIT.ok;
  } catch (e) {
    const code = isAppError(e) ? e.code : 'INTERNAL';
    process.stderr.write(`stowaway contexts: ${code}: ${terminalSafe((e as Error).message, 1000)}\n`);
    return EXIT.usage;
  }
}
