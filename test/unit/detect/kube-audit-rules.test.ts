import { describe, expect, it } from 'vitest';
import type { Finding } from '@shared/domain/finding.js';
import { parseAuditLog } from '../../../electron/engine/kube/audit-log.js';
import { runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import { parseSuppressions } from '../../../electron/engine/detect/suppression-file.js';
import { auditLines, type AuditInput } from '../../helpers/fake-kube-api/index.js';
import { engine } from './fixtures.js';

/**
 * The audit-log detectors that cover Falco's k8saudit activity and RBAC rules: each scenario beside a benign
 * look-alike, from audit.k8s.io/v1 records as kube-apiserver writes them.
 */
const eve = { user: 'eve@corp.example', groups: ['system:authenticated', 'developers'] };
const argocd = {
  user: 'system:serviceaccount:argocd:argocd-application-controller',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:argocd', 'system:authenticated'],
  userAgent: 'argocd-application-controller/v2.11.3',
};
const kcm = {
  user: 'system:serviceaccount:kube-system:service-account-controller',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'],
};
const admin = { user: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
const anon = { user: 'system:anonymous', groups: ['system:unauthenticated'], userAgent: 'curl/8.5.0' };
const at = (m: number) => `2026-11-23T11:${String(m).padStart(2, '0')}:00Z`;

const role = (kind: 'Role' | 'ClusterRole', name: string, rules: Array<Record<string, unknown>>, ns?: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name, ...(ns ? { namespace: ns } : {}) },
  rules,
});
const svc = (name: string, type: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { type, selector: { app: name }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
});
const ingress = (name: string, tls: boolean) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name },
  spec: {
    ingressClassName: 'nginx',
    ...(tls ? { tls: [{ hosts: ['shop.corp.example'], secretName: 'shop-tls' }] } : {}),
    rules: [
      {
        host: 'shop.corp.example',
        http: {
          paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop', port: { number: 80 } } } }],
        },
      },
    ],
  },
});
const configMap = (name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
});

const AUDIT: AuditInput[] = [
  // Activity by a person: routine (low) and raised by what the request holds.
  {
    ...eve,
    verb: 'create',
    resource: 'namespaces',
    name: 'crypto-ops',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'crypto-ops' } },
    time: at(0),
  },
  {
    ...eve,
    verb: 'create',
    resource: 'services',
    namespace: 'shop',
    name: 'backdoor',
    body: svc('backdoor', 'NodePort'),
    time: at(1),
  },
  {
    ...eve,
    verb: 'create',
    resource: 'services',
    namespace: 'shop',
    name: 'internal',
    body: svc('internal', 'ClusterIP'),
    time: at(2),
  },
  {
    ...eve,
    verb: 'create',
    resource: 'ingresses',
    namespace: 'shop',
    name: 'plain',
    body: ingress('plain', false),
    time: at(3),
  },
  {
    ...eve,
    verb: 'create',
    resource: 'ingresses',
    namespace: 'shop',
    name: 'secure',
    body: ingress('secure', true),
    time: at(4),
  },
  {
    ...eve,
    verb: 'create',
    resource: 'configmaps',
    namespace: 'shop',
    name: 'app-config',
    body: configMap('app-config', { DB_PASSWORD: 'hunter2-prod', 'app.properties': 'server.port=8080\n' }),
    time: at(5),
  },
  {
    ...eve,
    verb: 'update',
    resource: 'configmaps',
    namespace: 'shop',
    name: 'settings',
    body: configMap('settings', { PASSWORD_MIN_LENGTH: '12', DB_PASSWORD: '${DB_PASSWORD}', LOG_LEVEL: 'info' }),
    time: at(6),
  },
  { ...eve, verb: 'create', resource: 'serviceaccounts', namespace: 'kube-system', name: 'backup-agent', time: at(7) },
  { ...eve, verb: 'patch', resource: 'clusterroles', name: 'system:node', time: at(8) },
  { ...eve, verb: 'delete', resource: 'namespaces', name: 'payments', time: at(9) },
  {
    ...eve,
    verb: 'create',
    resource: 'secrets',
    namespace: 'shop',
    name: 'forever-token',
    body: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'forever-token', annotations: { 'kubernetes.io/service-account.name': 'deployer' } },
      type: 'kubernetes.io/service-account-token',
    },
    time: at(10),
  },
  { ...eve, verb: 'delete', resource: 'deployments', namespace: 'shop', name: 'web', time: at(11) },
  // Look-alikes: controllers keep their own objects, the API server reconciles system roles, bootstrap namespaces.
  {
    ...argocd,
    verb: 'create',
    resource: 'services',
    namespace: 'shop',
    name: 'lb',
    body: svc('lb', 'LoadBalancer'),
    time: at(12),
  },
  {
    ...argocd,
    verb: 'create',
    resource: 'configmaps',
    namespace: 'shop',
    name: 'gitops',
    body: configMap('gitops', { password: 'from-git' }),
    time: at(13),
  },
  { ...kcm, verb: 'create', resource: 'serviceaccounts', namespace: 'kube-system', name: 'coredns', time: at(14) },
  {
    user: 'system:apiserver',
    groups: ['system:masters'],
    verb: 'update',
    resource: 'clusterroles',
    name: 'system:discovery',
    time: at(15),
  },
  { ...eve, verb: 'create', resource: 'namespaces', name: 'kube-node-lease', time: at(16) },
  {
    ...eve,
    verb: 'create',
    resource: 'services',
    namespace: 'shop',
    name: 'refused',
    body: svc('refused', 'NodePort'),
    code: 403,
    time: at(17),
  },
  // Roles written by a person: wildcard, exec, escalate, and a read-only look-alike.
  {
    ...eve,
    verb: 'create',
    resource: 'clusterroles',
    name: 'ops-all',
    body: role('ClusterRole', 'ops-all', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    time: at(20),
  },
  {
    ...eve,
    verb: 'create',
    resource: 'roles',
    namespace: 'shop',
    name: 'debugger',
    body: role('Role', 'debugger', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }], 'shop'),
    time: at(21),
  },
  {
    ...eve,
    verb: 'create',
    resource: 'clusterroles',
    name: 'rbac-manager',
    body: role('ClusterRole', 'rbac-manager', [
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind', 'escalate'] },
    ]),
    time: at(22),
  },
  {
    ...eve,
    verb: 'create',
    resource: 'clusterroles',
    name: 'writer',
    body: role('ClusterRole', 'writer', [{ apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] }]),
    time: at(23),
  },
  {
    ...eve,
    verb: 'create',
    resource: 'clusterroles',
    name: 'pod-reader',
    body: role('ClusterRole', 'pod-reader', [
      { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
    ]),
    time: at(24),
  },
  {
    ...argocd,
    verb: 'create',
    resource: 'clusterroles',
    name: 'argocd-server',
    body: role('ClusterRole', 'argocd-server', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    time: at(25),
  },
  // Identities RBAC cannot restrain, and the health checks anonymous clients may make.
  { ...anon, verb: 'list', resource: 'secrets', namespace: 'shop', time: at(30) },
  { ...anon, verb: 'get', resource: '', uri: '/apis', time: at(31) },
  { ...anon, verb: 'get', resource: '', uri: '/healthz', time: at(32) },
  { ...anon, verb: 'get', resource: '', uri: '/readyz?verbose', time: at(33) },
  { ...anon, verb: 'get', resource: 'pods', namespace: 'shop', code: 403, time: at(34) },
  { ...admin, verb: 'get', resource: 'nodes', time: at(35) },
  { ...admin, verb: 'list', resource: 'pods', time: at(36) },
  // Refused reads of secrets: a person and a stolen workload token, beside a kube-system controller's race.
  { ...eve, verb: 'get', resource: 'secrets', namespace: 'payments', name: 'stripe-key', code: 403, time: at(40) },
  {
    user: 'system:serviceaccount:shop:web',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:shop'],
    userAgent: 'curl/8.5.0',
    verb: 'list',
    resource: 'secrets',
    code: 403,
    time: at(41),
  },
  {
    user: 'system:serviceaccount:kube-system:token-cleaner',
    groups: ['system:serviceaccounts'],
    verb: 'get',
    resource: 'secrets',
    namespace: 'kube-system',
    name: 'bootstrap-token-abc',
    code: 403,
    time: at(42),
  },
];

const { events, errors } = parseAuditLog(auditLines(AUDIT));
const result = runDetectors(engine([], { kubeAudit: events }), {
  only: ['kube-object-change', 'kube-risky-role', 'kube-rbac-bypass', 'kube-secret-access'],
});
const by = (d: string) => result.findings.filter((f) => f.detector === d);
const line = (f: Finding) => `${f.container?.name}=${f.severity}`;

describe('audit records for the activity rules', () => {
  it('keep refused reads of secrets only, and the facts of each request body', () => {
    expect(errors).toEqual([]);
    expect(events.filter((e) => (e.code ?? 0) >= 400).map((e) => `${e.user} ${e.verb} ${e.resource}`)).toEqual([
      'eve@corp.example get secrets',
      'system:serviceaccount:shop:web list secrets',
      'system:serviceaccount:kube-system:token-cleaner get secrets',
    ]);
    const get = (name: string) => events.find((e) => e.name === name)!;
    expect(get('backdoor').objectType).toBe('NodePort');
    expect([get('plain').tls, get('secure').tls]).toEqual([false, true]);
    expect(get('app-config').credentialKeys).toEqual(['DB_PASSWORD']);
    expect(get('settings').credentialKeys).toEqual([]);
    expect(get('forever-token').objectType).toBe('kubernetes.io/service-account-token');
    expect(get('debugger').rules).toEqual([
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'], nonResourceURLs: [] },
    ]);
    // Credential values never reach the evidence.
    expect(JSON.stringify(events)).not.toContain('hunter2');
  });
});

describe('kube-object-change', () => {
  it("puts a person's creations and deletions on the timeline, raised by what they expose, where and what they touch", () => {
    expect(by('kube-object-change').map(line).sort()).toEqual(
      [
        'clusterroles/-/system:node=high',
        'configmaps/shop/app-config=medium',
        'deployment/shop/web=low',
        'ingresses/shop/plain=medium',
        'ingresses/shop/secure=low',
        'namespaces/-/crypto-ops=low',
        'namespaces/-/payments=medium',
        'secrets/shop/forever-token=medium',
        'serviceaccounts/kube-system/backup-agent=medium',
        'services/shop/backdoor=medium',
        'services/shop/internal=low',
        // The roles created by hand are activity too (Falco's "K8s ClusterRole Created").
        'clusterroles/-/ops-all=low',
        'roles/shop/debugger=low',
        'clusterroles/-/rbac-manager=low',
        'clusterroles/-/writer=low',
        'clusterroles/-/pod-reader=low',
      ].sort(),
    );
    const nodePort = by('kube-object-change').find((f) => f.container?.name === 'services/shop/backdoor')!;
    expect(nodePort.summary).toMatch(/eve@corp\.example created service shop\/backdoor .*type NodePort/);
    expect(nodePort.attack).toEqual(['T1133']);
    expect(nodePort.firstSeen).toBe(at(1));
    expect(nodePort.evidence[0]!.excerpt).toContain('type=NodePort');
    expect(by('kube-object-change').find((f) => f.container?.name === 'configmaps/shop/app-config')!.summary).toContain(
      'DB_PASSWORD',
    );
    expect(by('kube-object-change').find((f) => f.container?.name === 'deployment/shop/web')!.workload).toEqual({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
    });
    // Look-alikes: the GitOps agent's service and ConfigMap, kube-system's own controller, the API server's
    // reconciliation of system roles, a bootstrap namespace, the settings without a real credential, a refused create.
    for (const quiet of [
      'lb',
      'gitops',
      'coredns',
      'system:discovery',
      'kube-node-lease',
      'settings',
      'refused',
      'argocd-server',
    ])
      expect(
        by('kube-object-change').some((f) => f.container?.name.endsWith(`/${quiet}`)),
        quiet,
      ).toBe(false);
  });
});

describe('allowlists of namespaces and people', () => {
  it('are versioned suppressions on match.ref and match.user, reported when they hide a finding', () => {
    const allow = parseSuppressions(
      [
        'version: 1',
        'suppressions:',
        '  - id: namespaces.crypto',
        '    version: 2',
        '    reason: the crypto team creates its own namespaces',
        '    detectors: [kube-object-change]',
        '    match: { ref: "create:namespaces/-/crypto-*" }',
        '  - id: people.eve',
        '    version: 1',
        '    reason: eve runs the platform',
        '    detectors: [kube-object-change]',
        '    match: { user: "eve@*" }',
        '    maxSeverity: low',
      ].join('\n'),
    );
    const r = runDetectors(engine([], { kubeAudit: events }), { only: ['kube-object-change'], suppressions: allow });
    expect(r.suppressed.filter((f) => f.suppressedBy === 'namespaces.crypto@v2').map((f) => f.container?.name)).toEqual(
      ['namespaces/-/crypto-ops'],
    );
    // eve's routine changes are hidden; what her requests raised is not.
    expect(r.findings.every((f) => f.severity !== 'low')).toBe(true);
    expect(r.findings.map((f) => f.container?.name)).toContain('clusterroles/-/system:node');
    expect(r.suppressed.filter((f) => f.suppressedBy === 'people.eve@v1').length).toBeGreaterThan(5);
  });
});

describe('kube-risky-role', () => {
  it('judges the rules of roles a person writes and leaves read-only roles and the GitOps agent alone', () => {
    expect(by('kube-risky-role').map(line).sort()).toEqual([
      'clusterroles/-/ops-all=high',
      'clusterroles/-/rbac-manager=high',
      'clusterroles/-/writer=low',
      'roles/shop/debugger=medium',
    ]);
    expect(by('kube-risky-role').find((f) => f.container?.name === 'clusterroles/-/rbac-manager')!.summary).toContain(
      'escalate or bind',
    );
    expect(by('kube-risky-role').find((f) => f.container?.name === 'roles/shop/debugger')!.attack).toContain('T1609');
  });
});

describe('kube-rbac-bypass', () => {
  it('reports what the anonymous user was allowed beyond the health checks, and each system:masters user once', () => {
    expect(by('kube-rbac-bypass').map(line).sort()).toEqual([
      '/apis/-/?=medium',
      'secrets/shop/?=high',
      'user/kubernetes-admin=low',
    ]);
    expect(by('kube-rbac-bypass').find((f) => f.severity === 'high')!.summary).toContain(
      'allowed an anonymous request: list',
    );
    // The API server's own identity is in system:masters too, but it is the control plane.
    expect(by('kube-rbac-bypass').some((f) => f.container?.name.includes('apiserver'))).toBe(false);
  });
});

describe('kube-secret-access on refused reads', () => {
  it("reports a person's and a workload token's refused reads, not kube-system's controllers", () => {
    const refused = by('kube-secret-access').filter((f) => f.summary.includes('was refused'));
    expect(refused.map(line).sort()).toEqual(['secrets/-/?=medium', 'secrets/payments/stripe-key=medium']);
    expect(refused.find((f) => f.container?.name === 'secrets/-/?')!.summary).toMatch(
      /system:serviceaccount:shop:web tried to list the secrets of every namespace .* \(HTTP 403\) via curl/,
    );
  });
});
