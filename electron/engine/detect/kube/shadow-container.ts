import type { Detector, Hit } from '../detector.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import type { EvidenceRef } from '@shared/domain/finding.js';
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
    attack: ['T1610', 'T1036.005', 'T1564'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'container inspect: name and labels (io.kubernetes.pod.*) of every container on the engine',
      'Kubernetes API: the pod list of the context named with `scan --kube-context` (pod UIDs)',
    ],
    goal: "Find containers on a Kubernetes node that the kubelet did not create (no pod labels while most containers have them), containers whose names imitate the kubelet's `k8s_<container>_<pod>_<namespace>_` pattern without its labels, and, when the cluster's pods were listed, containers whose pod labels name a pod the API server does not have: workloads hidden from cluster-level monitoring. The other way round, containers the API server reports running on this node (docker:// ids of running pods) that the node's engine does not have are reported at medium.",
    blindSpots: [
      'The reverse check (API reports, engine lacks) needs a Docker node (docker:// container ids) whose pods were listed; nodes running containerd or CRI-O are not judged that way through a Docker engine.',
      'Pod UIDs are checked against the API server only when a context is named (`scan --kube-context`); without it a container carrying copied kubelet labels passes, and so does one that copies the UID of a pod that exists.',
      'Pods are listed right after the engine is read: a pod deleted in between, whose containers the kubelet has not yet removed, makes its containers look orphaned; scan again before acting.',
      'On engines that are not Kubernetes nodes only the name imitation is judged.',
    ],
    falsePositives: [
      'Node maintenance containers run by administrators and node agents started outside Kubernetes (some CNI or storage installers). Suppress by image or container name with a reason and owner.',
    ],
    response: [
      'Ask the node administrators whether the container is theirs; check the engine events for who created it and when.',
      'Compare with the pods the API server lists for this node; stop and preserve unexplained containers.',
    ],
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
          evidence: [
            inspectRef(
              c,
              'Config.Labels',
              `${POD_UID}=${uid}; ${POD_NAME}=${d.labels[POD_NAME] ?? ''}; ${POD_NAMESPACE}=${d.labels[POD_NAMESPACE] ?? ''}`,
            ),
            kubeListRef(ev, uid),
          ],
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
    hits.push(...missingOnNode(ev));
    return hits;
  },
};

/**
 * The other direction: containers the API server says run on this node (a pod of the node, running, with a
 * docker:// container id) that the node's engine does not have. The node is the one the kubelet-labelled
 * containers' pods are scheduled on; an engine that is no pod's node is not judged.
 */
function missingOnNode(ev: EngineEvidence): Hit[] {
  const list = ev.kubePods;
  if (!list || list.truncated) return [];
  const byUid = new Map(list.pods.map((p) => [p.uid, p]));
  const votes = new Map<string, number>();
  for (const c of ev.containers) {
    const node = byUid.get(c.container.labels[POD_UID] ?? '')?.nodeName;
    if (node) votes.set(node, (votes.get(node) ?? 0) + 1);
  }
  const node = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!node) return [];
  const ids = ev.containers.map((c) => c.container.id);
  const hits: Hit[] = [];
  for (const p of list.pods) {
    if (p.nodeName !== node || p.phase !== 'Running') continue;
    for (const c of p.containers ?? []) {
      const m = /^docker:\/\/([0-9a-f]{12,64})$/.exec(c.containerID ?? '');
      // Containers of another runtime (containerd, CRI-O) are not visible through a Docker engine: no verdict.
      if (!m || ids.some((id) => id.startsWith(m[1]!) || m[1]!.startsWith(id))) continue;
      const pod = `${p.namespace}/${p.name}`;
      hits.push({
        subject: { id: `kube:Pod/${pod}`, name: oneLine(`pod/${pod}/${c.name}`, 256) },
        workload: { kind: 'Pod', namespace: p.namespace, name: p.name, container: c.name },
        ref: `api-only:${p.uid}:${c.name}`,
        summary: `Context ${oneLine(list.context, 60)} reports container ${oneLine(c.name, 60)} of pod ${oneLine(pod, 120)} running on node ${oneLine(node, 80)} as ${oneLine(m[1]!.slice(0, 12), 12)}, but this node's engine has no such container: the runtime hides it, or the API's view of the node is stale.`,
        evidence: [kubeListRef(ev, p.uid, `pod ${pod} on ${node}: containerID ${c.containerID}`)],
        severity: 'medium',
        attack: ['T1564', 'T1610'],
      });
    }
  }
  return hits;
}

/** The pod listing the verdict rests on, with the hash of the page bytes as received. */
function kubeListRef(ev: EngineEvidence, uid: string, excerpt?: string): EvidenceRef {
  const list = ev.kubePods!;
  const page = ev.artifacts.find((a) => a.kind === 'kube-api' && a.sourceCall.startsWith('GET /api/v1/pods'));
  return ref(
    'inspect',
    `kube:${list.context}/pods`,
    excerpt ?? `GET /api/v1/pods at ${list.listedAt}: ${list.pods.length} pods, none with uid ${oneLine(uid, 64)}`,
    page?.sha256,
  );
}
