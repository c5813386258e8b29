import type { Command } from 'commander';
import type { ResolvedTarget } from '@shared/api/engines.js';
import type { EngineClient } from './engine-client.js';

export interface TargetFlags {
  context?: string;
  host?: string;
  allowInsecure?: boolean;
}

/** The docker CLI's way to pick an engine, on any command that talks to one. */
export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--context <name>', 'docker or kubeconfig context to use (overrides DOCKER_HOST and DOCKER_CONTEXT)')
    .option(
      '--host <url>',
      'engine URL: unix://, npipe://, tcp:// (TLS from DOCKER_TLS_VERIFY/DOCKER_CERT_PATH) or ssh://user@host[:port]',
    )
    .option(
      '--allow-insecure',
      'allow plain tcp:// without TLS, or TLS without verifying the server (anyone on the network path can drive that engine)',
    );
}

/**
 * Resolves the flags (and the environment) to an engine the engine then knows by its id.
 * An insecure transport (plain tcp, unverified TLS) prints a warning the analyst cannot miss.
 */
export async function useTarget(
  engine: EngineClient,
  flags: TargetFlags,
  opts: { stderr?: NodeJS.WritableStream } = {},
): Promise<ResolvedTarget> {
  const target = await engine.call('engines.resolve', {
    context: flags.context,
    host: flags.host,
    allowInsecure: flags.allowInsecure,
  });
  if (target.insecureWhy)
    (opts.stderr ?? process.stderr).write(
      `warning: ${target.url} is ${target.insecureWhy}: traffic and control of this engine are open to anyone on the network path\n`,
    );
  return target;
}
