import os from 'node:os';
import type { EngineConfig } from '@shared/domain/engine.js';
import { kubeContextToEngine, readKubeContexts } from '../kube/contexts.js';
import { configuredContext } from './docker-config.js';
import { contextToEngine, readDockerContexts } from './docker-contexts.js';
import { discoverLocalEngines } from './local-discovery.js';
import { SavedHosts } from './saved-hosts.js';

export interface DiscoverOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
  /** When set, saved remote hosts from this directory are listed too. */
  dataDir?: string;
}

export interface Discovery {
  engines: EngineConfig[];
  /** Which setting picked the current Docker engine, e.g. "DOCKER_HOST" or "currentContext in config.json". */
  currentBy: string;
  warnings: string[];
}

/**
 * Every engine the analyst already uses: DOCKER_HOST, the local engine, docker CLI contexts, kubeconfig contexts
 * and saved hosts. The current Docker engine follows the docker CLI:
 * DOCKER_HOST > DOCKER_CONTEXT > currentContext (config.json) > default.
 */
export function discover(opts: DiscoverOptions = {}): Discovery {
  const env = opts.env ?? process.env;
  const home = opts.home ?? os.homedir();
  const platform = opts.platform ?? process.platform;
  const warnings: string[] = [];

  const local = discoverLocalEngines(env, home, platform).map((e) => ({ ...e, current: false }));
  const contexts = readDockerContexts(env, home);
  for (const c of contexts) if (c.error) warnings.push(c.error);
  const ctxEngines: EngineConfig[] = [];
  for (const c of contexts) {
    try {
      const e = contextToEngine(c);
      if (e) ctxEngines.push(e);
    } catch (err) {
      warnings.push(`context "${c.name}": ${(err as Error).message}`);
    }
  }
  const kube = readKubeContexts(env, home, platform);
  warnings.push(...kube.errors);
  const kubeEngines = kube.contexts.map((k) => kubeContextToEngine(k, k.name === kube.current));
  const store = opts.dataDir ? new SavedHosts(opts.dataDir) : undefined;
  const saved = store?.list() ?? [];
  const problem = store?.problem();
  if (problem) warnings.push(problem);

  const engines = [...local, ...ctxEngines, ...kubeEngines, ...saved];
  const apiVersion = env.DOCKER_API_VERSION?.trim();
  if (apiVersion) for (const e of engines) if (e.kind === 'docker') e.apiVersion = apiVersion;

  let currentBy = 'default';
  let current: EngineConfig | undefined;
  if (env.DOCKER_HOST) {
    current = local.find((e) => e.id === 'env');
    currentBy = 'DOCKER_HOST';
  } else {
    const wanted = env.DOCKER_CONTEXT || configuredContext(env, home);
    const by = env.DOCKER_CONTEXT ? 'DOCKER_CONTEXT' : 'currentContext in config.json';
    if (wanted && wanted !== 'default') {
      current = ctxEngines.find((e) => e.name === wanted);
      if (current) currentBy = by;
      else
        warnings.push(`${by} names context "${wanted.slice(0, 100)}", which does not exist; using the default engine`);
    }
    current ??= local.find((e) => e.id === 'local');
  }
  if (current) current.current = true;
  return { engines, currentBy, warnings };
}
