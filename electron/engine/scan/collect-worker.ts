// A collection thread: collects the engines it is sent, one job per message, each with its own client. Host-side reads
// of a local engine are small synchronous calls; here they block only this thread, so engines scanned at once
// read their hosts side by side instead of taking turns on the main thread.
import { parentPort } from 'node:worker_threads';
import { toAppError } from '../errors.js';
import { createDockerClient } from '../docker/client.js';
import { collectHere } from './collect-job.js';
import type { FromCollector, ToCollector } from './collect-messages.js';

const port = parentPort!;
const post = (m: FromCollector) => port.postMessage(m);
const running = new Map<number, AbortController>();

port.on('message', (m: ToCollector) => {
  if (m.type === 'abort') {
    running.get(m.id)?.abort();
    return;
  }
  const { id, job } = m;
  const ac = new AbortController();
  if (job.aborted) ac.abort();
  running.set(id, ac);
  void (async () => {
    try {
      const docker = createDockerClient(job.endpoint, job.timeoutMs, job.apiVersion);
      const c = await collectHere(docker, {
        ...job.options,
        ...(job.basis !== undefined
          ? {
              basis: job.basis && { evidence: job.basis.evidence, signatures: new Map(job.basis.signatures) },
            }
          : {}),
        signal: ac.signal,
        onProgress: (done, total, message) => post({ type: 'progress', id, done, total, message }),
      });
      // Containers kept from the basis are the caller's own already: only their IDs go back, in the evidence's order.
      const reused = c.reused ?? new Set<string>();
      const { evidence } = c;
      post({
        type: 'done',
        id,
        evidence: reused.size
          ? { ...evidence, containers: evidence.containers.filter((x) => !reused.has(x.container.id)) }
          : evidence,
        ...(reused.size ? { order: evidence.containers.map((x) => x.container.id) } : {}),
        ...(c.reused ? { reused: [...c.reused] } : {}),
        ...(c.signatures ? { signatures: [...c.signatures] } : {}),
      });
    } catch (e) {
      post({ type: 'failed', id, error: toAppError(e, `engine "${job.options.engine.name}"`).toPayload() });
    } finally {
      running.delete(id);
    }
  })();
});
