import os from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { clip } from '@shared/domain/bounds.js';
import { AppError } from '@shared/errors.js';
import { kubeconfigFiles } from './contexts.js';

/**
 * Credentials for a kubeconfig context, as kubectl would use them. client-node merges a KUBECONFIG list by
 * throwing on names defined twice and letting the last current-context win; kubectl keeps the first definition
 * of every cluster, user and context, so the files are merged here, each one's relative paths resolved first.
 * The name `in-cluster` (when no kubeconfig defines it) means the pod's service account.
 */

export const IN_CLUSTER = 'in-cluster';

export interface LoadKubeOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Where the service-account files are mounted, prefixed to /var/run/secrets/...; '' in a real pod. */
  serviceAccountRoot?: string;
}

/** client-node is large; it is loaded only when a cluster is read. */
export const loadClientNode = () => import('@kubernetes/client-node');

export async function loadKubeConfig(context: string, opts: LoadKubeOptions = {}): Promise<KubeConfig> {
  const env = opts.env ?? process.env;
  const { KubeConfig } = await loadClientNode();
  const merged = {
    clusters: new Map<string, unknown>(),
    users: new Map<string, unknown>(),
    contexts: new Map<string, unknown>(),
  };
  const errors: string[] = [];
  for (const file of kubeconfigFiles(env, opts.home ?? os.homedir())) {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(file);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'ENOENT') errors.push(`${file}: ${String(err.message).split('\n')[0]!.slice(0, 300)}`);
      continue;
    }
    for (const c of kc.clusters) if (!merged.clusters.has(c.name)) merged.clusters.set(c.name, c);
    for (const u of kc.users) if (!merged.users.has(u.name)) merged.users.set(u.name, u);
    for (const c of kc.contexts) if (!merged.contexts.has(c.name)) merged.contexts.set(c.name, c);
  }
  const kc = new KubeConfig();
  if (!merged.contexts.has(context)) {
    if (context === IN_CLUSTER && env.KUBERNETES_SERVICE_HOST)
      return inCluster(opts.serviceAccountRoot ?? env.STOWAWAY_SERVICEACCOUNT_ROOT ?? '', env);
    const known = [...merged.contexts.keys()].slice(0, 20);
    throw new AppError(
      'NOT_FOUND',
      `No kubeconfig context "${clip(context, 100)}"${known.length ? `; known contexts: ${known.join(', ')}` : ' (no kubeconfig contexts found)'}${errors.length ? `; unreadable: ${errors.join('; ')}` : ''}`,
    );
  }
  try {
    kc.loadFromOptions({
      clusters: [...merged.clusters.values()],
      users: [...merged.users.values()],
      contexts: [...merged.contexts.values()],
      currentContext: context,
    });
  } catch (e) {
    throw new AppError(
      'VALIDATION',
      `kubeconfig context "${clip(context, 100)}": ${(e as Error).message.slice(0, 300)}`,
    );
  }
  if (!kc.getCurrentCluster())
    throw new AppError(
      'VALIDATION',
      `kubeconfig context "${clip(context, 100)}" names a cluster no kubeconfig file defines`,
    );
  return kc;
}

async function inCluster(root: string, env: NodeJS.ProcessEnv): Promise<KubeConfig> {
  const { KubeConfig } = await loadClientNode();
  const kc = new KubeConfig();
  // client-node reads the service host and port from process.env; an explicit environment is honoured too.
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  process.env.KUBERNETES_SERVICE_HOST = env.KUBERNETES_SERVICE_HOST;
  process.env.KUBERNETES_SERVICE_PORT = env.KUBERNETES_SERVICE_PORT;
  try {
    kc.loadFromCluster(root);
  } finally {
    restore('KUBERNETES_SERVICE_HOST', saved.host);
    restore('KUBERNETES_SERVICE_PORT', saved.port);
  }
  const user = kc.getCurrentUser() as { authProvider?: { config?: { tokenFile?: string } } } | null;
  const tokenFile = user?.authProvider?.config?.tokenFile;
  if (tokenFile) {
    const { access } = await import('node:fs/promises');
    await access(tokenFile).catch(() => {
      throw new AppError(
        'NOT_FOUND',
        `No service-account token at ${tokenFile}: not running in a pod, or the token is not mounted`,
      );
    });
  }
  return kc;
}

function restore(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
