import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

/** Workloads in the `default` namespace (CIS Kubernetes 5.6.4): where things land when nobody chose a place. */
export const kubeDefaultNamespace: Detector = {
  meta: {
    id: 'kube-default-namespace',
    title: 'Kubernetes workload in the default namespace',
    strategy: ['ADS-evasion'],
    attack: ['T1610'],
    severity: 'low',
    kind: 'state',
    dataSources: ['Kubernetes API: namespaces of pods and workload controllers'],
    goal: "Find workloads running in `default` (CIS 5.6.4). Teams' workloads belong in namespaces of their own, with their own RBAC, quotas and network policies; a workload in `default` is often a test left behind or a quick `kubectl run` or `kubectl create deployment` by someone who did not pick a namespace, an attacker included (T1610).",
    blindSpots: [
      'Other objects in `default` (services, ConfigMaps) are not reported.',
      'Workloads in other shared namespaces are not judged.',
    ],
    falsePositives: [
      'Small clusters and labs that run everything in `default`. Suppress with a versioned suppression on `match.namespace: default` for this detector.',
    ],
    response: ['Find the owner; move the workload to a namespace of its own, or delete it if it was left behind.'],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const w of ev.kube ? rootsOf(ev.kube) : []) {
      if (w.namespace !== 'default') continue;
      hits.push(
        workloadHit(w, undefined, {
          ref: 'default-namespace',
          summary: `${oneLine(wlabel(w), 160)} runs in the default namespace.`,
          evidence: [objectRef(ev, w, 'metadata.namespace=default')],
        }),
      );
    }
    return hits;
  },
};
