import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { isControllerUser } from './identity.js';
import { auditHit, auditRef, objectHit } from './kube-hits.js';

/** Health endpoints anonymous clients are meant to reach (Falco's exceptions). */
const HEALTH = /^\/(healthz|livez|readyz|version)(\/|\?|$)/;

/**
 * Identities RBAC cannot restrain, from the audit log: the anonymous user getting an answer, and members of
 * system:masters (a group the API server lets through every authorization check, granted by a client
 * certificate that cannot be revoked short of rotating the cluster's CA).
 */
export const kubeRbacBypass: Detector = {
  meta: {
    id: 'kube-rbac-bypass',
    title: 'Kubernetes request by an identity RBAC cannot restrain',
    strategy: ['ADS-evasion'],
    attack: ['T1078.001', 'T1190', 'T1552.004'],
    severity: 'high',
    kind: 'event',
    dataSources: [
      "Kubernetes audit log: user, groups, request URI and the authorizer's decision annotation (`authorization.k8s.io/decision`)",
    ],
    goal: "Find requests the API server allowed for `system:anonymous` (anonymous auth on and RBAC granting it something beyond the health endpoints: an exposed API server anyone can use), and requests by members of `system:masters` (the break-glass group behind kubeadm's admin.conf: every authorization check passes and the credential cannot be revoked through RBAC; CIS 5.1.7).",
    blindSpots: [
      'Anonymous requests the authorizer refused are not reported (they changed nothing); a scan of the exposed API server is still worth knowing and shows as many refused lines in the log.',
      'Members of system:masters are known only from the groups the audit record names; a user whose certificate carries the group but who sent no request in the log is not seen.',
    ],
    falsePositives: [
      'Clusters that deliberately allow anonymous reads of discovery documents (`/api`, `/apis`, `/openapi`): each such request is medium. Allowlist with a versioned suppression on `match.ref` (`anonymous:/openapi*`).',
      "The cluster's bootstrap administrator (kubeadm's kubernetes-admin) during installation and upgrades: one low finding per user. Suppress it on `match.user` for the maintenance window, and issue named credentials bound through RBAC instead.",
    ],
    response: [
      'Anonymous: turn off `--anonymous-auth` or remove the bindings to `system:anonymous` and `system:unauthenticated`; treat what was read as disclosed and review what was written.',
      'system:masters: find who holds the certificate, move the person to an RBAC-bound identity, and plan a CA rotation if the certificate may have leaked.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    const masters = new Set<string>();
    for (const a of ev.kubeAudit) {
      if (a.code !== undefined && a.code >= 400) continue;
      const user = a.user.replace(/ as .*$/, '');
      const uri = a.requestURI ?? a.resource;
      if (user === 'system:anonymous' && a.decision !== 'forbid' && !HEALTH.test(uri)) {
        const discovery =
          /^\/(api|apis|openapi)(\/|\?|$)/.test(uri) && !/\/namespaces\/|\/(secrets|pods|configmaps)/.test(uri);
        hits.push(
          auditHit(a, {
            ref: `anonymous:${oneLine(uri.split('?')[0]!, 200)}:${a.verb}`,
            cause: 'anonymous',
            summary: `The API server allowed an anonymous request: ${a.verb} ${oneLine(uri, 160)} from ${a.sourceIPs.join(', ') || 'an unknown address'} at ${a.time}${a.decision ? ` (decision ${a.decision})` : ''}.`,
            evidence: [auditRef(a, a.decision ? `decision=${a.decision}` : '')],
            severity: discovery && a.verb === 'get' ? 'medium' : 'high',
            attack: ['T1078.001', 'T1190'],
          }),
        );
        continue;
      }
      if (a.groups?.includes('system:masters') && !masters.has(user) && !isControllerUser(user)) {
        masters.add(user);
        hits.push(
          objectHit('User', undefined, user, {
            at: a.time,
            user: a.user,
            ref: `masters:${user}`,
            cause: 'system-masters',
            summary: `${oneLine(user, 80)} acts as a member of system:masters (every authorization check passes; the credential cannot be revoked through RBAC), first seen ${a.verb} ${oneLine(uri, 120)} at ${a.time}.`,
            evidence: [auditRef(a)],
            severity: 'low',
            attack: ['T1078.001', 'T1552.004'],
          }),
        );
      }
    }
    return hits;
  },
};
