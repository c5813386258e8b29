import type { Detector, Hit } from '../detector.js';
import { inspectRef, oneLine } from '../lib/refs.js';

const POD_UID = 'io.kubernetes.pod.uid';

/**
 * Runtime-versus-orchestrator cross-view on a Kubernetes node's engine: containers started straight on the
 * runtime socket never appear in the Kubernetes API or audit log. Names that imitate the kubelet's `k8s_`
 * pattern without the kubelet's labels are a disguise.
 */
export const shadowContainer: Detector = {
  meta: {
    id: 'shadow-container',
    title: 'Container outside the orchestrator (shadow container)',
    strategy: ['ADS-evasion'],
    attack: ['T1610', 'T1036.005'],
    severity: 'high',
    kind: 'state',
    dataSources: ['container inspect: name and labels (io.kubernetes.pod.*) of every container on the engine'],
    goal: 'Find containers on a Kubernetes node that the kubelet did not create (no pod labels while most containers have them), and containers whose names imitate the kubelet\'s `k8s_<container>_<pod>_<namespace>_` pattern without its labels: workloads hidden from cluster-level monitoring.',
    blindSpots: ['Pod UIDs are not checked against the API server\'s pod list, so a container carrying copied kubelet labels passes.', 'On engines that are not Kubernetes nodes only the name imitation is judged.'],
    falsePositives: ['Node maintenance containers run by administrators and node agents started outside Kubernetes (some CNI or storage installers). Suppress by image or container name with a reason and owner.'],
    response: ['Ask the node administrators whether the container is theirs; check the engine events for who created it and when.', 'Compare with the pods the API server lists for this node; stop and preserve unexplained containers.'],
  },
  detect(ev) {
    const hits: Hit[] = [];
    const managed = ev.containers.filter((c) => c.container.labels[POD_UID] !== undefined).length;
    const kubeNode = managed >= 2 && managed * 2 >= ev.containers.length;
    for (const c of ev.containers) {
      const d = c.container;
      if (d.labels[POD_UID] !== undefined) continue;
      const imitation = /^k8s_[^_]+_[^_]+_[^_]+_/.test(d.name);
      if (!imitation && !kubeNode) continue;
      hits.push({
        container: c,
        ref: imitation ? 'k8s-name' : 'no-pod',
        summary: imitation
          ? `Container ${oneLine(d.name, 100)} is named like a kubelet-managed container but has no Kubernetes pod labels: it was started outside Kubernetes under a disguise.`
          : `Container ${oneLine(d.name, 100)} runs on a Kubernetes node (${managed} of ${ev.containers.length} containers are pods) without pod labels, so the cluster API and audit log do not see it.`,
        evidence: [inspectRef(c, 'Config.Labels', `name ${d.name}; pod labels: none`)],
        severity: imitation ? 'high' : 'medium',
        attack: imitation ? ['T1036.005', 'T1610'] : ['T1610'],
      });
    }
    return hits;
  },
};
