import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '@shared/domain/finding.js';
import { runKubeScan } from '../../../electron/engine/kube/kube-scan.js';
import type { ScanOutcome } from '../../../electron/engine/scan/run-scan.js';
import {
  clusterRole,
  clusterRoleBinding,
  configMap,
  deployment,
  ingress,
  namespace,
  pod,
  role,
  roleBinding,
  saSubject,
  service,
  startFakeKubeApi,
  userSubject,
  writeKubeconfig,
  type FakeKubeApi,
} from '../../helpers/fake-kube-api/index.js';

/**
 * The cluster-state detectors that cover CIS Kubernetes 5.1 (RBAC), 5.4.1 and 5.6.4, Falco's service, ingress
 * and ConfigMap rules and the remaining Pod Security Standards checks: each scenario beside a benign look-alike,
 * read from the fake API server in the shapes of the Kubernetes API.
 */
let api: FakeKubeApi;
let dir: string;
let out: ScanOutcome;
let env: NodeJS.ProcessEnv;

const IMG = `registry.corp.example/app@sha256:${'c'.repeat(64)}`;
const SEC = { allowPrivilegeEscalation: false, runAsNonRoot: true };
const group = (name: string) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
type Obj = Record<string, unknown>;
const withTemplateAnnotations = (d: Obj, annotations: Record<string, string>): Obj => {
  const spec = d.spec as { template: { metadata: Obj } };
  spec.template.metadata.annotations = annotations;
  return d;
};

function buildCluster(api: FakeKubeApi): void {
  for (const ns of ['apps', 'default', 'ingress-nginx', 'kube-system']) api.put(namespace(ns));

  // RBAC grants: scenarios.
  api.put(clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]));
  api.put(clusterRoleBinding('ci-secrets', 'secret-reader', [userSubject('ci-bot@corp.example')]));
  api.put(clusterRole('impersonator', [{ apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] }]));
  api.put(clusterRoleBinding('support-impersonate', 'impersonator', [group('support')]));
  api.put(clusterRoleBinding('everyone-admin', 'cluster-admin', [group('system:authenticated')]));
  api.put(
    clusterRole('editish', [{ apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['create', 'get', 'delete'] }]),
  );
  api.put(roleBinding('apps', 'dev-edit', { kind: 'ClusterRole', name: 'editish' }, [userSubject('dev@corp.example')]));
  api.put(role('apps', 'deployer', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'patch'] }]));
  api.put(
    roleBinding('apps', 'default-sa-deployer', { kind: 'Role', name: 'deployer' }, [saSubject('apps', 'default')]),
  );
  // RBAC grants: look-alikes (the control plane's own bindings, a read-only role).
  api.put(
    clusterRoleBinding('system:controller:deployment-controller', 'cluster-admin', [
      saSubject('kube-system', 'deployment-controller'),
    ]),
  );
  api.put(clusterRoleBinding('kube-proxy-admin', 'cluster-admin', [saSubject('kube-system', 'kube-proxy')]));
  api.put(
    clusterRole('pod-viewer', [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }]),
  );
  api.put(clusterRoleBinding('viewers', 'pod-viewer', [group('developers')]));

  // Exposure: a NodePort and an ingress without TLS, beside ClusterIP and TLS.
  const np = service('apps', 'debug-np', 'NodePort');
  (np.spec as Obj).ports = [{ port: 80, targetPort: 8080, nodePort: 31337, protocol: 'TCP' }];
  api.put(np);
  api.put(service('ingress-nginx', 'ingress-nginx-controller', 'LoadBalancer'));
  api.put(service('apps', 'api'));
  api.put(ingress('apps', 'plain', 'plain.corp.example'));
  api.put(ingress('apps', 'secure', 'shop.corp.example', 'shop-tls'));

  // Credentials: ConfigMaps holding them beside ones that only name them, and the cluster's public CA bundle.
  api.put(configMap('apps', 'app-config', { DB_PASSWORD: 'hunter2-prod', LOG_LEVEL: 'info' }));
  api.put(
    configMap('apps', 'aws', {
      credentials: `[default]\naws_access_key_id = AKIA${'Q'.repeat(16)}\naws_secret_access_key = ${'s'.repeat(40)}\n`,
    }),
  );
  api.put(
    configMap('apps', 'settings', {
      PASSWORD_MIN_LENGTH: '12',
      DB_PASSWORD: '${DB_PASSWORD}',
      'app.properties': 'server.port=8080\nspring.datasource.password=${DB_PASSWORD}\n',
    }),
  );
  api.put(
    configMap('apps', 'kube-root-ca.crt', {
      'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n',
    }),
  );
  api.put(
    deployment('apps', 'envsecret', {
      containers: [
        {
          name: 'c',
          image: IMG,
          securityContext: SEC,
          extra: {
            env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
            envFrom: [{ secretRef: { name: 'api-keys' } }],
          },
        },
      ],
    }),
  );
  api.put(
    deployment('apps', 'filesecret', {
      containers: [
        {
          name: 'c',
          image: IMG,
          securityContext: SEC,
          volumeMounts: [{ name: 'db', mountPath: '/etc/db', readOnly: true }],
          extra: { env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] },
        },
      ],
      volumes: [{ name: 'db', secret: { secretName: 'db' } }],
    }),
  );

  // AppArmor and SELinux beside the runtime default and an MCS level.
  api.put(
    withTemplateAnnotations(
      deployment('apps', 'apparmor', { containers: [{ name: 'c', image: IMG, securityContext: SEC }] }),
      { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' },
    ),
  );
  api.put(
    withTemplateAnnotations(
      deployment('apps', 'apparmor-ok', {
        containers: [
          { name: 'c', image: IMG, securityContext: { ...SEC, appArmorProfile: { type: 'RuntimeDefault' } } },
        ],
      }),
      { 'container.apparmor.security.beta.kubernetes.io/c': 'runtime/default' },
    ),
  );
  api.put(
    pod('apps', 'spc', {
      containers: [{ name: 's', image: IMG, securityContext: { ...SEC, seLinuxOptions: { type: 'spc_t' } } }],
    }),
  );
  api.put(
    pod('apps', 'selinux-ok', {
      containers: [
        {
          name: 's',
          image: IMG,
          securityContext: { ...SEC, seLinuxOptions: { type: 'container_t', level: 's0:c123,c456' } },
        },
      ],
    }),
  );

  // Probe hosts and volume types beside ordinary probes and allowed volumes.
  api.put(
    deployment('apps', 'probe', {
      containers: [
        {
          name: 'p',
          image: IMG,
          securityContext: SEC,
          extra: {
            livenessProbe: {
              httpGet: { host: '169.254.169.254', path: '/latest/meta-data/iam/security-credentials/', port: 80 },
            },
          },
        },
      ],
    }),
  );
  api.put(
    deployment('apps', 'probe-ok', {
      containers: [
        {
          name: 'p',
          image: IMG,
          securityContext: SEC,
          extra: {
            readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
            lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
          },
        },
      ],
    }),
  );
  api.put(
    deployment('apps', 'nfs', {
      containers: [{ name: 'n', image: IMG, securityContext: SEC }],
      volumes: [{ name: 'share', nfs: { server: '10.0.0.5', path: '/exports' } }],
    }),
  );
  api.put(
    deployment('apps', 'gitrepo', {
      containers: [{ name: 'g', image: IMG, securityContext: SEC }],
      volumes: [{ name: 'src', gitRepo: { repository: 'https://git.example/x.git' } }],
    }),
  );
  api.put(
    deployment('apps', 'pvc', {
      containers: [{ name: 'v', image: IMG, securityContext: SEC }],
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'tmp', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'settings' } },
        { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
      ],
    }),
  );

  // A host path that is not sensitive is still outside both profiles; a sensitive one is kube-hostpath-mount's alone.
  api.put(
    deployment('apps', 'varlog', {
      containers: [
        {
          name: 'l',
          image: IMG,
          securityContext: SEC,
          volumeMounts: [{ name: 'logs', mountPath: '/var/log', readOnly: true }],
        },
      ],
      volumes: [{ name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } }],
    }),
  );
  api.put(
    deployment('apps', 'rootfs', {
      containers: [
        { name: 'r', image: IMG, securityContext: SEC, volumeMounts: [{ name: 'host', mountPath: '/host' }] },
      ],
      volumes: [{ name: 'host', hostPath: { path: '/', type: '' } }],
    }),
  );

  // The default namespace beside a namespace of its own.
  api.put(pod('default', 'leftover', { containers: [{ name: 'l', image: IMG, securityContext: SEC }] }));
}

beforeAll(async () => {
  api = await startFakeKubeApi({ tokens: { t: { name: 'analyst', groups: [] } } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'kube-cluster-rules-'));
  buildCluster(api);
  env = { KUBECONFIG: writeKubeconfig(path.join(dir, 'config'), [{ name: 'prod', api, user: { token: 't' } }]) };
  out = await runKubeScan({ context: 'prod', env });
});

afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

const by = (d: string, f: Finding[] = out.result.findings) => f.filter((x) => x.detector === d);
const subjects = (d: string, f?: Finding[]) =>
  by(d, f)
    .map(
      (x) =>
        `${x.workload ? `${x.workload.kind}/${x.workload.namespace}/${x.workload.name}${x.workload.container ? `:${x.workload.container}` : ''}` : x.container?.name}=${x.severity}`,
    )
    .sort();

describe('RBAC grants (CIS 5.1)', () => {
  it('reports grants of dangerous permissions to people, groups and service accounts outside the control plane', () => {
    expect(subjects('kube-rbac-risk')).toEqual([
      'clusterrolebinding/ci-secrets=medium',
      'clusterrolebinding/everyone-admin=critical',
      'clusterrolebinding/support-impersonate=high',
      'rolebinding/apps/default-sa-deployer=medium',
      'rolebinding/apps/dev-edit=medium',
    ]);
    const imp = by('kube-rbac-risk').find((f) => f.container?.name === 'clusterrolebinding/support-impersonate')!;
    expect(imp.summary).toContain('Group:support across the cluster impersonate users');
    expect(imp.attack).toEqual(['T1078']);
    expect(imp.evidence.map((e) => e.sha256).every((s) => /^[0-9a-f]{64}$/.test(s ?? ''))).toBe(true);
    expect(
      by('kube-rbac-risk').find((f) => f.container?.name === 'rolebinding/apps/default-sa-deployer')!.summary,
    ).toContain('default service account');
    expect(
      by('kube-rbac-risk').find((f) => f.container?.name === 'clusterrolebinding/everyone-admin')!.summary,
    ).toContain('granted to every caller');
  });

  it("a scan limited to a namespace judges that namespace's bindings, not every cluster-wide grant", async () => {
    const scoped = await runKubeScan({ context: 'prod', env, namespaces: ['apps'] });
    expect(subjects('kube-rbac-risk', scoped.result.findings)).toEqual([
      'rolebinding/apps/default-sa-deployer=medium',
      'rolebinding/apps/dev-edit=medium',
    ]);
  });
});

describe('exposure and credentials', () => {
  it('NodePort and LoadBalancer services and an ingress without TLS; ClusterIP and TLS stay quiet', () => {
    expect(subjects('kube-exposed-service')).toEqual([
      'ingress/apps/plain=low',
      'service/apps/debug-np=medium',
      'service/ingress-nginx/ingress-nginx-controller=low',
    ]);
    expect(by('kube-exposed-service').find((f) => f.container?.name === 'service/apps/debug-np')!.summary).toContain(
      '80->node:31337/TCP',
    );
  });

  it('ConfigMaps holding credentials and secrets taken as environment variables, never their values', () => {
    expect(subjects('kube-credential-exposure')).toEqual([
      'Deployment/apps/envsecret:c=low',
      'configmap/apps/app-config=medium',
      'configmap/apps/aws=medium',
    ]);
    expect(out.evidence.kube!.configMaps.map((c) => `${c.name}:${c.credentialKeys.join(',')}`).sort()).toEqual([
      'app-config:DB_PASSWORD',
      'aws:credentials (AWS access key id)',
    ]);
    expect(JSON.stringify(out)).not.toMatch(/hunter2|AKIAQ/);
    expect(by('kube-credential-exposure').find((f) => f.workload?.name === 'envsecret')!.summary).toContain(
      'db, api-keys',
    );
  });
});

describe('Pod Security Standards: AppArmor, SELinux, probe hosts, volume types; CIS 5.6.4', () => {
  it('each forbidden setting beside its allowed look-alike', () => {
    expect(subjects('kube-isolation-disabled')).toEqual(['Deployment/apps/apparmor:c=medium', 'Pod/apps/spc:s=high']);
    expect(subjects('kube-pod-standards')).toEqual([
      'Deployment/apps/gitrepo=medium',
      'Deployment/apps/nfs=low',
      'Deployment/apps/probe:p=medium',
      'Deployment/apps/varlog=low',
    ]);
    expect(subjects('kube-hostpath-mount')).toEqual(['Deployment/apps/rootfs:r=critical']);
    expect(by('kube-pod-standards').find((f) => f.workload?.name === 'probe')!.summary).toContain('169.254.169.254');
    expect(subjects('kube-default-namespace')).toEqual(['Pod/default/leftover=low']);
  });
});

describe('RBAC refusals', () => {
  it('a 403 on configmaps and ingresses is an error naming the resource, and the other findings stand', async () => {
    api.forbid({ verb: 'list', resource: 'configmaps' });
    api.forbid({ verb: 'list', resource: 'ingresses' });
    try {
      const again = await runKubeScan({ context: 'prod', env });
      const forbidden = again.result.errors.filter((e) => e.code === 'FORBIDDEN');
      expect(forbidden.map((e) => e.call).sort()).toEqual([
        'kube list configmaps (context prod)',
        'kube list ingresses (context prod)',
      ]);
      expect(forbidden.every((e) => /RBAC denies list on (configmaps|ingresses)/.test(e.message))).toBe(true);
      expect(subjects('kube-credential-exposure', again.result.findings)).toEqual(['Deployment/apps/envsecret:c=low']);
      expect(subjects('kube-exposed-service', again.result.findings)).toEqual([
        'service/apps/debug-np=medium',
        'service/ingress-nginx/ingress-nginx-controller=low',
      ]);
    } finally {
      api.allow();
    }
  });
});
