import type { Handler } from '../../handlers.js';
import type { EventBus } from '../../event-bus.js';
import { loadKubeConfig } from '../kube-config.js';
import { planCollection, runKubeCollection } from './collect-run.js';

/**
 * Handlers of a cluster collection. It creates a namespace and Jobs in the cluster, so it is a confirmed operation;
 * aborting the call (Ctrl-C on the command line) removes what it created.
 */
export function kubeCollectHandlers(
  bus: EventBus,
  opts: { env: NodeJS.ProcessEnv; home?: string },
): { 'kube.collectPlan': Handler<'kube.collectPlan'>; 'kube.collect': Handler<'kube.collect'> } {
  return {
    'kube.collectPlan': async ({ context, image, since, nodes }) => {
      const plan = await planCollection(await loadKubeConfig(context, opts), { image, since, nodeSelector: nodes });
      return { manifests: [plan.namespace, ...plan.jobs.map((j) => j.job)] };
    },
    'kube.collect': async ({ context, image, since, nodes, outDir, timeoutMs }, ctx) =>
      runKubeCollection(await loadKubeConfig(context, opts), {
        outDir,
        image,
        since,
        nodeSelector: nodes,
        timeoutMs,
        signal: ctx.signal,
        onProgress: (done, total, message) =>
          bus.emit('kube.collect.progress', { done, total, message: message.slice(0, 512) }),
      }),
  };
}
