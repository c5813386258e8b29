import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';
import { isSensitiveHostPath } from './pod-hostpath.js';

/** The volume types the restricted profile allows: none of them reaches the node or a storage network directly. */
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
/** Addresses a probe should never point the kubelet at: the node itself, link-local metadata services. */
const NODE_LOCAL =
  /^(localhost|127\.|0\.0\.0\.0|::1$|\[::1\]|169\.254\.|fd00:ec2::254|metadata(\.google\.internal)?$)/i;

/**
 * The remaining pod-spec fields the Pod Security Standards forbid: a `host` in probes and lifecycle handlers
 * (baseline: the kubelet connects there from the node's network) and volume types outside the restricted set
 * (sensitive host paths are kube-hostpath-mount's, other host paths are reported here at low; nfs, iscsi, gitRepo and the like mount from the node or a storage network).
 */
export const kubePodStandards: Detector = {
  meta: {
    id: 'kube-pod-standards',
    title: 'Kubernetes pod uses probe hosts or volume types the Pod Security Standards forbid',
    strategy: ['ADS-evasion'],
    attack: ['T1090', 'T1611', 'T1059'],
    severity: 'low',
    kind: 'state',
    dataSources: [
      'Kubernetes API: httpGet and tcpSocket `host` of liveness, readiness and startup probes and of postStart/preStop handlers; volume sources of pod specs and workload templates',
    ],
    goal: 'Find pod specs that make the node act for the pod: a probe or lifecycle handler whose `host` is set (Pod Security Standards baseline "Probe and lifecycle host field": the kubelet, not the pod, opens the connection, so a pod can reach the node\'s loopback or the cloud metadata service through it, T1090), host paths that kube-hostpath-mount does not judge sensitive (baseline "HostPath Volumes", low), and volumes of types outside the restricted profile (nfs, iscsi, cephfs, rbd, flexVolume, gitRepo and the other in-tree drivers that the node mounts with its own credentials, T1611; gitRepo runs git on the node, T1059).',
    blindSpots: [
      'A host given as a name the node resolves to something sensitive is judged by the name only.',
      'Sensitive hostPath volumes are reported by kube-hostpath-mount instead; CSI drivers are allowed by the profile and not judged.',
      "The restricted profile's other checks (running as non-root, seccomp required, capabilities dropped) are reported only when something is added or turned off (kube-privilege-escalation, kube-isolation-disabled, kube-dangerous-capabilities), not when left unset.",
    ],
    falsePositives: [
      "Log shippers reading /var/log, legacy workloads on NFS shares or iSCSI volumes, and probes pointed at a sidecar's address. Allowlist with a versioned suppression on `match.namespace` or `match.ref` (`volume:nfs:*`).",
    ],
    response: [
      "Drop the `host` field (probes then target the pod's own address).",
      'Move the volume behind a PersistentVolumeClaim or a CSI driver so the pod spec stops naming the storage network.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const w of ev.kube ? rootsOf(ev.kube) : []) {
      for (const c of w.template.containers) {
        if (!c.probeHosts?.length) continue;
        const local = c.probeHosts.filter((h) => NODE_LOCAL.test(h));
        hits.push(
          workloadHit(w, c, {
            ref: `probe-host:${c.name}:${[...c.probeHosts].sort().join(',')}`,
            cause: 'probe-host',
            summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} points probes or lifecycle handlers at host ${oneLine(c.probeHosts.join(', '), 120)}: the kubelet connects there from the node${local.length ? ', to the node itself or its metadata service' : ''}.`,
            evidence: [objectRef(ev, w, `spec.containers[${c.name}] probe/lifecycle host=${c.probeHosts.join(',')}`)],
            severity: local.length ? 'medium' : 'low',
            attack: ['T1090'],
          }),
        );
      }
      for (const v of w.template.volumes) {
        if (RESTRICTED_VOLUMES.has(v.source) || v.source === 'unknown') continue;
        if (v.source === 'hostPath') {
          // Sensitive paths are kube-hostpath-mount's; any other host path is still outside both profiles.
          if (v.hostPath === undefined || isSensitiveHostPath(v.hostPath)) continue;
          hits.push(
            workloadHit(w, undefined, {
              ref: `volume:hostPath:${v.hostPath}`,
              cause: 'volume-hostPath',
              summary: `${oneLine(wlabel(w), 160)} mounts host path ${oneLine(v.hostPath, 120)} (volume ${oneLine(v.name, 60)}): the pod reads${w.template.containers.some((c) => c.mounts.some((m) => m.volume === v.name && !m.readOnly)) ? ' and writes' : ''} the node's files there.`,
              evidence: [objectRef(ev, w, `spec.volumes[${v.name}].hostPath.path=${v.hostPath}`)],
              severity: 'low',
              attack: ['T1611'],
            }),
          );
          continue;
        }
        hits.push(
          workloadHit(w, undefined, {
            ref: `volume:${v.source}:${v.name}`,
            cause: `volume-${v.source}`,
            summary: `${oneLine(wlabel(w), 160)} mounts volume ${oneLine(v.name, 60)} of type ${oneLine(v.source, 40)}, outside the restricted profile: the node mounts it${v.source === 'gitRepo' ? ' by running git on the node' : ' with its own access to the storage network'}.`,
            evidence: [objectRef(ev, w, `spec.volumes[${v.name}].${v.source}`)],
            severity: v.source === 'gitRepo' ? 'medium' : 'low',
            attack: [v.source === 'gitRepo' ? 'T1059' : 'T1611'],
          }),
        );
      }
    }
    return hits;
  },
};
