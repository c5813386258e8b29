import os from 'node:os';
import type { EngineConfig } from '@shared/domain/engine.js';
import { AppError } from '@shared/errors.js';
import { discover } from './discover.js';
import { parseDockerHost } from './local-discovery.js';
import path from 'node:path';
import { INSECURE_WHY, insecureTransport } from './transport-security.js';
import type { EngineRegistry } from './registry.js';
import { endpointUrl } from '../docker/client.js';
import type { ResolvedTarget } from '@shared/api/engines.js';
import { IN_CLUSTER } from '../kube/kube-config.js';

export interface TargetOptions {
  context?: string;
  host?: string;
  /** Plain tcp, or TLS that skips verification (SkipTLSVerify), is refused unless this is set (--allow-insecure). */
  allowInsecure?: boolean;
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
}

/**
 * The one engine a headless command talks to, chosen exactly as the docker CLI chooses:
 * --host > --context > DOCKER_HOST > DOCKER_CONTEXT > currentContext > default.
 */
export async function resolveTarget(opts: TargetOptions = {}): Promise<EngineConfig> {
  const env = opts.env ?? process.env;
  const home = opts.home ?? os.homedir();
  let target: EngineConfig;
  if (opts.host) {
    // Like `docker -H`, the TLS variables still apply to an explicit host.
    const tlsOn = Boolean(env.DOCKER_TLS_VERIFY) && env.DOCKER_TLS_VERIFY !== '0';
    const certPath = env.DOCKER_CERT_PATH || (tlsOn ? path.join(home, '.docker') : undefined);
    target = {
      id: 'cli',
      name: opts.host.slice(0, 256),
      kind: 'docker',
      source: 'cli',
      endpoint: parseDockerHost(opts.host, tlsOn ? { verify: true, certPath } : undefined),
      current: true,
      description: '--host',
    };
  } else {
    const found = discover({ env, home, platform: opts.platform });
    if (opts.context) {
      const name = opts.context;
      const pick =
        name === 'default'
          ? found.engines.find((e) => e.id === (env.DOCKER_HOST ? 'env' : 'local'))
          : (found.engines.find((e) => e.source === 'context' && e.name === name) ??
            found.engines.find((e) => e.source === 'kubeconfig' && e.name === name));
      // A pod's own service account, as kubectl's in-cluster config, when no kubeconfig names a context so.
      if (!pick && name === IN_CLUSTER && env.KUBERNETES_SERVICE_HOST) {
        target = {
          id: `kube:${IN_CLUSTER}`,
          name: IN_CLUSTER,
          kind: 'kubernetes',
          source: 'kubeconfig',
          endpoint: { type: 'kubernetes', kubeconfigPath: '', context: IN_CLUSTER },
          current: true,
          description: 'service account of this pod',
        };
        return target;
      }
      if (!pick) {
        const names = [
          'default',
          ...found.engines.filter((e) => e.source === 'context' || e.source === 'kubeconfig').map((e) => e.name),
        ];
        throw new AppError(
          'VALIDATION',
          `No context named "${name.slice(0, 100)}". Known contexts: ${names.join(', ').slice(0, 800)}`,
        );
      }
      target = { ...pick, current: true };
    } else {
      const pick = found.engines.find((e) => e.current && e.kind === 'docker');
      if (!pick)
        throw new AppError('SOCKET_MISSING', 'No Docker engine found: no DOCKER_HOST, no context and no local socket');
      target = pick;
    }
  }
  if (env.DOCKER_API_VERSION?.trim() && target.kind === 'docker') target.apiVersion = env.DOCKER_API_VERSION.trim();
  if (opts.allowInsecure && target.endpoint.type === 'tcp' && insecureTransport(target.endpoint))
    target = { ...target, endpoint: { ...target.endpoint, allowInsecure: true } };
  return target;
}

/**
 * The engine a headless command names, registered with the registry (replacing one of the same id that points
 * elsewhere) so that later operations can name it. An insecure transport the analyst allowed comes with the reason.
 */
export async function useTarget(
  engines: EngineRegistry,
  opts: TargetOptions,
  knownId?: string,
): Promise<ResolvedTarget> {
  const target = knownId !== undefined ? engines.config(knownId) : await resolveTarget(opts);
  const insecure = insecureTransport(target.endpoint);
  if (!engines.has(target.id) || JSON.stringify(engines.config(target.id).endpoint) !== JSON.stringify(target.endpoint))
    engines.add(target);
  const allowed = insecure && target.endpoint.type === 'tcp' && target.endpoint.allowInsecure;
  return {
    engine: target,
    url: endpointUrl(target.endpoint),
    ...(allowed ? { insecureWhy: INSECURE_WHY[insecure] } : {}),
  };
}
