import type { Detector, Hit } from '../detector.js';
import type { EngineEvidence } from '../../../../shared/domain/evidence-set.js';
import type { EvidenceRef } from '../../../../shared/domain/finding.js';
import { inspectRef, oneLine, ref } from '../lib/refs.js';

const POD_UID = 'io.kubernetes.pod.uid';
const POD_NAME = 'io.kubernetes.pod.name';
const POD_NAMESPACE = 'io.kubernetes.pod.namespace';

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
    dataSources: ['container inspect: name and labels (io.kubernetes.pod.*) of every container on the engine', 'Kubernetes API: the pod list of the context named with `scan --kube-context` (pod UIDs)'],
    goal: 'Find containers on a Kubernetes node that the kubelet did not create (no pod labels while most containers have them), containers whose names imitate the kubelet\'s `k8s_<container>_<pod>_<namespace>_` pattern without its labels, and, when the cluster\'s pods were listed, containers whose pod labels name a pod the API server does not have: workloads hidden from cluster-level monitoring.',
    blindSpots: ['Pod UIDs are checked against the API server only when a context is named (`scan --kube-context`); without it a container carrying copied kubelet labels passes, and so does one that copies the UID of a pod that exists.', 'Pods are listed right after the engine is read: a pod deleted in between, whose containers the kubelet has not yet removed, makes its containers look orphaned; scan again before acting.', 'On engines that are not Kubernetes nodes only the name imitation is judged.'],
    falsePositives: ['Node maintenance containers run by administrators and node agents started outside Kubernetes (some CNI or storage installers). Suppress by image or container name with a reason and owner.'],
    response: ['Ask the node administrators whether the container is theirs; check the engine events for who created it and when.', 'Compare with the pods the API server lists for this node; stop and preserve unexplained containers.'],
  },
  detect(ev) {
    const hits: Hit[] = [];
    const managed = ev.containers.filter((c) => c.container.labels[POD_UID] !== undefined).length;
    const kubeNode = managed >= 2 && managed * 2 >= ev.containers.length;
    const pods = ev.kubePods && !ev.kubePods.truncated ? new Set(ev.kubePods.pods.map((p) => p.uid)) : undefined;
    for (const c of ev.containers) {
      const d = c.container;
      const uid = d.labels[POD_UID];
      if (uid !== undefined && pods && !pods.has(uid)) {
        const pod = `${d.labels[POD_NAMESPACE] ?? '?'}/${d.labels[POD_NAME] ?? '?'}`;
        hits.push({
          container: c,
          ref: `pod-missing:${uid}`,
          summary: `Container ${oneLine(d.name, 100)} carries the pod labels of ${oneLine(pod, 120)} (uid ${oneLine(uid, 64)}), but context ${oneLine(ev.kubePods!.context, 60)} lists no pod with that uid among its ${ev.kubePods!.pods.length} pods: it runs outside the orchestrator under kubelet labels.`,
          evidence: [inspectRef(c, 'Config.Labels', `${POD_UID}=${uid}; ${POD_NAME}=${d.labels[POD_NAME] ?? ''}; ${POD_NAMESPACE}=${d.labels[POD_NAMESPACE] ?? ''}`), kubeListRef(ev, uid)],
          severity: 'high',
          attack: ['T1610', 'T1036.005'],
        });
        continue;
      }
      if (uid !== undefined) continue;
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

/** The pod listing the verdict rests on, with the hash of the page bytes as received. */
function kubeListRef(ev: EngineEvidence, uid: string): EvidenceRef {
  const list = ev.kubePods!;
  const page = ev.artifacts.find((a) => a.kind === 'kube-api' && a.sourceCall.startsWith('GET /api/v1/pods'));
  return ref('inspect', `kube:${list.context}/pods`, `GET /api/v1/pods at ${list.listedAt}: ${list.pods.length} pods, none with uid ${oneLine(uid, 64)}`, page?.sha256);
}
