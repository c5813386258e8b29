import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { isControllerUser } from './identity.js';
import { auditHit, auditRef } from './kube-hits.js';
import { powersOf, worstOf } from './rbac-rules.js';

/** Roles and cluster roles written by a person with powers worth an attacker's while, from the audit log. */
export const kubeRiskyRole: Detector = {
  meta: {
    id: 'kube-risky-role',
    title: 'Kubernetes role with dangerous permissions written by a person',
    strategy: ['ADS-evasion'],
    attack: ['T1098.006', 'T1078', 'T1609', 'T1610', 'T1611', 'T1528', 'T1552.007', 'T1562.001', 'T1098.001'],
    severity: 'medium',
    kind: 'event',
    dataSources: [
      'Kubernetes audit log: create, update and patch of roles and cluster roles, with the rules of the request body',
    ],
    goal: 'Find a Role or ClusterRole being written by a person with rules that grant wildcard verbs or resources, exec into pods, secrets, escalate, bind or impersonate, nodes/proxy, certificate approval, admission webhooks, token creation, or any write verb: the first step of persistence or privilege escalation through RBAC, before anyone is bound to it.',
    blindSpots: [
      'The rules are read from the request body: at Metadata audit level nothing is judged here (kube-object-change still lists the creation, and kube-rbac-risk judges the role once it is bound).',
      'Roles written by service accounts (Helm through a CI account, GitOps agents, operators installing themselves) are not reported; their grants are judged on the cluster state by kube-rbac-risk.',
      'Aggregated cluster roles gain rules from others by label: a harmless-looking role with an aggregation label is not followed.',
    ],
    falsePositives: [
      'Platform teams writing roles by hand for new teams or tools. Allowlist with a versioned suppression on `match.user`, or on `match.ref` (`role:clusterroles/-/team-*`), with an owner and an expiry; `maxSeverity: low` keeps only the write-verb notices hidden.',
    ],
    response: [
      'Read the rules and who they are meant for; delete the role if it is not part of an approved change.',
      'Look for bindings to it (kube-object-change, kube-admin-binding) and for requests by its subjects.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const a of ev.kubeAudit) {
      if (
        (a.resource !== 'roles' && a.resource !== 'clusterroles') ||
        !['create', 'update', 'patch'].includes(a.verb) ||
        !a.rules
      )
        continue;
      if ((a.code !== undefined && a.code >= 400) || isControllerUser(a.user, a.groups)) continue;
      const powers = powersOf(a.rules);
      if (!powers.length) continue;
      const kind = a.resource === 'roles' ? 'role' : 'cluster role';
      hits.push(
        auditHit(a, {
          ref: `role:${a.resource}/${a.namespace ?? '-'}/${a.name ?? '?'}:${powers.map((p) => p.id).join(',')}`,
          cause: 'role-powers',
          summary: `${oneLine(a.user, 60)} ${a.verb === 'create' ? 'created' : 'changed'} ${kind} ${oneLine(`${a.namespace ? `${a.namespace}/` : ''}${a.name ?? '?'}`, 120)} granting ${oneLine(powers.map((p) => p.what).join('; '), 300)} at ${a.time}.`,
          evidence: [
            auditRef(
              a,
              `rules=${oneLine(a.rules.map((r) => `${r.verbs.join(',')} ${r.apiGroups.join(',') || 'core'}/${r.resources.join(',')}`).join('; '), 400)}`,
            ),
          ],
          severity: worstOf(powers),
          attack: [...new Set(powers.map((p) => p.attack))],
        }),
      );
    }
    return hits;
  },
};
