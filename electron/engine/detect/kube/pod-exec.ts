import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { isControllerUser } from './identity.js';
import { auditHit, auditRef } from './kube-hits.js';

/** `kubectl exec` / attach / port-forward from the audit log: interactive access into running pods. */
export const kubePodExec: Detector = {
  meta: {
    id: 'kube-pod-exec',
    title: 'Kubernetes exec, attach or port-forward into a pod',
    strategy: ['ADS-evasion', 'ADS-c2-abuse'],
    attack: ['T1609', 'T1572'],
    severity: 'medium',
    kind: 'event',
    dataSources: [
      'Kubernetes audit log: pods/exec, pods/attach, pods/portforward and pods/ephemeralcontainers requests',
    ],
    goal: "Find interactive access to pods through the API server (`kubectl exec`, `attach`, `port-forward`, `debug`), which runs commands or tunnels traffic outside the workload's normal behaviour. Access by controller identities is low.",
    blindSpots: [
      'The command of an exec is in the request URI only (not kept by every audit policy); what was typed in the session is never logged.',
      'Access through the node (crictl, docker exec) bypasses the API server; the engine exec history covers Docker nodes.',
    ],
    falsePositives: [
      'Operators debugging and CI smoke tests. Suppress by `match.ref` glob on namespace for dev namespaces.',
    ],
    response: [
      'Confirm with the user who ran it and why; review what changed in the pod afterwards (filesystem diff, processes).',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const a of ev.kubeAudit) {
      const m = /^pods\/(exec|attach|portforward|ephemeralcontainers)$/.exec(a.resource);
      if (!m || !['create', 'get', 'update', 'patch'].includes(a.verb)) continue;
      if (m[1] === 'ephemeralcontainers' && a.verb === 'get') continue;
      const target = `${a.namespace ?? 'default'}/${a.name ?? '?'}`;
      const command =
        m[1] === 'exec' && a.requestURI
          ? [...new URL(a.requestURI, 'https://x').searchParams.getAll('command')].join(' ')
          : '';
      const action =
        m[1] === 'portforward'
          ? 'port-forward'
          : m[1] === 'ephemeralcontainers'
            ? 'a debug container (kubectl debug)'
            : m[1];
      const hit = auditHit(a, {
        ref: `kube:${target}:${m[1]}:${a.time}`,
        summary: `${oneLine(a.user, 60)} ran ${action} into pod ${oneLine(target, 120)}${command ? ` (command: ${oneLine(command, 120)})` : ''} at ${a.time}${a.userAgent ? ` via ${oneLine(a.userAgent, 60)}` : ''}.`,
        evidence: [auditRef(a, command ? `command=${oneLine(command, 200)}` : '')],
        attack: m[1] === 'portforward' ? ['T1572'] : ['T1609'],
        severity: isControllerUser(a.user, a.groups) ? 'low' : 'medium',
      });
      // The finding's id keeps the pod as subject, as before workloads were named.
      hits.push({
        ...hit,
        subject: { ...hit.subject!, id: target, name: `pod/${a.name ?? '?'}` },
        workload: { kind: 'Pod', namespace: a.namespace ?? 'default', name: a.name ?? '?' },
      });
    }
    return hits;
  },
};
