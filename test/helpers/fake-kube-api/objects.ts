/**
 * Builders of Kubernetes objects as a cluster holds them, for tests: the fields kubectl and the controllers set,
 * so a test states only what its scenario is about.
 */

type Obj = Record<string, unknown>;
export interface ContainerSpec {
  name?: string;
  image: string;
  args?: string[];
  command?: string[];
  securityContext?: Obj;
  volumeMounts?: Obj[];
  /** Any other container field (env, envFrom, probes, lifecycle) as the API spells it. */
  extra?: Obj;
}
export interface PodSpecInput {
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostNetwork?: boolean;
  volumes?: Obj[];
  securityContext?: Obj;
  nodeName?: string;
}

const container = (c: ContainerSpec, i: number): Obj => ({
  name: c.name ?? `c${i}`,
  image: c.image,
  ...(c.command ? { command: c.command } : {}),
  ...(c.args ? { args: c.args } : {}),
  resources: {},
  ...(c.volumeMounts ? { volumeMounts: c.volumeMounts } : {}),
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  imagePullPolicy: c.image.includes('@') || !c.image.endsWith(':latest') ? 'IfNotPresent' : 'Always',
  ...(c.securityContext ? { securityContext: c.securityContext } : {}),
  ...(c.extra ?? {}),
});

export function podSpec(s: PodSpecInput): Obj {
  return {
    ...(s.volumes ? { volumes: s.volumes } : {}),
    ...(s.initContainers ? { initContainers: s.initContainers.map(container) } : {}),
    containers: s.containers.map(container),
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: s.serviceAccountName ?? 'default',
    serviceAccount: s.serviceAccountName ?? 'default',
    ...(s.automountServiceAccountToken !== undefined
      ? { automountServiceAccountToken: s.automountServiceAccountToken }
      : {}),
    ...(s.nodeName ? { nodeName: s.nodeName } : {}),
    ...(s.hostPID ? { hostPID: true } : {}),
    ...(s.hostIPC ? { hostIPC: true } : {}),
    ...(s.hostNetwork ? { hostNetwork: true } : {}),
    securityContext: s.securityContext ?? {},
    schedulerName: 'default-scheduler',
  };
}

export const namespace = (name: string, labels: Record<string, string> = {}): Obj => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
});

export function pod(
  ns: string,
  name: string,
  spec: PodSpecInput,
  extra: { labels?: Obj; ownerReferences?: Obj[]; uid?: string; phase?: string } = {},
): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      ...(extra.uid ? { uid: extra.uid } : {}),
      labels: extra.labels ?? { app: name },
      ...(extra.ownerReferences ? { ownerReferences: extra.ownerReferences } : {}),
    },
    spec: podSpec(spec),
    status: {
      phase: extra.phase ?? 'Running',
      ...(spec.nodeName ? { hostIP: '10.0.0.11' } : {}),
      containerStatuses: spec.containers.map((c, i) => ({
        name: c.name ?? `c${i}`,
        image: c.image,
        imageID: '',
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: '2026-11-23T09:00:00Z' } },
      })),
    },
  };
}

const selectorFor = (name: string) => ({ matchLabels: { app: name } });
const template = (name: string, spec: PodSpecInput) => ({ metadata: { labels: { app: name } }, spec: podSpec(spec) });

export function deployment(ns: string, name: string, spec: PodSpecInput, replicas = 1): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { app: name }, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: {
      replicas,
      selector: selectorFor(name),
      template: template(name, spec),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
    },
  };
}

export function daemonSet(ns: string, name: string, spec: PodSpecInput): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      selector: selectorFor(name),
      template: template(name, spec),
      updateStrategy: { type: 'RollingUpdate' },
      revisionHistoryLimit: 10,
    },
    status: { currentNumberScheduled: 1, numberMisscheduled: 0, desiredNumberScheduled: 1, numberReady: 1 },
  };
}

export function statefulSet(ns: string, name: string, spec: PodSpecInput): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: selectorFor(name),
      template: template(name, spec),
      serviceName: name,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
    },
    status: { replicas: 1 },
  };
}

export function job(ns: string, name: string, spec: PodSpecInput): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: ns, labels: { 'job-name': name } },
    spec: {
      backoffLimit: 6,
      completions: 1,
      parallelism: 1,
      template: { metadata: { labels: { 'job-name': name } }, spec: { ...podSpec(spec), restartPolicy: 'Never' } },
    },
    status: {},
  };
}

export function cronJob(ns: string, name: string, spec: PodSpecInput, schedule = '*/5 * * * *'): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: ns },
    spec: {
      schedule,
      concurrencyPolicy: 'Allow',
      suspend: false,
      jobTemplate: { spec: { template: { spec: { ...podSpec(spec), restartPolicy: 'OnFailure' } } } },
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    },
    status: {},
  };
}

export function replicaSet(ns: string, name: string, owner: { name: string; uid: string }, spec: PodSpecInput): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: ns,
      labels: { app: owner.name },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: owner.name,
          uid: owner.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { replicas: 1, selector: selectorFor(owner.name), template: template(owner.name, spec) },
    status: { replicas: 1 },
  };
}

export const service = (ns: string, name: string, type = 'ClusterIP'): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: {
    type,
    selector: { app: name },
    ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
    clusterIP: '10.96.0.10',
  },
  status: { loadBalancer: {} },
});
export const ingress = (ns: string, name: string, host: string, tlsSecret?: string): Obj => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: ns },
  spec: {
    ingressClassName: 'nginx',
    ...(tlsSecret ? { tls: [{ hosts: [host], secretName: tlsSecret }] } : {}),
    rules: [
      {
        host,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] },
      },
    ],
  },
  status: { loadBalancer: {} },
});
export const configMap = (ns: string, name: string, data: Record<string, string>): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data,
});
export const serviceAccount = (ns: string, name: string): Obj => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: ns },
});
export const networkPolicy = (ns: string, name: string): Obj => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
});
export const clusterRole = (name: string, rules: Obj[]): Obj => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name },
  rules,
});
export const role = (ns: string, name: string, rules: Obj[]): Obj => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name, namespace: ns },
  rules,
});
export const clusterRoleBinding = (name: string, roleName: string, subjects: Obj[]): Obj => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects,
});
export const roleBinding = (
  ns: string,
  name: string,
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
  subjects: Obj[],
): Obj => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
  subjects,
});
export const saSubject = (ns: string, name: string): Obj => ({ kind: 'ServiceAccount', name, namespace: ns });
export const userSubject = (name: string): Obj => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });

export function event(
  ns: string,
  name: string,
  involved: { kind: string; name: string; uid?: string },
  reason: string,
  message: string,
  time = '2026-11-23T10:00:00Z',
): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: ns },
    involvedObject: {
      kind: involved.kind,
      namespace: ns,
      name: involved.name,
      ...(involved.uid ? { uid: involved.uid } : {}),
      apiVersion: 'v1',
    },
    reason,
    message,
    source: { component: 'kubelet' },
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
    type: 'Normal',
    reportingComponent: 'kubelet',
    reportingInstance: '',
  };
}
