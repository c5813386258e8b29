import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { minerSign } from './images.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

/** Workloads whose image or command line is a known cryptominer. */
export const kubeCryptominer: Detector = {
  meta: {
    id: 'kube-cryptominer',
    title: 'Kubernetes workload runs a known cryptominer',
    strategy: ['ADS-c2-abuse'],
    attack: ['T1496', 'T1610'],
    severity: 'high',
    kind: 'state',
    dataSources: ['Kubernetes API: image, command and args of every container of pod specs and workload templates'],
    goal: 'Find workloads running a miner: images named after miners (xmrig, xmr-stak, cpuminer, ethminer, t-rex, lolminer, kinsing...) or command lines with pool protocols and miner flags (`stratum+tcp://`, `--donate-level`, `-a rx/0`, pool hosts such as supportxmr or moneroocean). The resource hijacking the second seed lists first.',
    blindSpots: [
      'A renamed miner in a generic image with its pool in a config file shows nothing here; CPU use and outbound pool connections (resource-hijack, outbound detectors on the node) catch it.',
      'Names are matched as text: a benign image called after a miner (a miner exporter) is reported too.',
    ],
    falsePositives: [
      'Sanctioned mining or benchmark workloads and monitoring exporters for mining rigs. Allowlist with a versioned suppression on `match.image` with an owner and reason.',
    ],
    response: [
      'Scale the workload to zero after preserving its manifest; find who created it (kube-manual-change, audit log) and the credentials they used.',
      'Check nodes for the same miner outside Kubernetes.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const w of ev.kube ? rootsOf(ev.kube) : []) {
      for (const c of w.template.containers) {
        const sign = minerSign(c.image, [...c.command, ...c.args]);
        if (!sign) continue;
        hits.push(
          workloadHit(w, c, {
            ref: `miner:${c.name}`,
            summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} runs a known cryptominer: ${sign.what} ${oneLine(sign.match, 80)} (image ${oneLine(c.image, 100)}).`,
            evidence: [
              objectRef(
                ev,
                w,
                `spec.containers[${c.name}] image=${c.image} command=${oneLine([...c.command, ...c.args].join(' '), 300)}`,
              ),
            ],
          }),
        );
      }
    }
    return hits;
  },
};
