import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump } from 'js-yaml';
import type { Pem } from './certs.js';
import type { FakeKubeApi } from './server.js';

/**
 * kubeconfig files for tests, written as kubectl writes them: clusters with the CA inline, users with a client
 * certificate, a bearer token or an exec credential plugin, and contexts. Several files make a KUBECONFIG list.
 */

export type KubeconfigUser =
  { clientCert: Pem } | { token: string } | { execToken: string; execLog?: string } | { tokenFile: string };

export interface KubeconfigContext {
  name: string;
  api: Pick<FakeKubeApi, 'url' | 'pki'> | { url: string; caPem?: string };
  user: KubeconfigUser;
  namespace?: string;
  /** Cluster and user entry names; default to the context name. */
  clusterName?: string;
  userName?: string;
}

export const EXEC_PLUGIN = fileURLToPath(new URL('./exec-credential.mjs', import.meta.url));

const b64 = (s: string) => Buffer.from(s).toString('base64');

function userEntry(u: KubeconfigUser): Record<string, unknown> {
  if ('clientCert' in u)
    return { 'client-certificate-data': b64(u.clientCert.cert), 'client-key-data': b64(u.clientCert.key) };
  if ('token' in u) return { token: u.token };
  if ('tokenFile' in u) return { tokenFile: u.tokenFile };
  return {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: process.execPath,
      args: [EXEC_PLUGIN, u.execToken, ...(u.execLog ? [u.execLog] : [])],
      interactiveMode: 'Never',
      provideClusterInfo: false,
    },
  };
}

export function kubeconfigYaml(contexts: KubeconfigContext[], current?: string): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: contexts.map((c) => {
      const ca = 'pki' in c.api ? c.api.pki.ca.cert : c.api.caPem;
      return {
        name: c.clusterName ?? c.name,
        cluster: { server: c.api.url, ...(ca ? { 'certificate-authority-data': b64(ca) } : {}) },
      };
    }),
    users: contexts.map((c) => ({ name: c.userName ?? c.name, user: userEntry(c.user) })),
    contexts: contexts.map((c) => ({
      name: c.name,
      context: {
        cluster: c.clusterName ?? c.name,
        user: c.userName ?? c.name,
        ...(c.namespace ? { namespace: c.namespace } : {}),
      },
    })),
    ...(current ? { 'current-context': current } : {}),
  };
  return dump(doc, { lineWidth: -1 });
}

/** Writes one kubeconfig file and returns its path. */
export function writeKubeconfig(file: string, contexts: KubeconfigContext[], current?: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, kubeconfigYaml(contexts, current), { mode: 0o600 });
  return file;
}

/** A KUBECONFIG value listing several files, merged by kubectl (first definition of a name wins). */
export const kubeconfigList = (files: string[]) => files.join(path.delimiter);

/**
 * The files a pod's service account mounts (token, ca.crt, namespace) under `root`, and the environment an
 * in-cluster client reads (KUBERNETES_SERVICE_HOST/PORT). client-node reads them from
 * `${root}/var/run/secrets/kubernetes.io/serviceaccount`.
 */
export function writeServiceAccount(
  root: string,
  api: Pick<FakeKubeApi, 'port' | 'pki'>,
  token: string,
  namespace = 'default',
): NodeJS.ProcessEnv {
  const dir = path.join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'token'), token);
  writeFileSync(path.join(dir, 'ca.crt'), api.pki.ca.cert);
  writeFileSync(path.join(dir, 'namespace'), namespace);
  return { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(api.port) };
}
