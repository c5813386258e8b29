export {
  startFakeKubeApi,
  status,
  type FakeKubeApi,
  type FakeKubeApiOptions,
  type ForbidRule,
  type KubeUser,
  type RequestRecord,
  type Route,
  type RouteContext,
} from './server.js';
export { ObjectStore, type KubeObject, type PutOptions, type WatchEvent } from './store.js';
export { BUILTIN_RESOURCES, type ResourceDef } from './resources.js';
export { makeClusterPki, makeForeignCa, type ClusterPki, type Pem } from './certs.js';
export {
  EXEC_PLUGIN,
  kubeconfigList,
  kubeconfigYaml,
  writeKubeconfig,
  writeServiceAccount,
  type KubeconfigContext,
  type KubeconfigUser,
} from './kubeconfig.js';
export * from './objects.js';
export * from './audit.js';
export { EXEC_PROTOCOLS, type ExecProcess, type ExecRequest, type ExecRunner } from './exec-ws.js';
