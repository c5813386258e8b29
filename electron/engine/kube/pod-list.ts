import type { KubeConfig } from '@kubernetes/client-node';
import { clip, LIMITS } from '@shared/domain/bounds.js';
import { KubePodSchema, type ArtifactRef, type KubePodList } from '@shared/domain/evidence-set.js';
import { AppError } from '@shared/errors.js';
import { artifactRef } from '../collect/artifacts.js';
import { readKubeContexts } from './contexts.js';
import { loadClientNode } from './kube-config.js';

/**
 * The orchestrator's side of the runtime-versus-orchestrator cross-view: every pod the API server knows, so a
 * container carrying kubelet pod labels can be checked against a pod that really exists.
 */

export const MAX_PODS = 100_000;
const PAGE = 500;

/** Loads a named context from the kubeconfig files kubectl would read; an unknown name lists the known ones. */
export async function loadKubeContext(name: string, env: NodeJS.ProcessEnv, home: string): Promise<KubeConfig> {
  const found = readKubeContexts(env, home);
  const ctx = found.contexts.find((c) => c.name === name);
  if (!ctx) {
    const known = found.contexts.map((c) => c.name).slice(0, 20);
    throw new AppError(
      'NOT_FOUND',
      `No kubeconfig context "${clip(name, 100)}"${known.length ? `; known contexts: ${known.join(', ')}` : ' (no kubeconfig contexts found)'}${found.errors.length ? `; unreadable: ${found.errors.join('; ')}` : ''}`,
    );
  }
  const { KubeConfig } = await loadClientNode();
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(ctx.kubeconfigPath);
    kc.setCurrentContext(ctx.name);
  } catch (e) {
    throw new AppError('VALIDATION', `kubeconfig ${ctx.kubeconfigPath}: ${(e as Error).message.slice(0, 300)}`);
  }
  return kc;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('ENGINE_TIMEOUT', `${what} did not answer in ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Lists the pods of every namespace, page by page, bounded; each page's bytes are hashed for provenance. */
export async function listPods(
  kc: KubeConfig,
  opts: { timeoutMs?: number; maxPods?: number } = {},
): Promise<{ list: KubePodList; artifacts: ArtifactRef[] }> {
  const { CoreV1Api } = await loadClientNode();
  const api = kc.makeApiClient(CoreV1Api);
  const max = opts.maxPods ?? MAX_PODS;
  const context = kc.getCurrentContext();
  const list: KubePodList = {
    context: clip(context, LIMITS.name),
    listedAt: new Date().toISOString(),
    pods: [],
    truncated: false,
  };
  const artifacts: ArtifactRef[] = [];
  let cont: string | undefined;
  do {
    const page = await withTimeout(
      api.listPodForAllNamespaces({ limit: PAGE, _continue: cont }),
      opts.timeoutMs ?? 15_000,
      `The API server of context "${clip(context, 100)}"`,
    );
    artifacts.push(
      artifactRef(
        'kube-api',
        `GET /api/v1/pods (context ${context}, page ${artifacts.length + 1})`,
        JSON.stringify(page),
      ),
    );
    for (const p of page.items ?? []) {
      if (list.pods.length >= max) {
        list.truncated = true;
        break;
      }
      const m = p.metadata;
      const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].slice(
        0,
        128,
      );
      const containers = statuses.map((s) => ({
        name: clip(s.name, LIMITS.name),
        ...(s.containerID ? { containerID: clip(s.containerID, LIMITS.name) } : {}),
      }));
      const parsed = KubePodSchema.safeParse({
        uid: m?.uid,
        name: m?.name,
        namespace: m?.namespace ?? 'default',
        nodeName: p.spec?.nodeName,
        phase: p.status?.phase,
        containers,
      });
      if (parsed.success) list.pods.push(parsed.data);
    }
    cont = page.metadata?._continue || undefined;
  } while (cont && !list.truncated);
  return { list, artifacts };
}
