import { Worker } from 'node:worker_threads';
import type { Endpoint } from '@shared/domain/engine.js';
import { EngineEvidenceSchema } from '@shared/domain/evidence-set.js';
import { workerEntry } from '../worker-entry.js';
import { AppError } from '@shared/errors.js';
import { shippedOptions, type Collected, type Collector } from './collect-job.js';
import type { CollectJob, FromCollector, ToCollector } from './collect-messages.js';

/** Where a collection thread reaches its engine: the engine's endpoint, never the client of the main thread. */
export interface WorkerTarget {
  endpoint: Endpoint;
  apiVersion?: string;
  timeoutMs: number;
}

/**
 * Threads kept after their collection, for the next scan: a thread costs a module load to start (much more from
 * source, through tsx), and the desktop app rescans every engine again and again. Idle threads are unref'd, so they
 * never keep a process alive, and end after IDLE_MS without work.
 */
const MAX_IDLE = 2;
const IDLE_MS = 60_000;

interface Thread {
  worker: Worker;
  idleTimer?: NodeJS.Timeout;
}

const idle: Thread[] = [];
const all = new Set<Thread>();
let nextId = 0;
const counts = { started: 0, collections: 0 };

/** Threads started and collections run on them since the process started (for tests and diagnostics). */
export const collectionThreadStats = () => ({ ...counts, alive: all.size, idle: idle.length });

/** Ends every collection thread, idle or busy: a busy one's scan fails with an error (process shutdown, tests). */
export async function stopCollectionThreads(): Promise<void> {
  const threads = [...all];
  idle.length = 0;
  await Promise.all(threads.map((t) => t.worker.terminate()));
}

function take(): Thread {
  const t = idle.pop();
  if (t) {
    clearTimeout(t.idleTimer);
    t.worker.ref();
    return t;
  }
  const entry = workerEntry(import.meta.url, './collect-worker.ts', 'collect-worker.mjs');
  if (!entry) throw new AppError('INTERNAL', 'this build has no collection thread (collect-worker.mjs)');
  const { script, evalCode } = entry;
  const thread: Thread = { worker: new Worker(script, { eval: evalCode }) };
  counts.started++;
  all.add(thread);
  thread.worker.once('exit', () => {
    all.delete(thread);
    const i = idle.indexOf(thread);
    if (i >= 0) idle.splice(i, 1);
  });
  // An idle thread that fails has no job to report to; a busy one's job listens for itself.
  thread.worker.on('error', () => undefined);
  return thread;
}

function giveBack(t: Thread): void {
  if (!all.has(t)) return;
  if (idle.length >= MAX_IDLE) {
    void t.worker.terminate();
    return;
  }
  t.worker.unref();
  t.idleTimer = setTimeout(() => void t.worker.terminate(), IDLE_MS);
  t.idleTimer.unref();
  idle.push(t);
}

/**
 * Collects on a thread of its own, with a client it builds from `target`: the docker client passed in is not used.
 * Progress and the abort signal cross as messages; the evidence comes back validated against the shared schema.
 * A thread that cannot start or stops before answering fails the collection with an error, never a hang.
 */
export const collectOnThread =
  (target: WorkerTarget): Collector =>
  (_docker, req) =>
    new Promise<Collected>((resolve, reject) => {
      const label = `engine "${req.engine.name}"`;
      let thread: Thread;
      try {
        thread = take();
      } catch (e) {
        reject(
          e instanceof AppError
            ? e
            : new AppError('INTERNAL', `the collection thread for ${label} did not start: ${(e as Error).message}`),
        );
        return;
      }
      const id = ++nextId;
      const w = thread.worker;
      const { signal } = req;
      const finish = (ok: boolean) => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        if (ok) giveBack(thread);
        else void w.terminate();
      };
      const onMessage = (m: FromCollector) => {
        if (m.id !== id) return;
        if (m.type === 'progress') {
          req.onProgress?.(m.done, m.total, m.message);
          return;
        }
        if (m.type === 'failed') {
          finish(true);
          reject(new AppError(m.error.code, m.error.message, m.error.details));
          return;
        }
        const parsed = EngineEvidenceSchema.safeParse(m.evidence);
        if (!parsed.success) {
          finish(false);
          reject(
            new AppError('INTERNAL', `the collection thread for ${label} answered with evidence that is not valid`, {
              issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
            }),
          );
          return;
        }
        let evidence = parsed.data;
        if (m.order) {
          const reused = new Set(m.reused);
          const fresh = new Map(evidence.containers.map((c) => [c.container.id, c]));
          const kept = new Map((req.basis?.evidence.containers ?? []).map((c) => [c.container.id, c]));
          const containers = m.order.map((cid) => fresh.get(cid) ?? (reused.has(cid) ? kept.get(cid) : undefined));
          if (containers.some((c) => c === undefined)) {
            finish(false);
            reject(new AppError('INTERNAL', `the collection thread for ${label} kept containers it was not given`));
            return;
          }
          evidence = { ...evidence, containers: containers as typeof evidence.containers };
        }
        counts.collections++;
        finish(true);
        resolve({
          evidence,
          ...(m.reused ? { reused: new Set(m.reused) } : {}),
          ...(m.signatures ? { signatures: new Map(m.signatures) } : {}),
        });
      };
      const onError = (e: Error) => {
        finish(false);
        reject(new AppError('INTERNAL', `the collection thread for ${label} failed: ${e.message}`));
      };
      const onExit = (code: number) => {
        finish(false);
        reject(new AppError('INTERNAL', `the collection thread for ${label} stopped before answering (exit ${code})`));
      };
      const onAbort = () => w.postMessage({ type: 'abort', id } satisfies ToCollector);
      w.on('message', onMessage);
      w.once('error', onError);
      w.once('exit', onExit);
      const job: CollectJob = {
        endpoint: target.endpoint,
        apiVersion: target.apiVersion,
        timeoutMs: target.timeoutMs,
        options: shippedOptions(req),
        ...(req.basis !== undefined
          ? { basis: req.basis && { evidence: req.basis.evidence, signatures: [...req.basis.signatures] } }
          : {}),
        ...(signal?.aborted ? { aborted: true } : {}),
      };
      try {
        w.postMessage({ type: 'collect', id, job } satisfies ToCollector);
      } catch (e) {
        finish(false);
        reject(
          new AppError('INTERNAL', `${label} could not be sent to its collection thread: ${(e as Error).message}`),
        );
        return;
      }
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
