import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import type { EngineConfig } from '@shared/domain/engine.js';

export interface KubeContext {
  name: string;
  cluster?: string;
  server?: string;
  user?: string;
  namespace?: string;
  kubeconfigPath: string;
}

export interface KubeContexts {
  contexts: KubeContext[];
  current?: string;
  /** Files that could not be read or parsed, with the reason; shown instead of silently ignored. */
  errors: string[];
}

/** The kubeconfig files kubectl reads: every entry of KUBECONFIG (':' or ';' on Windows), else ~/.kube/config. */
export function kubeconfigFiles(
  env: NodeJS.ProcessEnv,
  home: string,
  platform: NodeJS.Platform = process.platform,
): string[] {
  if (env.KUBECONFIG) return env.KUBECONFIG.split(platform === 'win32' ? ';' : ':').filter(Boolean);
  return [path.join(home, '.kube', 'config')];
}

/** Merges contexts the way kubectl does: the first file that defines a name wins, and so does the first current-context. */
export function readKubeContexts(
  env: NodeJS.ProcessEnv,
  home: string,
  platform: NodeJS.Platform = process.platform,
): KubeContexts {
  const result: KubeContexts = { contexts: [], errors: [] };
  const seen = new Set<string>();
  for (const file of kubeconfigFiles(env, home, platform)) {
    let doc: unknown;
    try {
      doc = loadYaml(readFileSync(file, 'utf8'));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      // kubectl also skips KUBECONFIG entries that do not exist.
      if (err.code === 'ENOENT') continue;
      result.errors.push(`${file}: ${String(err.message).split('\n')[0]!.slice(0, 300)}`);
      continue;
    }
    if (!doc || typeof doc !== 'object') continue;
    const d = doc as { contexts?: unknown; clusters?: unknown; 'current-context'?: unknown };
    const clusters = new Map<string, string | undefined>();
    for (const c of asArray(d.clusters)) {
      const name = str(c?.name);
      if (name) clusters.set(name, str((c?.cluster as Record<string, unknown> | undefined)?.server));
    }
    for (const c of asArray(d.contexts)) {
      const name = str(c?.name);
      if (!name || seen.has(name)) continue;
      seen.add(name);
      const ctx = (c?.context ?? {}) as Record<string, unknown>;
      const cluster = str(ctx.cluster);
      result.contexts.push({
        name,
        cluster,
        server: cluster ? clusters.get(cluster) : undefined,
        user: str(ctx.user),
        namespace: str(ctx.namespace),
        kubeconfigPath: file,
      });
    }
    if (!result.current && str(d['current-context'])) result.current = str(d['current-context']);
  }
  return result;
}

/** Kubernetes contexts are listed as engines of kind 'kubernetes'. */
export function kubeContextToEngine(ctx: KubeContext, current: boolean): EngineConfig {
  const where = [ctx.server ?? ctx.cluster, ctx.namespace ? `ns ${ctx.namespace}` : undefined]
    .filter(Boolean)
    .join(', ');
  return {
    id: `kube:${ctx.name}`.slice(0, 128),
    name: ctx.name.slice(0, 256),
    kind: 'kubernetes',
    source: 'kubeconfig',
    endpoint: { type: 'kubernetes', kubeconfigPath: ctx.kubeconfigPath, context: ctx.name },
    current,
    description: (where || ctx.kubeconfigPath).slice(0, 1024),
  };
}

const asArray = (v: unknown): Array<Record<string, unknown> | undefined> =>
  Array.isArray(v) ? (v as Array<Record<string, unknown>>) : [];
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
