import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { isControllerUser } from './identity.js';
import { auditHit, auditRef } from './kube-hits.js';

const ADMIN_ROLES = new Set(['cluster-admin', 'admin', 'system:masters']);

/** Bindings to cluster-admin (or admin) created or changed, from the audit log: persistence through RBAC. */
export const kubeAdminBinding: Detector = {
  meta: {
    id: 'kube-admin-binding',
    title: 'Kubernetes binding to cluster-admin',
    strategy: ['ADS-evasion'],
    attack: ['T1098.006', 'T1078.001'],
    severity: 'high',
    kind: 'event',
    dataSources: [
      'Kubernetes audit log: create, update and patch of clusterrolebindings and rolebindings, with the request body (roleRef, subjects)',
    ],
    goal: 'Find a ClusterRoleBinding or RoleBinding that grants cluster-admin (or the aggregated admin role) being created or changed: an attacker giving a user or service account of theirs full control that survives a credential reset.',
    blindSpots: [
      'The roleRef is read from the request body: an audit policy at Metadata level records none, and such records are judged by the binding name only (`cluster-admin` in it).',
      "Escalation through a custom role with wildcard verbs is kube-admin-token-mount's concern on the cluster state, not this detector's.",
    ],
    falsePositives: [
      'Cluster bootstrap (kubeadm, managed-cluster installers) binding its own identities, and platform teams granting break-glass access. Bindings made by controller identities are reported at medium; allowlist known installers with a versioned suppression on `match.user`.',
    ],
    response: [
      'Identify the subjects of the binding and who made it; remove the binding if it is not an approved change.',
      'Review what the subjects did since (audit log), and rotate their credentials.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const a of ev.kubeAudit) {
      if (
        !['clusterrolebindings', 'rolebindings'].includes(a.resource) ||
        !['create', 'update', 'patch'].includes(a.verb)
      )
        continue;
      const role = a.roleRef ?? (a.name && /cluster-admin/.test(a.name) ? 'cluster-admin' : undefined);
      if (!role || !ADMIN_ROLES.has(role)) continue;
      const controller = isControllerUser(a.user, a.groups);
      const to = a.subjects?.length ? a.subjects.join(', ') : 'subjects not logged';
      hits.push(
        auditHit(a, {
          ref: `binding:${a.resource}/${a.namespace ?? '-'}/${a.name ?? '?'}:${role}`,
          summary: `${oneLine(a.user, 60)} ${a.verb === 'create' ? 'created' : 'changed'} ${a.resource.replace(/s$/, '')} ${oneLine(a.name ?? '?', 80)} granting ${role} to ${oneLine(to, 200)} at ${a.time}.`,
          evidence: [auditRef(a, `roleRef=${role} subjects=${oneLine(to, 300)}`)],
          severity: controller ? 'medium' : 'high',
          attack: ['T1098.006'],
        }),
      );
    }
    return hits;
  },
};
