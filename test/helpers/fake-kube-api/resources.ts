/**
 * The resources the fake API server knows, as discovery documents name them. Tests may add more with
 * `FakeKubeApi.defineResource`.
 */
export interface ResourceDef {
  group: string;
  version: string;
  /** Plural, lower case, as in URLs. */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs?: string[];
  /** Subresources the server accepts (`status`, `exec`, `log`...), answered by routes a test adds. */
  subresources?: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const r = (
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  shortNames?: string[],
  subresources?: string[],
): ResourceDef => ({
  group,
  version,
  resource,
  kind,
  singular: kind.toLowerCase(),
  namespaced,
  shortNames,
  verbs: ALL_VERBS,
  subresources,
});

export const BUILTIN_RESOURCES: ResourceDef[] = [
  r('', 'v1', 'namespaces', 'Namespace', false, ['ns'], ['status']),
  r('', 'v1', 'nodes', 'Node', false, ['no'], ['status']),
  r('', 'v1', 'pods', 'Pod', true, ['po'], ['status', 'exec', 'attach', 'portforward', 'log', 'ephemeralcontainers']),
  r('', 'v1', 'services', 'Service', true, ['svc'], ['status']),
  r('', 'v1', 'serviceaccounts', 'ServiceAccount', true, ['sa'], ['token']),
  r('', 'v1', 'secrets', 'Secret', true),
  r('', 'v1', 'configmaps', 'ConfigMap', true, ['cm']),
  r('', 'v1', 'events', 'Event', true, ['ev']),
  r('apps', 'v1', 'deployments', 'Deployment', true, ['deploy'], ['status', 'scale']),
  r('apps', 'v1', 'daemonsets', 'DaemonSet', true, ['ds'], ['status']),
  r('apps', 'v1', 'statefulsets', 'StatefulSet', true, ['sts'], ['status', 'scale']),
  r('apps', 'v1', 'replicasets', 'ReplicaSet', true, ['rs'], ['status', 'scale']),
  r('batch', 'v1', 'jobs', 'Job', true, undefined, ['status']),
  r('batch', 'v1', 'cronjobs', 'CronJob', true, ['cj'], ['status']),
  r('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, ['netpol']),
  r('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ['ing'], ['status']),
  r('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  r('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  r('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  r('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
];

export const groupVersion = (d: Pick<ResourceDef, 'group' | 'version'>) =>
  d.group ? `${d.group}/${d.version}` : d.version;
export const resourceKey = (group: string, version: string, resource: string) => `${group}/${version}/${resource}`;
