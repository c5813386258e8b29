import type { ClusterEvidence, KubeRole } from '@shared/domain/kube-evidence.js';
import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

interface Grant {
  binding: string;
  role: string;
  /** cluster: the whole cluster; namespace: one namespace's objects. */
  scope: 'cluster' | 'namespace';
  full: boolean;
}

const wildcard = (r: KubeRole['rules'][number]) => r.verbs.includes('*') || r.resources.includes('*');
const full = (r: KubeRole['rules'][number]) =>
  r.verbs.includes('*') && r.resources.includes('*') && (r.apiGroups.includes('*') || r.apiGroups.length === 0);

/** What every service account is granted that amounts to admin: cluster-admin, or a role with wildcard rules. */
function adminGrants(k: ClusterEvidence): Map<string, Grant[]> {
  const roles = new Map<string, KubeRole>();
  for (const r of k.roles) roles.set(`${r.kind}/${r.namespace ?? ''}/${r.name}`, r);
  const out = new Map<string, Grant[]>();
  for (const b of k.bindings) {
    const role = roles.get(
      `${b.roleRef.kind}/${b.roleRef.kind === 'Role' ? (b.namespace ?? '') : ''}/${b.roleRef.name}`,
    );
    const isAdmin = b.roleRef.name === 'cluster-admin';
    const rules = role?.rules ?? [];
    if (!isAdmin && !rules.some(wildcard)) continue;
    const grant: Grant = {
      binding: `${b.kind}/${b.namespace ? `${b.namespace}/` : ''}${b.name}`,
      role: `${b.roleRef.kind}/${b.roleRef.name}`,
      scope: b.kind === 'ClusterRoleBinding' ? 'cluster' : 'namespace',
      full: isAdmin || rules.some(full),
    };
    for (const s of b.subjects) {
      const keys =
        s.kind === 'ServiceAccount'
          ? [`${s.namespace ?? b.namespace ?? 'default'}/${s.name}`]
          : s.kind === 'Group' && s.name === 'system:serviceaccounts'
            ? ['*']
            : s.kind === 'Group' && s.name.startsWith('system:serviceaccounts:')
              ? [`${s.name.slice('system:serviceaccounts:'.length)}/*`]
              : [];
      for (const key of keys) out.set(key, [...(out.get(key) ?? []), grant]);
    }
  }
  return out;
}

/** Pods whose mounted service-account token is an admin credential: anyone inside the pod owns the cluster. */
export const kubeAdminTokenMount: Detector = {
  meta: {
    id: 'kube-admin-token-mount',
    title: 'Kubernetes pod mounts an admin service-account token',
    strategy: ['ADS-evasion'],
    attack: ['T1552.007', 'T1078.001'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'Kubernetes API: pod specs (serviceAccountName, automountServiceAccountToken), service accounts, roles, cluster roles and their bindings',
    ],
    goal: 'Find workloads whose service account is bound to cluster-admin or to a role with wildcard verbs or resources, and whose token is mounted (the default): code running in the pod, or anyone who execs into it, reads the token and acts as that account (T1552.007).',
    blindSpots: [
      'Roles aggregated into others and permissions granted through groups other than system:serviceaccounts are not followed.',
      'Needs list on roles, clusterroles and their bindings; when RBAC refuses them, the scan reports which list failed and this detector sees fewer grants.',
      'Tokens of accounts that are only able to create pods or read secrets (escalation paths) are not reported.',
    ],
    falsePositives: [
      'Cluster operators (GitOps agents, installers) that need admin. Allowlist with a versioned suppression on `match.namespace` or `match.image`, and turn off token mounting in pods that do not call the API.',
    ],
    response: [
      'Disable token mounting (`automountServiceAccountToken: false`) or bind the account to a narrower role.',
      'Treat the token as exposed if the pod ran untrusted code: rotate it and review the audit log for its use.',
    ],
  },
  detect(ev) {
    const k = ev.kube;
    if (!k) return [];
    const grants = adminGrants(k);
    if (grants.size === 0) return [];
    const saMount = new Map(k.serviceAccounts.map((s) => [`${s.namespace}/${s.name}`, s.automountServiceAccountToken]));
    const hits: Hit[] = [];
    for (const w of rootsOf(k)) {
      const sa = `${w.namespace}/${w.template.serviceAccountName}`;
      const g = [...(grants.get(sa) ?? []), ...(grants.get(`${w.namespace}/*`) ?? []), ...(grants.get('*') ?? [])];
      if (!g.length) continue;
      const mounted = w.template.automountServiceAccountToken ?? saMount.get(sa) ?? true;
      if (!mounted) continue;
      const worst = g.find((x) => x.full && x.scope === 'cluster') ?? g.find((x) => x.full) ?? g[0]!;
      hits.push(
        workloadHit(w, undefined, {
          ref: `sa-token:${sa}`,
          summary: `${oneLine(wlabel(w), 160)} mounts the token of service account ${oneLine(sa, 100)}, bound by ${oneLine(worst.binding, 120)} to ${oneLine(worst.role, 80)}${worst.full ? '' : ' (wildcard rules)'}${worst.scope === 'cluster' ? ' across the cluster' : ` in namespace ${oneLine(w.namespace, 60)}`}.`,
          evidence: [
            objectRef(
              ev,
              w,
              `spec.serviceAccountName=${w.template.serviceAccountName} automountServiceAccountToken=${w.template.automountServiceAccountToken ?? 'unset'}; ${g.map((x) => `${x.binding} -> ${x.role}`).join('; ')}`,
            ),
          ],
          severity: worst.full && worst.scope === 'cluster' ? 'high' : 'medium',
          attack: ['T1552.007', 'T1078.001'],
        }),
      );
    }
    return hits;
  },
};
