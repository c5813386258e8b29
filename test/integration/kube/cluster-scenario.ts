import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  auditLines,
  clusterRole,
  clusterRoleBinding,
  daemonSet,
  deployment,
  namespace,
  networkPolicy,
  pod,
  saSubject,
  serviceAccount,
  type AuditInput,
  type FakeKubeApi,
} from '../../helpers/fake-kube-api/index.js';

/**
 * One cluster holding, for every Kubernetes detector, a workload that should raise it and a benign look-alike
 * that should not, plus the seed's scenario: `kubectl create deployment` of a miner by an unexpected user, a
 * GitOps and a CI rollout beside it, and that user's audit trail (secret read, exec, cluster-admin binding,
 * privileged pod, deleted events).
 */
export const DIGEST = `@sha256:${'b'.repeat(64)}`;
const recent = () => new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
const ago = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');

export function buildCluster(api: FakeKubeApi): void {
  const ctrl = { manager: 'kube-controller-manager', time: ago(400) };
  for (const ns of ['seed', 'danger', 'quiet', 'empty']) api.put(namespace(ns));
  api.put(networkPolicy('seed', 'default-deny'));
  api.put(networkPolicy('quiet', 'default-deny'));

  // The seed: a miner created by hand, a GitOps rollout and a CI rollout beside it.
  api.put(
    deployment('seed', 'miner', {
      containers: [
        {
          name: 'xmrig',
          image: 'docker.io/xmrig/xmrig:6.21.0',
          args: ['-o', 'stratum+tcp://pool.supportxmr.com:3333', '--donate-level', '1'],
        },
      ],
    }),
    { manager: 'kubectl-create', time: recent() },
  );
  api.put(
    deployment('seed', 'shop', {
      containers: [
        {
          name: 'shop',
          image: `registry.corp.example/shop${DIGEST}`,
          securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
        },
      ],
    }),
    { manager: 'argocd-controller', time: recent() },
  );
  api.put(
    deployment('seed', 'ci-app', {
      containers: [
        {
          name: 'app',
          image: `registry.corp.example/app${DIGEST}`,
          args: ['--db-pool', 'postgres://db:5432'],
          securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
        },
      ],
    }),
    { manager: 'kubectl-client-side-apply', time: recent() },
  );
  // Edited by hand long ago: outside the recent window.
  api.put(
    deployment('seed', 'old-edit', {
      containers: [
        {
          name: 'app',
          image: `registry.corp.example/app${DIGEST}`,
          securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
        },
      ],
    }),
    { manager: 'kubectl-edit', time: ago(24 * 30) },
  );

  // Pod security: each risky setting and its benign look-alike.
  api.put(
    pod('danger', 'priv', {
      containers: [
        { name: 'sh', image: `registry.corp.example/tools${DIGEST}`, securityContext: { privileged: true } },
      ],
      hostPID: true,
    }),
    ctrl,
  );
  api.put(
    pod('quiet', 'unpriv', {
      containers: [
        {
          name: 'sh',
          image: `registry.corp.example/tools${DIGEST}`,
          securityContext: { privileged: false, allowPrivilegeEscalation: false, runAsNonRoot: true },
        },
      ],
    }),
    ctrl,
  );
  api.put(
    pod('danger', 'hostnet', {
      containers: [
        {
          name: 'n',
          image: `registry.corp.example/tools${DIGEST}`,
          securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
        },
      ],
      hostNetwork: true,
      hostIPC: true,
    }),
    ctrl,
  );
  api.put(
    daemonSet('danger', 'rootmount', {
      containers: [
        {
          name: 'r',
          image: `registry.corp.example/tools${DIGEST}`,
          volumeMounts: [
            { name: 'host', mountPath: '/host' },
            { name: 'sock', mountPath: '/run/containerd/containerd.sock' },
          ],
          securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
        },
      ],
      volumes: [
        { name: 'host', hostPath: { path: '/', type: '' } },
        { name: 'sock', hostPath: { path: '/run/containerd/containerd.sock', type: 'Socket' } },
      ],
    }),
    ctrl,
  );
  api.put(
    daemonSet('quiet', 'logship', {
      containers: [
        {
          name: 'l',
          image: `registry.corp.example/fluent-bit${DIGEST}`,
          volumeMounts: [{ name: 'logs', mountPath: '/var/log', readOnly: true }],
          securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
        },
      ],
      volumes: [{ name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } }],
    }),
    ctrl,
  );
  api.put(
    deployment('danger', 'capadd', {
      containers: [
        {
          name: 'c',
          image: 'busybox:latest',
          securityContext: {
            capabilities: { add: ['SYS_ADMIN'] },
            allowPrivilegeEscalation: false,
            runAsNonRoot: true,
          },
        },
      ],
    }),
    ctrl,
  );
  api.put(
    deployment('quiet', 'netbind', {
      containers: [
        {
          name: 'c',
          image: `registry.corp.example/web${DIGEST}`,
          securityContext: {
            capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
            allowPrivilegeEscalation: false,
            runAsNonRoot: true,
          },
        },
      ],
    }),
    ctrl,
  );
  api.put(
    deployment('danger', 'esc', {
      containers: [
        {
          name: 'e',
          image: `registry.corp.example/legacy${DIGEST}`,
          securityContext: { allowPrivilegeEscalation: true, runAsUser: 0 },
        },
      ],
    }),
    ctrl,
  );
  api.put(
    deployment('quiet', 'byip', {
      containers: [
        {
          name: 'i',
          image: `registry.corp.example/web:1.2`,
          securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
        },
      ],
    }),
    ctrl,
  );
  api.put(
    deployment('danger', 'rawip', {
      containers: [
        {
          name: 'i',
          image: `10.1.2.3:5000/tool${DIGEST}`,
          securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
        },
      ],
    }),
    ctrl,
  );

  // Kernel isolation: seccomp Unconfined and unsafe sysctls beside RuntimeDefault and a safe sysctl.
  api.put(
    deployment('danger', 'unconfined', {
      containers: [
        {
          name: 'u',
          image: `registry.corp.example/prof${DIGEST}`,
          securityContext: {
            allowPrivilegeEscalation: false,
            runAsNonRoot: true,
            seccompProfile: { type: 'Unconfined' },
          },
        },
      ],
      securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] },
    }),
    ctrl,
  );
  api.put(
    deployment('quiet', 'confined', {
      containers: [
        {
          name: 'u',
          image: `registry.corp.example/prof${DIGEST}`,
          securityContext: {
            allowPrivilegeEscalation: false,
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
      ],
      securityContext: { sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }] },
    }),
    ctrl,
  );

  // Service-account tokens: cluster-admin and wildcard grants, mounted and not.
  for (const sa of ['ops-bot', 'wild', 'reader']) api.put(serviceAccount('danger', sa));
  api.put(clusterRole('everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]));
  api.put(clusterRole('view', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]));
  api.put(clusterRoleBinding('ops-bot-admin', 'cluster-admin', [saSubject('danger', 'ops-bot')]));
  api.put(clusterRoleBinding('wild-all', 'everything', [saSubject('danger', 'wild')]));
  api.put(clusterRoleBinding('reader-view', 'view', [saSubject('danger', 'reader')]));
  const sec = { allowPrivilegeEscalation: false, runAsNonRoot: true };
  api.put(
    deployment('danger', 'ops-bot', {
      serviceAccountName: 'ops-bot',
      containers: [{ name: 'b', image: `registry.corp.example/bot${DIGEST}`, securityContext: sec }],
    }),
    ctrl,
  );
  api.put(
    deployment('danger', 'ops-bot-safe', {
      serviceAccountName: 'ops-bot',
      automountServiceAccountToken: false,
      containers: [{ name: 'b', image: `registry.corp.example/bot${DIGEST}`, securityContext: sec }],
    }),
    ctrl,
  );
  api.put(
    pod('danger', 'wildpod', {
      serviceAccountName: 'wild',
      containers: [{ name: 'w', image: `registry.corp.example/bot${DIGEST}`, securityContext: sec }],
    }),
    ctrl,
  );
  api.put(
    pod('danger', 'readerpod', {
      serviceAccountName: 'reader',
      containers: [{ name: 'w', image: `registry.corp.example/bot${DIGEST}`, securityContext: sec }],
    }),
    ctrl,
  );
}

const mallory = { user: 'mallory@corp.example', groups: ['system:authenticated', 'developers'] };
const argocd = {
  user: 'system:serviceaccount:argocd:argocd-application-controller',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:argocd', 'system:authenticated'],
  userAgent: 'argocd-application-controller/v2.11.3',
};
const ci = {
  user: 'system:serviceaccount:ci:deployer',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
  userAgent: 'kubectl/v1.30.2 (linux/amd64) kubernetes/39683505',
};

const depBody = (image: string, args: string[] = []) => ({
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  spec: { template: { spec: { containers: [{ name: 'c', image, args }] } } },
});

export const AUDIT: AuditInput[] = [
  {
    ...mallory,
    verb: 'create',
    resource: 'deployments',
    namespace: 'seed',
    name: 'miner',
    body: depBody('docker.io/xmrig/xmrig:6.21.0', ['-o', 'stratum+tcp://pool.supportxmr.com:3333']),
    time: '2026-11-23T10:00:00Z',
  },
  {
    ...argocd,
    verb: 'create',
    resource: 'deployments',
    namespace: 'seed',
    name: 'shop',
    body: depBody(`registry.corp.example/shop${DIGEST}`),
    time: '2026-11-23T10:01:00Z',
  },
  {
    ...ci,
    verb: 'create',
    resource: 'deployments',
    namespace: 'seed',
    name: 'ci-app',
    body: depBody(`registry.corp.example/app${DIGEST}`),
    time: '2026-11-23T10:02:00Z',
  },
  {
    user: 'system:serviceaccount:kube-system:replicaset-controller',
    groups: ['system:serviceaccounts'],
    verb: 'create',
    resource: 'pods',
    namespace: 'seed',
    name: 'shop-6f7d-abcde',
    body: { kind: 'Pod', spec: { containers: [{ name: 'shop', image: `registry.corp.example/shop${DIGEST}` }] } },
    time: '2026-11-23T10:01:05Z',
  },
  {
    ...mallory,
    verb: 'get',
    resource: 'secrets',
    namespace: 'seed',
    name: 'db-password',
    time: '2026-11-23T10:05:00Z',
  },
  {
    user: 'system:serviceaccount:cert-manager:cert-manager',
    groups: ['system:serviceaccounts'],
    verb: 'list',
    resource: 'secrets',
    time: '2026-11-23T10:05:30Z',
  },
  {
    ...mallory,
    verb: 'create',
    resource: 'pods',
    subresource: 'exec',
    namespace: 'seed',
    name: 'miner-7c9d-x1',
    code: 101,
    query: 'command=sh&stdin=true&tty=true',
    time: '2026-11-23T10:06:00Z',
  },
  {
    ...mallory,
    verb: 'create',
    resource: 'clusterrolebindings',
    name: 'backdoor',
    body: {
      kind: 'ClusterRoleBinding',
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'seed' }],
    },
    time: '2026-11-23T10:07:00Z',
  },
  {
    user: 'alice@corp.example',
    groups: ['system:authenticated'],
    verb: 'create',
    resource: 'rolebindings',
    namespace: 'seed',
    name: 'alice-view',
    body: {
      kind: 'RoleBinding',
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'User', name: 'bob' }],
    },
    time: '2026-11-23T10:07:30Z',
  },
  {
    ...mallory,
    verb: 'create',
    resource: 'pods',
    namespace: 'danger',
    name: 'priv',
    body: {
      kind: 'Pod',
      spec: {
        hostPID: true,
        containers: [{ name: 'sh', image: 'registry.corp.example/tools', securityContext: { privileged: true } }],
      },
    },
    time: '2026-11-23T10:08:00Z',
  },
  { ...mallory, verb: 'deletecollection', resource: 'events', namespace: 'seed', time: '2026-11-23T10:09:00Z' },
  {
    user: 'system:serviceaccount:kube-system:generic-garbage-collector',
    groups: ['system:serviceaccounts'],
    verb: 'delete',
    resource: 'events',
    namespace: 'seed',
    name: 'old.17a',
    time: '2026-11-23T10:09:30Z',
  },
  {
    ...mallory,
    verb: 'patch',
    resource: 'deployments',
    namespace: 'seed',
    name: 'old-edit',
    time: '2026-11-23T10:10:00Z',
  },
];

export function writeAudit(dir: string): string {
  const file = path.join(dir, 'audit.log');
  writeFileSync(file, auditLines(AUDIT));
  return file;
}
