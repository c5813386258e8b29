import type { Command } from 'commander';
import type { EngineConfig } from '../../shared/domain/engine.js';
import type { EngineRegistry } from '../engine/connections/registry.js';
import { resolveTarget } from '../engine/connections/resolve-target.js';
import { endpointUrl } from '../engine/docker/client.js';
import { INSECURE_WHY, insecureTransport } from '../engine/connections/transport-security.js';

export interface TargetFlags {
  context?: string;
  host?: string;
  allowInsecure?: boolean;
}

/** The docker CLI's way to pick an engine, on any command that talks to one. */
export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--context <name>', 'docker or kubeconfig context to use (overrides DOCKER_HOST and DOCKER_CONTEXT)')
    .option('--host <url>', 'engine URL: unix://, npipe://, tcp:// (TLS from DOCKER_TLS_VERIFY/DOCKER_CERT_PATH) or ssh://user@host[:port]')
    .option('--allow-insecure', 'allow plain tcp:// without TLS, or TLS without verifying the server (anyone on the network path can drive that engine)');
}

/**
 * Resolves the flags (and the environment) to an engine, registers it with the registry and returns its id.
 * An insecure transport (plain tcp, unverified TLS) prints a warning the analyst cannot miss.
 */
export async function useTarget(engines: EngineRegistry, flags: TargetFlags, opts: { env?: NodeJS.ProcessEnv; stderr?: NodeJS.WritableStream } = {}): Promise<EngineConfig> {
  const target = await resolveTarget({ context: flags.context, host: flags.host, allowInsecure: flags.allowInsecure, env: opts.env });
  const insecure = insecureTransport(target.endpoint);
  if (insecure && target.endpoint.type === 'tcp' && target.endpoint.allowInsecure) {
    (opts.stderr ?? process.stderr).write(`warning: ${endpointUrl(target.endpoint)} is ${INSECURE_WHY[insecure]}: traffic and control of this engine are open to anyone on the network path\n`);
  }
  if (!engines.has(target.id) || JSON.stringify(engines.config(target.id).endpoint) !== JSON.stringify(target.endpoint)) engines.add(target);
  return target;
}
