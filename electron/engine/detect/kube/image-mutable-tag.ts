import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { parseImage, pinned } from './images.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

/** Images named by tag (or by nothing, meaning latest) instead of a digest: what runs can change under the same name. */
export const kubeMutableImageTag: Detector = {
  meta: {
    id: 'kube-mutable-image-tag',
    title: 'Kubernetes workload runs an image by mutable tag',
    strategy: ['ADS-evasion'],
    attack: ['T1525', 'T1195.002'],
    severity: 'low',
    kind: 'state',
    dataSources: ['Kubernetes API: image references of every container of pod specs and workload templates'],
    goal: 'Find containers whose image is a tag (`:latest`, no tag, or a version tag) rather than `@sha256:` digest: whoever can push that tag changes what the cluster runs at the next pull, without a change to the workload, the implant path of T1525.',
    blindSpots: [
      'The digest the node actually pulled is in the pod status (imageID), not compared here with the registry.',
      'A digest of a malicious image is pinned and passes; kube-cryptominer and kube-untrusted-registry judge the image itself.',
    ],
    falsePositives: [
      'Most clusters run tagged images; the finding is low by design. Allowlist trusted registries with a versioned suppression on `match.image` (e.g. `registry.corp.example/*`).',
    ],
    response: [
      'Pin images by digest in the manifests (CI can resolve tags at release); enforce with an admission policy.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const w of ev.kube ? rootsOf(ev.kube) : []) {
      for (const c of w.template.containers) {
        if (!c.image || pinned(c.image)) continue;
        const tag = parseImage(c.image).tag;
        hits.push(
          workloadHit(w, c, {
            ref: `tag:${c.image}`,
            summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} runs ${oneLine(c.image, 120)} by ${tag && tag !== 'latest' ? `tag ${oneLine(tag, 40)}` : 'the mutable latest tag'}, not by digest.`,
            evidence: [objectRef(ev, w, `spec.containers[${c.name}].image=${c.image}`)],
          }),
        );
      }
    }
    return hits;
  },
};
