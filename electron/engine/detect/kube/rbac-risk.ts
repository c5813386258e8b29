import type { KubeBinding, KubeRole } from '@shared/domain/kube-evidence.js';
import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { listedRef, objectHit } from './kube-hits.js';
import { powersOf, worstOf, type Power } from './rbac-rules.js';

/** Bindings the API server and installers create for the control plane itself. */
const BOOTSTRAP = /^(system:|kubeadm:)/;
/** Subjects that are the control plane: kube-system's controllers, nodes, built-in groups. */
const systemSubject = (s: KubeBinding['subjects'][number], b: KubeBinding) =>
  s.kind === 'ServiceAccount'
    ? (s.namespace ?? b.namespace) === 'kube-system'
    : s.name.startsWith('system:') &&
      s.name !== 'system:anonymous' &&
      s.name !== 'system:unauthenticated' &&
      s.name !== 'system:authenticated';
const subjectLabel = (s: KubeBinding['subjects'][number], b: KubeBinding) =>
  `${s.kind}:${s.kind === 'ServiceAccount' ? `${s.namespace ?? b.namespace ?? 'default'}/` : ''}${s.name}`;
/** Groups that stand for everyone (or every account): a grant to them is a grant to any caller. */
const EVERYONE = new Set([
  'system:anonymous',
  'system:unauthenticated',
  'system:authenticated',
  'system:serviceaccounts',
]);

/**
 * Who may do what in the cluster's RBAC state: every binding of a non-system subject to a role that grants
 * cluster-admin, wildcards, escalate/bind/impersonate, nodes/proxy, certificate approval, admission webhooks,
 * token creation, secrets, exec, persistent volumes or pod creation (CIS Kubernetes 5.1).
 */
export const kubeRbacRisk: Detector = {
  meta: {
    id: 'kube-rbac-risk',
    title: 'Kubernetes RBAC grants dangerous permissions',
    strategy: ['ADS-evasion'],
    attack: [
      'T1098.006',
      'T1078',
      'T1078.001',
      'T1609',
      'T1610',
      'T1611',
      'T1528',
      'T1552.007',
      'T1562.001',
      'T1098.001',
    ],
    severity: 'medium',
    kind: 'state',
    dataSources: [
      'Kubernetes API: roles, cluster roles, role bindings and cluster role bindings (rules, roleRef, subjects)',
    ],
    goal: 'Find the people, groups and service accounts outside the control plane that RBAC lets own the cluster or climb towards it: cluster-admin or every verb on every resource (CIS 5.1.1, 5.1.3), escalate, bind and impersonate (5.1.8), nodes/proxy (5.1.10), certificate approval (5.1.11), admission webhooks (5.1.12), token creation (5.1.13), secrets (5.1.2), pod exec, persistent volumes (5.1.9) and pod creation (5.1.4); grants to everyone (`system:authenticated`, `system:anonymous`) and to `default` service accounts (5.1.5) are raised.',
    blindSpots: [
      "Bindings named `system:*` or `kubeadm:*` and subjects in kube-system or named `system:*` are the control plane's own and are not judged.",
      'Aggregated cluster roles are judged by the rules the API server has filled in; a role whose listing RBAC refused is judged by its name only (cluster-admin).',
      'Membership of groups (OIDC, certificates) is not visible through the API: a binding to a group is reported once, not per member.',
      "Pods' use of the granted service accounts is kube-admin-token-mount's concern.",
      'A scan limited with `--namespace` judges the RoleBindings of those namespaces and the ClusterRoleBindings of their service accounts only.',
    ],
    falsePositives: [
      "Team leads bound to `admin` in their own namespace and CI accounts allowed to create workloads: expected, and low or medium. Allowlist with a versioned suppression on `match.ref` (`rbac:RoleBinding/team-a/*`) or `match.container` (the binding's name), with an owner and an expiry.",
      'Operators (cert-manager, ingress controllers, GitOps agents) whose charts bind their service account to broad cluster roles: suppress per binding rather than per detector.',
    ],
    response: [
      'Narrow the role to the verbs and resources the subject needs, or remove the binding.',
      "For unexplained grants, find who created the binding (managedFields, audit log) and review the subject's requests.",
    ],
  },
  detect(ev) {
    const k = ev.kube;
    if (!k) return [];
    const roles = new Map<string, KubeRole>();
    for (const r of k.roles) roles.set(`${r.kind}/${r.namespace ?? ''}/${r.name}`, r);
    const hits: Hit[] = [];
    for (const b of k.bindings) {
      if (BOOTSTRAP.test(b.name)) continue;
      let subjects = b.subjects.filter((s) => !systemSubject(s, b));
      // A scan limited to namespaces judges the cluster-wide grants of those namespaces' service accounts only.
      if (k.scope && b.kind === 'ClusterRoleBinding')
        subjects = subjects.filter((s) => s.kind === 'ServiceAccount' && k.scope!.includes(s.namespace ?? ''));
      if (!subjects.length) continue;
      const role = roles.get(
        `${b.roleRef.kind}/${b.roleRef.kind === 'Role' ? (b.namespace ?? '') : ''}/${b.roleRef.name}`,
      );
      let powers: Power[] = role ? powersOf(role.rules) : [];
      if (b.roleRef.name === 'cluster-admin')
        powers = [{ id: 'cluster-admin', what: 'cluster-admin', severity: 'high', attack: 'T1098.006' }];
      if (!powers.length) continue;
      const cluster = b.kind === 'ClusterRoleBinding';
      const everyone = subjects.some((s) => s.kind === 'Group' && EVERYONE.has(s.name));
      const defaults = subjects.filter((s) => s.kind === 'ServiceAccount' && s.name === 'default');
      let severity = worstOf(powers);
      // A namespace's RoleBinding limits the damage to that namespace: one step down, unless it reaches everyone.
      if (!cluster && severity === 'high' && !everyone) severity = 'medium';
      if (everyone) severity = powers.some((p) => p.severity !== 'low') ? 'critical' : 'high';
      else if (defaults.length && severity === 'low') severity = 'medium';
      const label = `${b.kind}/${b.namespace ? `${b.namespace}/` : ''}${b.name}`;
      const who = oneLine(subjects.map((s) => subjectLabel(s, b)).join(', '), 200);
      hits.push(
        objectHit(b.kind, b.namespace, b.name, {
          ref: `rbac:${label}:${powers.map((p) => p.id).join(',')}`,
          cause: `rbac-${powers[0]!.id}`,
          summary: `${oneLine(label, 140)} lets ${who} ${cluster ? 'across the cluster' : `in namespace ${oneLine(b.namespace ?? 'default', 60)}`} ${oneLine(powers.map((p) => p.what).join('; '), 300)} through ${oneLine(`${b.roleRef.kind}/${b.roleRef.name}`, 100)}${everyone ? ', granted to every caller' : ''}${defaults.length ? ', granted to a default service account every pod of its namespace mounts' : ''}.`,
          evidence: [
            listedRef(
              ev,
              cluster ? 'clusterrolebindings' : 'rolebindings',
              label,
              `roleRef=${b.roleRef.kind}/${b.roleRef.name} subjects=${who}`,
            ),
            ...(role
              ? [
                  listedRef(
                    ev,
                    role.kind === 'Role' ? 'roles' : 'clusterroles',
                    `${role.kind}/${role.name}`,
                    `rules=${oneLine(role.rules.map((r) => `${r.verbs.join(',')} ${r.apiGroups.join(',') || 'core'}/${r.resources.join(',')}`).join('; '), 400)}`,
                  ),
                ]
              : []),
          ],
          severity,
          attack: [...new Set([...powers.map((p) => p.attack), ...(everyone || defaults.length ? ['T1078.001'] : [])])],
        }),
      );
    }
    return hits;
  },
};
