import type { Detector, Hit } from '../detector.js';
import { globMatch } from '../lib/glob.js';
import { oneLine } from '../lib/refs.js';
import { parseImage } from './images.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

/**
 * Images from registries outside the site's allowlist. The allowlist is data, as every other: versioned
 * suppression entries on `match.image` (or `policy.allowedImages`), so a report names the entry that trusted a
 * registry. The Kubernetes project's own registry is trusted for the control plane's namespaces.
 */
export const kubeUntrustedRegistry: Detector = {
  meta: {
    id: 'kube-untrusted-registry',
    title: 'Kubernetes workload pulls from a registry outside the allowlist',
    strategy: ['ADS-c2-abuse'],
    attack: ['T1204.003', 'T1525'],
    severity: 'low',
    kind: 'state',
    dataSources: [
      'Kubernetes API: image references of every container of pod specs and workload templates',
      'registry allowlist: suppression entries on `match.image` for this detector, or policy.allowedImages',
    ],
    goal: 'Find containers whose image comes from a registry the site has not allowlisted (Docker Hub, a personal registry, an IP address): the way malicious images reach a cluster. One finding per workload and image, so one suppression entry per trusted registry clears a whole fleet.',
    blindSpots: [
      'Without an allowlist every registry is reported at low; images from an IP address or localhost are medium regardless.',
      'A trusted registry serving a poisoned image passes; kube-cryptominer and image digests judge that.',
    ],
    falsePositives: [
      "The site's own registries and the vendors it trusts, until they are allowlisted: add one versioned suppression per registry (`match.image: registry.corp.example/*`, detectors: [kube-untrusted-registry]).",
    ],
    response: ['Ask the owner where the image comes from; mirror it into a trusted registry or remove the workload.'],
  },
  detect(ev, { policy }) {
    const hits: Hit[] = [];
    for (const w of ev.kube ? rootsOf(ev.kube) : []) {
      for (const c of w.template.containers) {
        if (!c.image || policy.allowedImages.some((g) => globMatch(g, c.image))) continue;
        const reg = parseImage(c.image).registry;
        if (reg === 'registry.k8s.io' && /^kube-/.test(w.namespace)) continue;
        const raw = /^(\d{1,3}\.){3}\d{1,3}(:\d+)?$|^localhost(:\d+)?$|^\[/.test(reg);
        hits.push(
          workloadHit(w, c, {
            ref: `registry:${reg}:${c.image}`,
            summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} pulls ${oneLine(c.image, 120)} from ${raw ? 'a registry addressed by IP or localhost' : 'registry'} ${oneLine(reg, 80)}, which no allowlist entry trusts.`,
            evidence: [objectRef(ev, w, `spec.containers[${c.name}].image=${c.image} registry=${reg}`)],
            severity: raw ? 'medium' : 'low',
          }),
        );
      }
    }
    return hits;
  },
};
