/**
 * How the Kubernetes detectors cover three references analysts compare tools with: Falco's k8saudit rules
 * (falcosecurity/plugins, plugins/k8saudit/rules/k8s_audit_rules.yaml), the Pod Security Standards' checks
 * (kubernetes/pod-security-admission), and the CIS Kubernetes Benchmark's section 5. Rendered into
 * DETECTORS.md; "not covered" rows say so rather than claim a partial match.
 */

export type Coverage = 'covered' | 'partial' | 'not applicable' | 'not covered';
export interface CoverageRow {
  ref: string;
  title: string;
  status: Coverage;
  detectors: string[];
  note?: string;
}

const row = (ref: string, title: string, status: Coverage, detectors: string[] = [], note?: string): CoverageRow => ({
  ref,
  title,
  status,
  detectors,
  ...(note ? { note } : {}),
});
const INERT = 'inert by default in Falco (its guard macro never or always matches)';

const PEOPLE =
  "by people; changes by service accounts (GitOps, CI, operators) are quiet on purpose (the seeds' false positives)";
const crud = (kind: string, created: [Coverage, string[], string?], deleted: [Coverage, string[], string?]) => [
  row('info', `K8s ${kind} Created`, created[0], created[1], created[2]),
  row('info', `K8s ${kind} Deleted`, deleted[0], deleted[1], deleted[2]),
];
const activity = (kind: string, extra: string[] = []): CoverageRow[] =>
  crud(kind, ['partial', ['kube-object-change', ...extra], PEOPLE], ['partial', ['kube-object-change'], PEOPLE]);

export const FALCO_K8SAUDIT: CoverageRow[] = [
  row(
    'warning',
    'Disallowed K8s User',
    'partial',
    ['kube-manual-change', 'unauthorized-deployment', 'kube-secret-access', 'kube-object-change', 'kube-rbac-bypass'],
    'people are told from controllers for workload, object and RBAC changes and secret reads; the identity allowlist is a versioned suppression on `match.user`, not a judgement of every request',
  ),
  row(
    'warning',
    'Create Disallowed Pod',
    'covered',
    ['unauthorized-deployment', 'kube-untrusted-registry'],
    `${INERT}; here a person's pod outside the allowlist is medium`,
  ),
  row('warning', 'Create Privileged Pod', 'covered', ['kube-privileged-workload', 'kube-privileged-pod']),
  row('warning', 'Create Sensitive Mount Pod', 'covered', ['kube-privileged-workload', 'kube-hostpath-mount']),
  row('warning', 'Create HostNetwork Pod', 'covered', ['kube-privileged-workload', 'kube-host-namespaces']),
  row('warning', 'Create HostPid Pod', 'covered', ['kube-privileged-workload', 'kube-host-namespaces']),
  row('warning', 'Create HostIPC Pod', 'covered', ['kube-privileged-workload', 'kube-host-namespaces']),
  row(
    'warning',
    'Create NodePort Service',
    'covered',
    ['kube-object-change', 'kube-exposed-service'],
    'created by a person (audit, medium) and present in the cluster whoever created it (state)',
  ),
  row(
    'warning',
    'Create/Modify Configmap With Private Credentials',
    'covered',
    ['kube-object-change', 'kube-credential-exposure'],
    "key names and values recognized as credentials (Falco's AWS and password patterns, private keys, password lines); values are never kept",
  ),
  row(
    'warning',
    'Anonymous Request Allowed',
    'covered',
    ['kube-rbac-bypass'],
    'health endpoints excepted, as in Falco',
  ),
  row('notice', 'Attach/Exec Pod', 'covered', ['kube-pod-exec']),
  row('notice', 'port-forward', 'covered', ['kube-pod-exec']),
  row('notice', 'EphemeralContainers Created', 'covered', ['kube-pod-exec']),
  row(
    'warning',
    'Create Disallowed Namespace',
    'covered',
    ['kube-object-change'],
    'every namespace a person creates beyond the built-in ones; the namespace allowlist is a versioned suppression on `match.ref` (`create:namespaces/-/team-*`)',
  ),
  row(
    'warning',
    'Pod Created in Kube Namespace',
    'partial',
    ['unauthorized-deployment'],
    'pods a person creates are reported in every namespace, kube-system included; controllers there are quiet',
  ),
  row(
    'warning',
    'Service Account Created in Kube Namespace',
    'partial',
    ['kube-object-change'],
    "by people, medium in kube-system and kube-public (Falco's known controller accounts excepted); service accounts creating them are quiet",
  ),
  row(
    'warning',
    'System ClusterRole Modified/Deleted',
    'covered',
    ['kube-object-change'],
    "high; by people and by service accounts outside kube-system (the API server reconciling its own roles is quiet), Falco's two exceptions kept",
  ),
  row('warning', 'Attach to cluster-admin Role', 'covered', ['kube-admin-binding']),
  row(
    'warning',
    'ClusterRole With Wildcard Created',
    'covered',
    ['kube-risky-role', 'kube-rbac-risk'],
    'written by a person (audit); bound to anyone outside the control plane (state)',
  ),
  row('notice', 'ClusterRole With Write Privileges Created', 'covered', ['kube-risky-role'], "low, as Falco's notice"),
  row('warning', 'ClusterRole With Pod Exec Created', 'covered', ['kube-risky-role', 'kube-rbac-risk']),
  ...activity('Deployment', ['unauthorized-deployment', 'kube-manual-change']),
  ...activity('Service'),
  ...activity('ConfigMap'),
  ...crud(
    'Namespace',
    ['partial', ['kube-object-change'], `${PEOPLE}; the built-in namespaces are not reported`],
    ['covered', ['kube-object-change'], 'by people, as in Falco (non-system users); medium'],
  ),
  ...activity('Serviceaccount'),
  ...activity('Role', ['kube-risky-role']),
  ...activity('ClusterRole', ['kube-risky-role']),
  ...activity('RoleBinding', ['kube-admin-binding']),
  ...activity('ClusterRoleBinding', ['kube-admin-binding']),
  ...crud(
    'Secret',
    [
      'covered',
      ['kube-object-change'],
      'by people, as in Falco (non-system users); long-lived service-account token secrets are medium',
    ],
    ['covered', ['kube-object-change'], 'by people, as in Falco (non-system users)'],
  ),
  row(
    'error',
    'K8s Secret Get Successfully',
    'covered',
    ['kube-secret-access'],
    'by people; service accounts are not reported',
  ),
  row(
    'warning',
    'K8s Secret Get Unsuccessfully Tried',
    'covered',
    ['kube-secret-access'],
    'refused reads by people and by service accounts outside kube-system',
  ),
  row('debug', 'All K8s Audit Events', 'not applicable', [], INERT),
  row(
    'warning',
    'Full K8s Administrative Access',
    'not applicable',
    [],
    `${INERT}; members of system:masters are kube-rbac-bypass's`,
  ),
  row(
    'warning',
    'Ingress Object without TLS Certificate Created',
    'covered',
    ['kube-object-change', 'kube-exposed-service'],
    'created by a person (audit, medium) and present in the cluster (state, low)',
  ),
  row('warning', 'Untrusted Node Successfully Joined', 'not applicable', [], INERT),
  row('warning', 'Untrusted Node Unsuccessfully Tried to Join', 'not applicable', [], INERT),
];

export const POD_SECURITY_STANDARDS: CoverageRow[] = [
  row('baseline', 'HostProcess (Windows)', 'not applicable', [], 'Linux nodes only'),
  row('baseline', 'Host Namespaces (hostPID, hostIPC, hostNetwork)', 'covered', ['kube-host-namespaces']),
  row('baseline', 'Privileged Containers', 'covered', ['kube-privileged-pod']),
  row(
    'baseline',
    'Capabilities (only the default set may be added)',
    'partial',
    ['kube-dangerous-capabilities'],
    'escape and network capabilities are reported, not every capability outside the default set',
  ),
  row(
    'baseline',
    'HostPath Volumes',
    'covered',
    ['kube-hostpath-mount', 'kube-pod-standards'],
    'sensitive host paths high or critical, any other host path low',
  ),
  row('baseline', 'Host Ports', 'covered', ['kube-host-namespaces']),
  row(
    'baseline',
    'AppArmor',
    'covered',
    ['kube-isolation-disabled'],
    'Unconfined in appArmorProfile or the beta annotation',
  ),
  row(
    'baseline',
    'SELinux',
    'covered',
    ['kube-isolation-disabled'],
    'a type outside the container types, or a user or role',
  ),
  row('baseline', '/proc Mount Type', 'covered', ['kube-isolation-disabled']),
  row('baseline', 'Seccomp (not Unconfined)', 'covered', ['kube-isolation-disabled']),
  row('baseline', 'Sysctls (safe set only)', 'covered', ['kube-isolation-disabled']),
  row(
    'baseline',
    'Probe and lifecycle host field',
    'covered',
    ['kube-pod-standards'],
    'medium when it points at the node or a metadata address',
  ),
  row('restricted', 'Volume Types', 'covered', ['kube-pod-standards', 'kube-hostpath-mount']),
  row('restricted', 'Privilege Escalation', 'covered', ['kube-privilege-escalation']),
  row(
    'restricted',
    'Running as Non-root',
    'partial',
    ['kube-privilege-escalation'],
    'reported together with escalation allowed',
  ),
  row(
    'restricted',
    'Running as Non-root user (runAsUser != 0)',
    'partial',
    ['kube-privilege-escalation'],
    'reported together with escalation allowed',
  ),
  row(
    'restricted',
    'Seccomp (RuntimeDefault or Localhost required)',
    'partial',
    ['kube-isolation-disabled'],
    'Unconfined is reported; an unset profile is not',
  ),
  row(
    'restricted',
    'Capabilities (drop ALL, add only NET_BIND_SERVICE)',
    'partial',
    ['kube-dangerous-capabilities'],
    'added capabilities only; a missing `drop: [ALL]` is not reported',
  ),
];

export const CIS_SECTION_5: CoverageRow[] = [
  row(
    '5.1.1',
    'cluster-admin role only used where required',
    'covered',
    ['kube-rbac-risk', 'kube-admin-binding', 'kube-admin-token-mount'],
    "every binding to cluster-admin outside the control plane's own",
  ),
  row(
    '5.1.2',
    'Minimize access to secrets',
    'covered',
    ['kube-rbac-risk', 'kube-secret-access'],
    'who may read them (state) and who did (audit)',
  ),
  row(
    '5.1.3',
    'Minimize wildcard use in Roles and ClusterRoles',
    'covered',
    ['kube-rbac-risk', 'kube-risky-role', 'kube-admin-token-mount'],
    'bound wildcard roles (state) and wildcard roles written by people (audit); unbound roles are not reported',
  ),
  row(
    '5.1.4',
    'Minimize access to create pods',
    'covered',
    ['kube-rbac-risk'],
    'pods and the workload controllers that create them; low',
  ),
  row(
    '5.1.5',
    'Default service accounts are not actively used',
    'partial',
    ['kube-rbac-risk'],
    'roles bound to `default` service accounts; their automountServiceAccountToken setting is not judged',
  ),
  row(
    '5.1.6',
    'Service account tokens only mounted where necessary',
    'partial',
    ['kube-admin-token-mount'],
    'tokens of admin accounts only',
  ),
  row(
    '5.1.7',
    'Avoid use of the system:masters group',
    'partial',
    ['kube-rbac-bypass'],
    'members seen acting in the audit log; certificates issued but unused are not visible',
  ),
  row('5.1.8', 'Limit Bind, Impersonate and Escalate permissions', 'covered', ['kube-rbac-risk', 'kube-risky-role']),
  row('5.1.9', 'Minimize access to create persistent volumes', 'covered', ['kube-rbac-risk']),
  row('5.1.10', 'Minimize access to the proxy sub-resource of nodes', 'covered', ['kube-rbac-risk']),
  row(
    '5.1.11',
    'Minimize access to the approval sub-resource of certificatesigningrequests',
    'covered',
    ['kube-rbac-risk'],
    "approval together with a signer's approve verb",
  ),
  row(
    '5.1.12',
    'Minimize access to webhook configuration objects',
    'covered',
    ['kube-rbac-risk', 'kube-audit-evasion'],
    'who may write them (state) and deletions (audit)',
  ),
  row('5.1.13', 'Minimize access to the service account token creation', 'covered', ['kube-rbac-risk']),
  row(
    '5.2.1',
    'At least one active policy control mechanism',
    'not applicable',
    [],
    'admission configuration is not visible through the API',
  ),
  row('5.2.2', 'Minimize admission of privileged containers', 'covered', [
    'kube-privileged-pod',
    'kube-privileged-workload',
  ]),
  row('5.2.3', 'Minimize containers sharing the host PID namespace', 'covered', ['kube-host-namespaces']),
  row('5.2.4', 'Minimize containers sharing the host IPC namespace', 'covered', ['kube-host-namespaces']),
  row('5.2.5', 'Minimize containers sharing the host network namespace', 'covered', ['kube-host-namespaces']),
  row('5.2.6', 'Minimize containers with allowPrivilegeEscalation', 'covered', ['kube-privilege-escalation']),
  row(
    '5.2.7',
    'Minimize root containers',
    'partial',
    ['kube-privilege-escalation'],
    'root is reported together with privilege escalation allowed',
  ),
  row(
    '5.2.8',
    'Minimize containers with the NET_RAW capability',
    'partial',
    ['kube-dangerous-capabilities'],
    'when added explicitly; the runtime default set is not judged',
  ),
  row(
    '5.2.9',
    'Minimize containers with added capabilities',
    'partial',
    ['kube-dangerous-capabilities'],
    'escape and network capabilities; harmless additions are not reported',
  ),
  row(
    '5.2.10',
    'Minimize containers with capabilities assigned',
    'partial',
    ['kube-dangerous-capabilities'],
    'added capabilities; containers that keep the runtime default set are not reported',
  ),
  row('5.2.11', 'Minimize Windows HostProcess containers', 'not applicable', [], 'Linux nodes only'),
  row('5.2.12', 'Minimize HostPath volumes', 'partial', ['kube-hostpath-mount'], 'sensitive host paths'),
  row('5.2.13', 'Minimize containers which use HostPorts', 'covered', ['kube-host-namespaces']),
  row('5.3.1', 'The CNI in use supports NetworkPolicies', 'not applicable', [], 'node configuration'),
  row('5.3.2', 'All namespaces have NetworkPolicies defined', 'covered', ['kube-namespace-no-netpol']),
  row(
    '5.4.1',
    'Prefer secrets as files over environment variables',
    'covered',
    ['kube-credential-exposure'],
    'secretKeyRef and envFrom.secretRef; low',
  ),
  row('5.4.2', 'Consider external secret storage', 'not applicable', [], 'organizational'),
  row(
    '5.5.1',
    'Configure image provenance (ImagePolicyWebhook)',
    'partial',
    ['kube-untrusted-registry', 'kube-mutable-image-tag'],
    'images outside the registry allowlist and by mutable tag; admission configuration is not visible',
  ),
  row('5.6.1', 'Administrative boundaries between resources using namespaces', 'not applicable', [], 'organizational'),
  row(
    '5.6.2',
    'seccomp profile set to docker/default in pod definitions',
    'partial',
    ['kube-isolation-disabled'],
    'Unconfined is reported',
  ),
  row(
    '5.6.3',
    'Apply security context to pods and containers',
    'partial',
    ['kube-privilege-escalation', 'kube-dangerous-capabilities', 'kube-isolation-disabled'],
    'settings that weaken the context are reported; an absent context is not',
  ),
  row(
    '5.6.4',
    'The default namespace should not be used',
    'covered',
    ['kube-default-namespace'],
    'workloads; other objects in default are not reported',
  ),
];

const cell = (s: string) => s.replace(/\|/g, '\\|');
function table(title: string, intro: string, rows: CoverageRow[], refHeader: string): string[] {
  const count = (s: Coverage) => rows.filter((r) => r.status === s).length;
  return [
    `### ${title}`,
    '',
    intro,
    '',
    `${rows.length} rows: ${count('covered')} covered, ${count('partial')} partial, ${count('not applicable')} not applicable, ${count('not covered')} not covered.`,
    '',
    `| ${refHeader} | Check | Status | Detectors | Note |`,
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${cell(r.ref)} | ${cell(r.title)} | ${r.status} | ${r.detectors.map((d) => `[\`${d}\`](#${d})`).join(', ') || '-'} | ${cell(r.note ?? '')} |`,
    ),
    '',
  ];
}

/** The coverage section of DETECTORS.md. */
export function renderKubeCoverage(): string[] {
  return [
    '## Kubernetes coverage against common references',
    '',
    'Tested against a fake API server and audit-log fixtures (see the README), not against a real cluster.',
    '',
    ...table(
      'Falco k8saudit rules',
      'Every rule of falcosecurity/plugins `plugins/k8saudit/rules/k8s_audit_rules.yaml` (its priority in the first column). Falco judges each audit event alone; Stowaway also judges the cluster state.',
      FALCO_K8SAUDIT,
      'Priority',
    ),
    ...table(
      'Pod Security Standards',
      'The checks of the baseline and restricted profiles (kubernetes/pod-security-admission `policy/check_*.go`).',
      POD_SECURITY_STANDARDS,
      'Profile',
    ),
    ...table(
      'CIS Kubernetes Benchmark, section 5 (policies)',
      'RBAC and service accounts (5.1), pod security (5.2), network policies (5.3), secrets (5.4), admission (5.5), general (5.6); all Manual in the benchmark.',
      CIS_SECTION_5,
      'CIS',
    ),
  ];
}
