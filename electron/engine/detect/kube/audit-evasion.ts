import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { isControllerUser } from './identity.js';
import { auditHit, auditRef } from './kube-hits.js';

/**
 * Deletions that remove the cluster's own record or its guards: events (the kubelet's and controllers' record
 * of what ran), admission webhooks (policy engines), network policies, audit sinks and the like.
 */
const GUARDS: Record<string, { label: string; attack: string; severity: 'medium' | 'high' }> = {
  events: { label: 'events', attack: 'T1070', severity: 'medium' },
  validatingwebhookconfigurations: { label: 'an admission webhook', attack: 'T1562.001', severity: 'high' },
  mutatingwebhookconfigurations: { label: 'an admission webhook', attack: 'T1562.001', severity: 'high' },
  validatingadmissionpolicies: { label: 'an admission policy', attack: 'T1562.001', severity: 'high' },
  validatingadmissionpolicybindings: { label: 'an admission policy binding', attack: 'T1562.001', severity: 'high' },
  auditsinks: { label: 'an audit sink', attack: 'T1562.008', severity: 'high' },
  networkpolicies: { label: 'a network policy', attack: 'T1562.001', severity: 'medium' },
  podsecuritypolicies: { label: 'a pod security policy', attack: 'T1562.001', severity: 'high' },
};

export const kubeAuditEvasion: Detector = {
  meta: {
    id: 'kube-audit-evasion',
    title: 'Kubernetes events or guards deleted',
    strategy: ['ADS-evasion'],
    attack: ['T1070', 'T1562.001', 'T1562.008'],
    severity: 'medium',
    kind: 'event',
    dataSources: [
      'Kubernetes audit log: delete and deletecollection of events, admission webhooks and policies, audit sinks, network policies',
    ],
    goal: "Find people deleting the cluster's record of what happened (events) or the controls that would have stopped or recorded them (admission webhooks and policies, network policies, audit sinks), the cluster form of clearing logs and disabling defenses.",
    blindSpots: [
      'Events expire by themselves (one hour by default); only explicit deletions are seen.',
      'Removing the audit policy or the API server flags happens on the control-plane hosts, outside the API and its audit log.',
      'Deletions by controller identities (garbage collection, GitOps pruning) are not reported.',
    ],
    falsePositives: [
      'Operators cleaning up noisy events or uninstalling a policy engine during maintenance. Allowlist with a versioned suppression on `match.user` and an expiry for the window.',
    ],
    response: [
      'Ask the user why; restore the deleted webhook or policy from version control.',
      'Treat the time of the deletion as the start of a window to reconstruct from the audit log and node evidence.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const a of ev.kubeAudit) {
      if (a.verb !== 'delete' && a.verb !== 'deletecollection') continue;
      const g = GUARDS[a.resource];
      if (!g || isControllerUser(a.user, a.groups)) continue;
      const what =
        a.verb === 'deletecollection'
          ? `every object of ${a.resource}${a.namespace ? ` in ${oneLine(a.namespace, 80)}` : ''}`
          : `${g.label} ${oneLine(`${a.namespace ? `${a.namespace}/` : ''}${a.name ?? '?'}`, 120)}`;
      hits.push(
        auditHit(a, {
          ref: `delete:${a.resource}/${a.namespace ?? '-'}/${a.name ?? '*'}`,
          summary: `${oneLine(a.user, 60)} deleted ${what} at ${a.time}${a.userAgent ? ` via ${oneLine(a.userAgent, 60)}` : ''}.`,
          evidence: [auditRef(a)],
          severity: a.verb === 'deletecollection' && a.resource === 'events' ? 'high' : g.severity,
          attack: [g.attack],
        }),
      );
    }
    return hits;
  },
};
