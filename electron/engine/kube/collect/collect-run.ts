import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { clip } from '@shared/domain/bounds.js';
import { AppError } from '@shared/errors.js';
import { loadClientNode } from '../kube-config.js';
import { decodeBundleFrame } from './bundle-frame.js';
import { collectPlan, COLLECTOR_CONTAINER, namespaceFor, RUN_LABEL, type CollectPlan } from './collect-plan.js';

export interface KubeCollectOptions {
  outDir: string;
  image: string;
  since: string;
  /** Label selector for the nodes to collect from; every node when absent. */
  nodeSelector?: string;
  /** Longest the whole collection may take; Jobs still running then are reported and removed. */
  timeoutMs?: number;
  pollMs?: number;
  /** Largest bundle accepted back from one node. */
  maxBundleBytes?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
}

export interface NodeOutcome {
  node: string;
  job: string;
  status: 'collected' | 'failed';
  file?: string;
  sha256?: string;
  size?: number;
  error?: string;
}

export interface KubeCollectResult {
  context: string;
  runId: string;
  namespace: string;
  startedAt: string;
  finishedAt: string;
  nodes: NodeOutcome[];
  /** Problems with cleaning up: what may have been left in the cluster. */
  cleanup: string[];
}

const MAX_NODES = 5000;

/** Lists the nodes a selector names, page by page. */
export async function listNodes(kc: KubeConfig, selector?: string): Promise<string[]> {
  const { CoreV1Api } = await loadClientNode();
  const core = kc.makeApiClient(CoreV1Api);
  const names: string[] = [];
  let cont: string | undefined;
  do {
    const page = await core.listNode({ labelSelector: selector, limit: 500, _continue: cont }).catch((e: unknown) => {
      throw apiError(e, 'list', 'nodes');
    });
    for (const n of page.items ?? []) if (n.metadata?.name) names.push(n.metadata.name);
    cont = page.metadata?._continue || undefined;
  } while (cont && names.length < MAX_NODES);
  return names.slice(0, MAX_NODES);
}

export const newRunId = () => randomBytes(4).toString('hex');

/** The manifests a run would create, for `--dry-run` and for review. */
export async function planCollection(
  kc: KubeConfig,
  o: Pick<KubeCollectOptions, 'image' | 'since' | 'nodeSelector'> & { runId?: string },
): Promise<CollectPlan> {
  const nodes = await listNodes(kc, o.nodeSelector);
  if (!nodes.length)
    throw new AppError(
      'NOT_FOUND',
      `no node matches${o.nodeSelector ? ` the selector "${clip(o.nodeSelector, 100)}"` : ''}`,
    );
  return collectPlan({ runId: o.runId ?? newRunId(), nodes, image: o.image, since: o.since, deadlineSeconds: 600 });
}

/**
 * Runs one collector Job per node, fetches each node's bundle from its pod log, writes it to the output
 * directory, and deletes everything it created: on success, on failure, and when aborted (Ctrl-C).
 */
export async function runKubeCollection(kc: KubeConfig, o: KubeCollectOptions): Promise<KubeCollectResult> {
  const { CoreV1Api, BatchV1Api } = await loadClientNode();
  const core = kc.makeApiClient(CoreV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const runId = newRunId();
  const plan = await planCollection(kc, { ...o, runId });
  const ns = namespaceFor(runId);
  const startedAt = new Date().toISOString();
  const outcomes = new Map<string, NodeOutcome>(
    plan.jobs.map(({ node, job }) => [
      jobName(job),
      { node, job: jobName(job), status: 'failed', error: 'not finished' },
    ]),
  );
  const cleanup: string[] = [];
  const total = plan.jobs.length;
  let done = 0;
  mkdirSync(o.outDir, { recursive: true });
  o.onProgress?.(0, total, `creating namespace ${ns}`);

  try {
    await core.createNamespace({ body: plan.namespace as never }).catch((e: unknown) => {
      throw apiError(e, 'create', 'namespaces');
    });
    for (const { job } of plan.jobs) {
      abortIfAsked(o.signal);
      await batch.createNamespacedJob({ namespace: ns, body: job as never }).catch((e: unknown) => {
        throw apiError(e, 'create', 'jobs');
      });
    }
    o.onProgress?.(0, total, `${total} collector jobs started`);
    const deadline = Date.now() + (o.timeoutMs ?? 15 * 60_000);
    const pending = new Set(outcomes.keys());
    while (pending.size && Date.now() < deadline) {
      abortIfAsked(o.signal);
      const jobs = await batch
        .listNamespacedJob({ namespace: ns, labelSelector: `${RUN_LABEL}=${runId}` })
        .catch((e: unknown) => {
          throw apiError(e, 'list', 'jobs');
        });
      for (const j of jobs.items ?? []) {
        const name = j.metadata?.name ?? '';
        if (!pending.has(name)) continue;
        const succeeded = (j.status?.succeeded ?? 0) > 0;
        const failed =
          (j.status?.failed ?? 0) > 0 ||
          (j.status?.conditions ?? []).some((c) => c.type === 'Failed' && c.status === 'True');
        if (!succeeded && !failed) continue;
        pending.delete(name);
        const outcome = outcomes.get(name)!;
        Object.assign(outcome, await fetchBundle(core, ns, name, outcome.node, o, succeeded));
        o.onProgress?.(++done, total, `${outcome.node}: ${outcome.status}`);
      }
      if (pending.size) await sleep(o.pollMs ?? 2000, o.signal);
    }
    for (const name of pending) outcomes.get(name)!.error = 'did not finish before the collection time-out';
  } finally {
    // Cleanup runs even after an abort: the signal must not cut it short.
    await removeRun(core, batch, ns, runId, cleanup);
  }
  const result: KubeCollectResult = {
    context: kc.getCurrentContext(),
    runId,
    namespace: ns,
    startedAt,
    finishedAt: new Date().toISOString(),
    nodes: [...outcomes.values()],
    cleanup,
  };
  writeFileSync(path.join(o.outDir, 'collection.json'), `${JSON.stringify(result, null, 2)}\n`, { mode: 0o644 });
  return result;
}

async function fetchBundle(
  core: import('@kubernetes/client-node').CoreV1Api,
  ns: string,
  job: string,
  node: string,
  o: KubeCollectOptions,
  succeeded: boolean,
): Promise<Partial<NodeOutcome>> {
  try {
    const pods = await core
      .listNamespacedPod({ namespace: ns, labelSelector: `stowaway.io/job=${job}` })
      .catch((e: unknown) => {
        throw apiError(e, 'list', 'pods');
      });
    const pod = pods.items?.[0]?.metadata?.name;
    if (!pod)
      return {
        status: 'failed',
        error: succeeded
          ? 'the job succeeded but its pod is gone'
          : 'the job failed before its pod started (image pull, scheduling or admission)',
      };
    const log = await core
      .readNamespacedPodLog({ name: pod, namespace: ns, container: COLLECTOR_CONTAINER })
      .catch((e: unknown) => {
        throw apiError(e, 'get', 'pods/log');
      });
    const text = typeof log === 'string' ? log : String(log);
    if (!succeeded) return { status: 'failed', error: `the collector failed: ${clip(lastLines(text), 600)}` };
    const frame = decodeBundleFrame(text, o.maxBundleBytes ?? 512 * 1024 * 1024);
    const file = `${safeFileName(node)}.tar.gz`;
    const tmp = path.join(o.outDir, `${file}.partial`);
    writeFileSync(tmp, frame.bytes, { mode: 0o600 });
    renameSync(tmp, path.join(o.outDir, file));
    return { status: 'collected', file, sha256: frame.sha256, size: frame.bytes.length, error: undefined };
  } catch (e) {
    return { status: 'failed', error: clip((e as Error).message, 600) };
  }
}

async function removeRun(
  core: import('@kubernetes/client-node').CoreV1Api,
  batch: import('@kubernetes/client-node').BatchV1Api,
  ns: string,
  runId: string,
  problems: string[],
): Promise<void> {
  try {
    const jobs = await batch.listNamespacedJob({ namespace: ns, labelSelector: `${RUN_LABEL}=${runId}` });
    for (const j of jobs.items ?? []) {
      if (!j.metadata?.name) continue;
      // Background propagation removes each Job's pod too.
      await batch
        .deleteNamespacedJob({ name: j.metadata.name, namespace: ns, propagationPolicy: 'Background' })
        .catch((e: unknown) => {
          if (statusOf(e) !== 404) problems.push(`job ${j.metadata!.name}: ${apiError(e, 'delete', 'jobs').message}`);
        });
    }
  } catch (e) {
    if (statusOf(e) !== 404) problems.push(`listing jobs to remove: ${apiError(e, 'list', 'jobs').message}`);
  }
  await core.deleteNamespace({ name: ns, propagationPolicy: 'Background' }).catch((e: unknown) => {
    if (statusOf(e) !== 404)
      problems.push(
        `namespace ${ns}: ${apiError(e, 'delete', 'namespaces').message} (remove it with: kubectl delete namespace ${ns})`,
      );
  });
}

const jobName = (job: Record<string, unknown>) => String((job.metadata as { name: string }).name);
const safeFileName = (node: string) =>
  node
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 120) || 'node';
const lastLines = (t: string) => t.trim().split('\n').slice(-5).join(' | ');

function statusOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** A refusal names the verb and resource, so the analyst knows which permission to ask for. */
function apiError(e: unknown, verb: string, resource: string): AppError {
  if (e instanceof AppError) return e;
  const code = statusOf(e);
  if (code === 403)
    return new AppError(
      'PERMISSION_DENIED',
      `the API server refused to ${verb} ${resource} (RBAC 403); see the README for the ClusterRole collection needs`,
    );
  if (code === 401)
    return new AppError(
      'PERMISSION_DENIED',
      `the API server did not accept the context's credentials (401) to ${verb} ${resource}`,
    );
  const body = (e as { body?: unknown })?.body;
  const message = typeof body === 'string' ? (safeJson(body)?.message ?? body) : (e as Error)?.message;
  return new AppError(
    'ENGINE_ERROR',
    `${verb} ${resource} failed${code ? ` (HTTP ${code})` : ''}: ${clip(String(message ?? 'unknown error'), 300)}`,
  );
}

function safeJson(s: string): { message?: string } | undefined {
  try {
    return JSON.parse(s) as { message?: string };
  } catch {
    return undefined;
  }
}

function abortIfAsked(signal?: AbortSignal): void {
  if (signal?.aborted)
    throw new AppError('CANCELLED', 'collection interrupted; the jobs and the namespace are being removed');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
