import type { Severity } from '@shared/domain/finding.js';
import type { KubeRule } from '@shared/domain/kube-evidence.js';

/**
 * What RBAC rules allow that matters to an attacker: the permissions CIS Kubernetes 5.1 asks to keep rare, and
 * the ones Falco's role rules watch (wildcards, pod exec, write verbs). One list serves the role changes in the
 * audit log and the grants of the cluster's state.
 */

export interface Power {
  /** Short name, stable across scans (goes into refs). */
  id: string;
  what: string;
  severity: Severity;
  attack: string;
}

const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const READ = ['get', 'list', 'watch'];

const has = (list: string[], wanted: string[]) => list.includes('*') || wanted.some((w) => list.includes(w));
/** A rule covers a resource (`pods`, `pods/exec`) in an API group. */
function covers(r: KubeRule, group: string, resource: string): boolean {
  const groups = r.apiGroups.length ? r.apiGroups : [''];
  if (!groups.includes('*') && !groups.includes(group)) return false;
  const [base] = resource.split('/');
  return (
    r.resources.includes('*') ||
    r.resources.includes(resource) ||
    (resource.includes('/') && r.resources.includes(`${base}/*`))
  );
}
const allows = (rules: KubeRule[], group: string, resource: string, verbs: string[]) =>
  rules.some((r) => covers(r, group, resource) && has(r.verbs, verbs));

const CHECKS: Array<{
  id: string;
  what: string;
  severity: Severity;
  attack: string;
  test: (rules: KubeRule[]) => boolean;
}> = [
  {
    id: 'wildcard-all',
    what: 'every verb on every resource (wildcard)',
    severity: 'high',
    attack: 'T1098.006',
    test: (rs) =>
      rs.some(
        (r) =>
          r.verbs.includes('*') && r.resources.includes('*') && (r.apiGroups.includes('*') || r.apiGroups.length === 0),
      ),
  },
  {
    id: 'wildcard',
    what: 'wildcard verbs or resources',
    severity: 'medium',
    attack: 'T1098.006',
    test: (rs) => rs.some((r) => r.verbs.includes('*') || r.resources.includes('*')),
  },
  {
    id: 'escalate',
    what: 'escalate or bind on roles (grant themselves more)',
    severity: 'high',
    attack: 'T1098.006',
    test: (rs) =>
      ['roles', 'clusterroles'].some((res) => allows(rs, 'rbac.authorization.k8s.io', res, ['escalate', 'bind'])),
  },
  {
    id: 'impersonate',
    what: 'impersonate users, groups or service accounts',
    severity: 'high',
    attack: 'T1078',
    test: (rs) =>
      ['users', 'groups', 'serviceaccounts'].some((res) => allows(rs, '', res, ['impersonate'])) ||
      allows(rs, 'authentication.k8s.io', 'uids', ['impersonate']),
  },
  {
    id: 'nodes-proxy',
    what: 'nodes/proxy (the kubelet API: exec in any pod of a node)',
    severity: 'high',
    attack: 'T1609',
    test: (rs) => allows(rs, '', 'nodes/proxy', ['get', 'create']),
  },
  {
    id: 'csr-approve',
    what: 'approve certificate signing requests (mint client certificates)',
    severity: 'high',
    attack: 'T1098.001',
    test: (rs) =>
      allows(rs, 'certificates.k8s.io', 'certificatesigningrequests/approval', ['update', 'patch']) &&
      allows(rs, 'certificates.k8s.io', 'signers', ['approve']),
  },
  {
    id: 'webhooks',
    what: 'write admission webhook configurations',
    severity: 'high',
    attack: 'T1562.001',
    test: (rs) =>
      ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'].some((res) =>
        allows(rs, 'admissionregistration.k8s.io', res, WRITE),
      ),
  },
  {
    id: 'token-create',
    what: 'create service-account tokens',
    severity: 'medium',
    attack: 'T1528',
    test: (rs) => allows(rs, '', 'serviceaccounts/token', ['create']),
  },
  {
    id: 'secrets-read',
    what: 'read secrets',
    severity: 'medium',
    attack: 'T1552.007',
    test: (rs) => allows(rs, '', 'secrets', READ),
  },
  {
    id: 'pods-exec',
    what: 'exec or attach into pods',
    severity: 'medium',
    attack: 'T1609',
    test: (rs) => allows(rs, '', 'pods/exec', ['create', 'get']) || allows(rs, '', 'pods/attach', ['create', 'get']),
  },
  {
    id: 'pv-create',
    what: 'create persistent volumes (host paths through the back door)',
    severity: 'medium',
    attack: 'T1611',
    test: (rs) => allows(rs, '', 'persistentvolumes', ['create']),
  },
  {
    id: 'pods-create',
    what: 'create pods or workloads',
    severity: 'low',
    attack: 'T1610',
    test: (rs) =>
      allows(rs, '', 'pods', ['create']) ||
      ['deployments', 'daemonsets', 'statefulsets', 'replicasets'].some((res) => allows(rs, 'apps', res, ['create'])) ||
      ['jobs', 'cronjobs'].some((res) => allows(rs, 'batch', res, ['create'])),
  },
  {
    id: 'write',
    what: 'write verbs (create, update, patch, delete)',
    severity: 'low',
    attack: 'T1098.006',
    test: (rs) => rs.some((r) => has(r.verbs, WRITE)),
  },
];

/** The powers of a set of rules, worst first; a wildcard over everything implies the rest and is reported alone. */
export function powersOf(rules: KubeRule[]): Power[] {
  const out = CHECKS.filter((c) => c.test(rules)).map(({ id, what, severity, attack }) => ({
    id,
    what,
    severity,
    attack,
  }));
  if (out.some((p) => p.id === 'wildcard-all')) return out.filter((p) => p.id === 'wildcard-all');
  return out;
}

const RANK: Severity[] = ['low', 'medium', 'high', 'critical'];
export const worstOf = (ps: Power[]): Severity =>
  ps.reduce<Severity>((w, p) => (RANK.indexOf(p.severity) > RANK.indexOf(w) ? p.severity : w), 'low');
