import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';
import { rootsOf } from './kube-hits.js';

/** Namespaces that run workloads but have no NetworkPolicy: every pod there accepts traffic from every pod. */
export const kubeNamespaceNoNetpol: Detector = {
  meta: {
    id: 'kube-namespace-no-netpol',
    title: 'Kubernetes namespace with workloads but no NetworkPolicy',
    strategy: ['ADS-c2-abuse'],
    attack: ['T1210', 'T1046'],
    severity: 'low',
    kind: 'state',
    dataSources: ['Kubernetes API: network policies and the workloads of each namespace'],
    goal: 'Find namespaces whose workloads no NetworkPolicy selects (CIS Kubernetes 5.3.2): without one, a compromised pod reaches every service of the cluster and the internet, the lateral movement and C2 paths of both seeds.',
    blindSpots: [
      'Only the existence of a policy is judged, not what it allows; a policy that allows everything passes.',
      'Policies of CNI plugins outside networking.k8s.io (Cilium, Calico CRDs) are not read, so namespaces they protect are reported.',
      'kube-system, kube-public and kube-node-lease are not judged.',
    ],
    falsePositives: [
      'Clusters whose CNI enforces its own policy kinds, and namespaces that are isolated otherwise (a service mesh with mTLS authorization). Allowlist with a versioned suppression on `match.namespace`.',
    ],
    response: ['Add a default-deny policy to the namespace and allow the flows its workloads need.'],
  },
  detect(ev) {
    const k = ev.kube;
    // Without the list of policies (RBAC refused it), absence proves nothing.
    if (
      !k ||
      k.unread.some((u) => u.startsWith('list networkpolicies')) ||
      k.truncated.some((t) => t.startsWith('networkpolicies'))
    )
      return [];
    const withPolicy = new Set(k.networkPolicies.map((p) => p.namespace));
    const counts = new Map<string, number>();
    for (const w of rootsOf(k)) counts.set(w.namespace, (counts.get(w.namespace) ?? 0) + 1);
    const hits: Hit[] = [];
    for (const [ns, n] of counts) {
      if (withPolicy.has(ns) || /^kube-(system|public|node-lease)$/.test(ns)) continue;
      const page = ev.artifacts.find((a) => a.kind === 'kube-api' && /networkpolicies\?/.test(a.sourceCall));
      hits.push({
        subject: { id: `kube:Namespace/${ns}`, name: oneLine(`namespace/${ns}`, 256) },
        ref: `netpol:${ns}`,
        summary: `Namespace ${oneLine(ns, 100)} runs ${n} workload${n === 1 ? '' : 's'} and has no NetworkPolicy: its pods accept connections from any pod and reach anything.`,
        evidence: [
          ref(
            'inspect',
            `kube:namespace/${ns}/networkpolicies`,
            `GET networkpolicies at ${k.listedAt}: none in ${ns}; ${k.networkPolicies.length} in the cluster`,
            page?.sha256,
          ),
        ],
      });
    }
    return hits;
  },
};
