import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';

/** `kubectl exec` / attach / port-forward from the audit log: interactive access into running pods. */
export const kubePodExec: Detector = {
  meta: {
    id: 'kube-pod-exec',
    title: 'Kubernetes exec, attach or port-forward into a pod',
    strategy: ['ADS-evasion', 'ADS-c2-abuse'],
    attack: ['T1609', 'T1572'],
    severity: 'medium',
    kind: 'event',
    dataSources: ['Kubernetes audit log: pods/exec, pods/attach, pods/portforward requests'],
    goal: 'Find interactive access to pods through the API server (`kubectl exec`, `attach`, `port-forward`), which runs commands or tunnels traffic outside the workload\'s normal behaviour.',
    blindSpots: ['The command of an exec is in the request URI only (not kept by every audit policy); what was typed in the session is never logged.', 'Access through the node (crictl, docker exec) bypasses the API server; the engine exec history covers Docker nodes.'],
    falsePositives: ['Operators debugging and CI smoke tests. Suppress by `match.ref` glob on namespace for dev namespaces.'],
    response: ['Confirm with the user who ran it and why; review what changed in the pod afterwards (filesystem diff, processes).'],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const a of ev.kubeAudit) {
      const m = /^pods\/(exec|attach|portforward)$/.exec(a.resource);
      if (!m || (a.verb !== 'create' && a.verb !== 'get')) continue;
      const target = `${a.namespace ?? 'default'}/${a.name ?? '?'}`;
      hits.push({
        subject: { id: `${target}`, name: `pod/${a.name ?? '?'}` },
        ref: `kube:${target}:${m[1]}:${a.time}`,
        summary: `${oneLine(a.user, 60)} ran ${m[1] === 'portforward' ? 'port-forward' : m[1]} into pod ${oneLine(target, 120)} at ${a.time}${a.userAgent ? ` via ${oneLine(a.userAgent, 60)}` : ''}.`,
        evidence: [ref('event', `audit ${a.time} ${a.verb} ${a.resource} ${target}`, `user=${oneLine(a.user, 80)} sourceIPs=${a.sourceIPs.join(',')}`)],
        attack: m[1] === 'portforward' ? ['T1572'] : ['T1609'],
      });
    }
    return hits;
  },
};
