import type { KubeConfig } from '@kubernetes/client-node';
import type { Endpoint } from '@shared/domain/engine.js';
import { AppError } from '@shared/errors.js';
import { loadClientNode, loadKubeConfig } from './kube-config.js';

/** Asks a Kubernetes context's API server for its version, to show whether the context is reachable. */
export async function probeKubeContext(
  endpoint: Extract<Endpoint, { type: 'kubernetes' }>,
  timeoutMs: number,
): Promise<{ serverVersion: string; platform?: string }> {
  const { KubeConfig, VersionApi } = await loadClientNode();
  let kc: KubeConfig;
  try {
    // The kubectl merge of every KUBECONFIG file: a context's user may be defined in another file than the context.
    kc = await loadKubeConfig(endpoint.context);
  } catch {
    kc = new KubeConfig();
    try {
      kc.loadFromFile(endpoint.kubeconfigPath);
      kc.setCurrentContext(endpoint.context);
    } catch (e) {
      throw new AppError('VALIDATION', `kubeconfig ${endpoint.kubeconfigPath}: ${(e as Error).message.slice(0, 300)}`);
    }
  }
  const api = kc.makeApiClient(VersionApi);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError(
            'ENGINE_TIMEOUT',
            `The API server of context "${endpoint.context}" did not answer in ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    const v = await Promise.race([api.getCode(), timeout]);
    return { serverVersion: v.gitVersion, platform: v.platform };
  } finally {
    clearTimeout(timer);
  }
}
