import type { KubeAuditEvent } from '@shared/domain/evidence-set.js';
import type { Severity } from '@shared/domain/finding.js';
import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { isControllerUser } from './identity.js';
import { auditHit, auditRef } from './kube-hits.js';

/**
 * Creations and deletions of the objects that shape what runs and who may do what, by people, from the audit
 * log: the activity stream an analyst reads around an incident. Most are routine and stay low; the request
 * itself raises them (a NodePort service, an ingress without TLS, a ConfigMap holding a password, a long-lived
 * token secret, a change to the kube-system namespace or to a built-in `system:` role).
 */

interface Kind {
  label: string;
  create: string;
  delete: string;
}
const KINDS: Record<string, Kind> = {
  deployments: { label: 'deployment', create: 'T1610', delete: 'T1489' },
  daemonsets: { label: 'daemonset', create: 'T1610', delete: 'T1489' },
  statefulsets: { label: 'statefulset', create: 'T1610', delete: 'T1489' },
  services: { label: 'service', create: 'T1133', delete: 'T1489' },
  ingresses: { label: 'ingress', create: 'T1133', delete: 'T1489' },
  configmaps: { label: 'configmap', create: 'T1552.007', delete: 'T1485' },
  namespaces: { label: 'namespace', create: 'T1610', delete: 'T1485' },
  serviceaccounts: { label: 'service account', create: 'T1136', delete: 'T1531' },
  roles: { label: 'role', create: 'T1098.006', delete: 'T1531' },
  clusterroles: { label: 'cluster role', create: 'T1098.006', delete: 'T1531' },
  rolebindings: { label: 'role binding', create: 'T1098.006', delete: 'T1531' },
  clusterrolebindings: { label: 'cluster role binding', create: 'T1098.006', delete: 'T1531' },
  secrets: { label: 'secret', create: 'T1098.001', delete: 'T1485' },
};
const KUBE_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
/** Namespaces every cluster has: creating them is bootstrap, not a change to report. */
const BUILTIN_NAMESPACES = new Set([...KUBE_NAMESPACES, 'default']);
/** Built-in roles the cluster itself keeps changing (Falco's exceptions). */
const MUTABLE_SYSTEM_ROLES = new Set(['system:coredns', 'system:managed-certificate-controller']);
/** Controller service accounts of kube-system whose accounts kube-system rightly holds (Falco's known_sa_list, shortened to the pattern). */
const KNOWN_KUBE_SA =
  /^(coredns(-autoscaler)?|[a-z-]+-controller|generic-garbage-collector|horizontal-pod-autoscaler|persistent-volume-binder|pod-garbage-collector|pv(c)?-protection-controller|root-ca-cert-publisher|kube-proxy)$/;

const rank: Severity[] = ['low', 'medium', 'high', 'critical'];
const worst = (a: Severity, b: Severity): Severity => (rank.indexOf(a) >= rank.indexOf(b) ? a : b);

interface Judged {
  severity: Severity;
  why: string[];
  attack: string[];
}

function judge(a: KubeAuditEvent, k: Kind, del: boolean): Judged {
  const j: Judged = { severity: 'low', why: [], attack: [del ? k.delete : k.create] };
  const raise = (s: Severity, why: string, attack?: string) => {
    j.severity = worst(j.severity, s);
    j.why.push(why);
    if (attack && !j.attack.includes(attack)) j.attack.push(attack);
  };
  const kubeNs = a.namespace !== undefined && KUBE_NAMESPACES.has(a.namespace);
  if (kubeNs && !(a.resource === 'serviceaccounts' && !del && KNOWN_KUBE_SA.test(a.name ?? '')))
    raise('medium', `in ${a.namespace}, the control plane's namespace`);
  if (
    (a.resource === 'roles' || a.resource === 'clusterroles') &&
    a.name?.startsWith('system:') &&
    !MUTABLE_SYSTEM_ROLES.has(a.name)
  )
    raise('high', 'a built-in system: role the API server maintains', 'T1098.006');
  if (a.resource === 'namespaces' && del) raise('medium', 'every object in it goes with it', 'T1485');
  if (a.resource === 'services' && !del && (a.objectType === 'NodePort' || a.objectType === 'LoadBalancer'))
    raise('medium', `type ${a.objectType}: reachable from outside the cluster`, 'T1133');
  if (a.resource === 'ingresses' && !del && a.tls === false)
    raise('medium', 'without TLS: its traffic, credentials included, crosses the network in clear', 'T1040');
  if (a.resource === 'configmaps' && !del && a.credentialKeys?.length)
    raise('medium', `holding what looks like credentials in ${oneLine(a.credentialKeys.join(', '), 160)}`, 'T1552.007');
  if (a.resource === 'secrets' && !del && a.objectType === 'kubernetes.io/service-account-token')
    raise('medium', 'a long-lived service-account token', 'T1098.001');
  return j;
}

export const kubeObjectChange: Detector = {
  meta: {
    id: 'kube-object-change',
    title: 'Kubernetes object created or deleted by a person',
    strategy: ['ADS-evasion'],
    attack: ['T1610', 'T1133', 'T1040', 'T1552.007', 'T1136', 'T1098.006', 'T1098.001', 'T1485', 'T1489', 'T1531'],
    severity: 'low',
    kind: 'event',
    dataSources: [
      'Kubernetes audit log: create and delete of deployments, daemonsets, statefulsets, services, ingresses, configmaps, namespaces, service accounts, roles, cluster roles, their bindings and secrets; update and patch of `system:` roles and of configmaps; the request body when the audit policy records it (service type, ingress TLS, configmap keys, secret type)',
    ],
    goal: "Put on the timeline every object a person (not a controller) creates or deletes that decides what runs, what is exposed and who may do what, so an analyst sees the attacker's changes around an incident. Routine changes are low; medium when the change is in kube-system or kube-public, exposes a service outside the cluster (NodePort, LoadBalancer), routes an ingress without TLS, stores credentials in a ConfigMap, mints a long-lived service-account token, or deletes a namespace; high when a built-in `system:` role is changed or deleted.",
    blindSpots: [
      'Changes by service accounts (GitOps agents, CI, operators) are not reported: the seeds count authorized rollouts as the false positive, and those come from controllers. A stolen controller token used by hand is therefore missed here; kube-pod-exec and kube-secret-access still see what it does next.',
      'Service type, ingress TLS, ConfigMap content and secret type come from the request body: an audit policy at Metadata level leaves them out, and such changes stay low.',
      "Changes to an existing object (update, patch) are reported for `system:` roles and ConfigMaps only; workload changes are kube-manual-change's and unauthorized-deployment's.",
    ],
    falsePositives: [
      'Administrators and developers creating namespaces, services and ConfigMaps by hand in clusters run without GitOps: every one is a low finding. Allowlist a team with a versioned suppression on `match.user`, or a kind of object on `match.ref` (`create:namespaces/*`, `create:configmaps/team-a/*`), with an owner and an expiry.',
      "Cluster upgrades run by a person's credentials re-create built-in roles; suppress them for the upgrade window on `match.user`.",
    ],
    response: [
      "Confirm the change with the person; undo it if it is not part of an approved change (restore the role from the API server's bootstrap policy, delete the exposure, move the credential into a Secret and rotate it).",
      "Read the person's other requests in the audit log around the same time.",
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const a of ev.kubeAudit) {
      const k = KINDS[a.resource];
      if (!k || (a.code !== undefined && a.code >= 400)) continue;
      const del = a.verb === 'delete' || a.verb === 'deletecollection';
      const modify = a.verb === 'update' || a.verb === 'patch';
      const systemRole = (a.resource === 'roles' || a.resource === 'clusterroles') && !!a.name?.startsWith('system:');
      if (!(
        a.verb === 'create' ||
        del ||
        (modify && (systemRole || (a.resource === 'configmaps' && !!a.credentialKeys?.length)))
      ))
        continue;
      if (a.resource === 'namespaces' && a.verb === 'create' && BUILTIN_NAMESPACES.has(a.name ?? '')) continue;
      if (isControllerUser(a.user, a.groups)) {
        // Controllers keep their own objects; a service account outside kube-system touching a built-in role is not one of them.
        const sa = /^system:serviceaccount:([^:]+):/.exec(a.user.replace(/ as .*$/, ''));
        if (!(systemRole && (modify || del) && sa && sa[1] !== 'kube-system')) continue;
      }
      const j = judge(a, k, del);
      const verb = del ? (a.verb === 'deletecollection' ? 'deleted every' : 'deleted') : modify ? 'changed' : 'created';
      const target = `${a.namespace ? `${a.namespace}/` : ''}${a.name ?? (a.verb === 'deletecollection' ? `${a.resource} in ${a.namespace ?? 'the cluster'}` : '?')}`;
      hits.push(
        auditHit(a, {
          ref: `${del ? 'delete' : modify ? 'change' : 'create'}:${a.resource}/${a.namespace ?? '-'}/${a.name ?? '*'}`,
          cause: `${del ? 'delete' : modify ? 'change' : 'create'}-${a.resource}`,
          summary: `${oneLine(a.user, 60)} ${verb} ${k.label} ${oneLine(target, 140)} at ${a.time}${a.userAgent ? ` via ${oneLine(a.userAgent, 60)}` : ''}${j.why.length ? `: ${j.why.join('; ')}` : ''}.`,
          evidence: [
            auditRef(
              a,
              [
                a.objectType ? `type=${a.objectType}` : '',
                a.tls !== undefined ? `tls=${a.tls}` : '',
                a.credentialKeys?.length ? `credentialKeys=${oneLine(a.credentialKeys.join(','), 200)}` : '',
              ]
                .filter(Boolean)
                .join(' '),
            ),
          ],
          severity: isControllerUser(a.user, a.groups) ? 'medium' : j.severity,
          attack: j.attack,
        }),
      );
    }
    return hits;
  },
};
