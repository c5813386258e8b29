import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { isControllerUser } from './identity.js';
import type { KubeAuditEvent } from '@shared/domain/evidence-set.js';
import { auditHit, auditRef } from './kube-hits.js';

/** A refused read of secrets: people, and service accounts other than the control plane's own. */
function refused(a: KubeAuditEvent): Hit | undefined {
  const user = a.user.replace(/ as .*$/, '');
  if (/^system:(serviceaccount:kube-system:|node:|kube-controller-manager$|kube-scheduler$|apiserver$)/.test(user))
    return undefined;
  const target =
    a.verb === 'get'
      ? `secret ${oneLine(`${a.namespace ?? 'default'}/${a.name ?? '?'}`, 120)}`
      : `the secrets of ${a.namespace ? `namespace ${oneLine(a.namespace, 80)}` : 'every namespace'}`;
  return auditHit(a, {
    ref: `secret-refused:${a.verb}:${a.namespace ?? '*'}/${a.name ?? '*'}:${a.user}`,
    cause: 'secret-refused',
    summary: `${oneLine(a.user, 60)} tried to ${a.verb === 'get' ? 'read' : a.verb} ${target} at ${a.time} and was refused (HTTP ${a.code})${a.userAgent ? ` via ${oneLine(a.userAgent, 60)}` : ''}.`,
    evidence: [auditRef(a, `code=${a.code}`)],
    severity: 'medium',
    attack: ['T1552.007'],
  });
}

/** Secrets read or listed by a person, from the audit log: credential access through the API server. */
export const kubeSecretAccess: Detector = {
  meta: {
    id: 'kube-secret-access',
    title: 'Kubernetes secrets read by a person',
    strategy: ['ADS-evasion'],
    attack: ['T1552.007', 'T1555'],
    severity: 'medium',
    kind: 'event',
    dataSources: [
      'Kubernetes audit log: get, list and watch of secrets, with the user, groups and the response code (refused reads are kept for this detector)',
    ],
    goal: "Find people (not service accounts, nodes or control-plane components) reading secrets through the API server: `kubectl get secret`, a list across namespaces, or a watch. Listing every namespace's secrets at once is high. Reads the API server refused (401, 403, 404) are attempts, reported at medium for people and for service accounts outside kube-system: a stolen token probing what it may read is refused the same way.",
    blindSpots: [
      "Secrets read by a workload's service account are not reported (controllers read secrets constantly); a stolen service-account token used by hand looks like its workload.",
      "Reading a secret through a pod that mounts it (exec, then cat) is kube-pod-exec's; the audit log does not show the file read.",
      'Needs an audit policy that logs secrets at Metadata level or above; many policies drop get/list of secrets to avoid logging their content.',
    ],
    falsePositives: [
      "Administrators fetching a bootstrap token or a TLS secret during an incident or an install. Allowlist them with a versioned suppression on `match.user` (with an owner and expiry), or on `match.namespace` for a team's own namespace.",
    ],
    response: [
      'Ask the user why the secret was read; rotate the secret if the access is not explained.',
      "Look for the user's other requests around the same time (exec, workload creation) in the audit log.",
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const a of ev.kubeAudit) {
      if (a.resource !== 'secrets' || !['get', 'list', 'watch'].includes(a.verb)) continue;
      if (a.code !== undefined && a.code >= 400) {
        const hit = refused(a);
        if (hit) hits.push(hit);
        continue;
      }
      if (isControllerUser(a.user, a.groups)) continue;
      const all = a.verb !== 'get' && !a.namespace;
      const what =
        a.verb === 'get'
          ? `read secret ${oneLine(`${a.namespace ?? 'default'}/${a.name ?? '?'}`, 120)}`
          : `${a.verb === 'watch' ? 'watched' : 'listed'} the secrets of ${a.namespace ? `namespace ${oneLine(a.namespace, 80)}` : 'every namespace'}`;
      hits.push(
        auditHit(a, {
          ref: `secret:${a.verb}:${a.namespace ?? '*'}/${a.name ?? '*'}:${a.user}`,
          summary: `${oneLine(a.user, 60)} ${what} at ${a.time}${a.userAgent ? ` via ${oneLine(a.userAgent, 60)}` : ''}.`,
          evidence: [auditRef(a)],
          severity: all ? 'high' : 'medium',
          attack: ['T1552.007'],
        }),
      );
    }
    return hits;
  },
};
