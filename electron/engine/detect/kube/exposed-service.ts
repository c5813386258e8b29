import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { listedRef, objectHit } from './kube-hits.js';

/**
 * What the cluster opens to networks outside it, from its state: NodePort and LoadBalancer services, and
 * ingresses that route plain HTTP.
 */
export const kubeExposedService: Detector = {
  meta: {
    id: 'kube-exposed-service',
    title: 'Kubernetes service exposed outside the cluster',
    strategy: ['ADS-evasion'],
    attack: ['T1133', 'T1040'],
    severity: 'low',
    kind: 'state',
    dataSources: ["Kubernetes API: services (type, ports, node ports) and ingresses (rules' hosts, tls)"],
    goal: "List the doors into the cluster so an analyst can tell an attacker's from the architecture: NodePort services (a port on every node, often outside the load balancer's filtering) are medium, LoadBalancer services low, and ingresses without a `tls` section (credentials and sessions in clear) low. A workload an attacker deploys usually needs one of these to be reached from outside (T1133).",
    blindSpots: [
      'Cloud firewalls, load-balancer source ranges and network policies in front of the service are not read: an exposed type may still be unreachable.',
      'TLS terminated before the ingress controller (at a cloud load balancer) looks like an ingress without TLS.',
      "Ports published by pods themselves (hostPort, hostNetwork) are kube-host-namespaces'.",
    ],
    falsePositives: [
      "Ingress controllers' own LoadBalancer services and deliberately public services. Allowlist with a versioned suppression on `match.ref` (`exposed:Service/ingress-nginx/*`), with an owner.",
    ],
    response: [
      'Check that the service is meant to be public; otherwise make it ClusterIP or restrict its source ranges.',
      'Add a TLS section (and a certificate) to the ingress, or restrict it to internal networks.',
    ],
  },
  detect(ev) {
    const k = ev.kube;
    if (!k) return [];
    const hits: Hit[] = [];
    for (const s of k.services) {
      if (s.type !== 'NodePort' && s.type !== 'LoadBalancer') continue;
      const ports = s.ports
        .map((p) => `${p.port}${p.nodePort ? `->node:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
        .join(', ');
      hits.push(
        objectHit('Service', s.namespace, s.name, {
          ref: `exposed:Service/${s.namespace}/${s.name}:${s.type}`,
          cause: `exposed-${s.type.toLowerCase()}`,
          summary: `Service ${oneLine(`${s.namespace}/${s.name}`, 140)} is of type ${s.type}: reachable from outside the cluster${ports ? ` on ${oneLine(ports, 160)}` : ''}${s.type === 'NodePort' ? ", on every node's address" : ''}.`,
          evidence: [
            listedRef(ev, 'services', `service/${s.namespace}/${s.name}`, `spec.type=${s.type} ports=${ports}`),
          ],
          severity: s.type === 'NodePort' ? 'medium' : 'low',
          attack: ['T1133'],
        }),
      );
    }
    for (const i of k.ingresses) {
      if (i.tls) continue;
      hits.push(
        objectHit('Ingress', i.namespace, i.name, {
          ref: `exposed:Ingress/${i.namespace}/${i.name}:no-tls`,
          cause: 'ingress-no-tls',
          summary: `Ingress ${oneLine(`${i.namespace}/${i.name}`, 140)} routes ${i.hosts.length ? oneLine(i.hosts.join(', '), 160) : 'every host'} without TLS: requests and their credentials cross the network in clear.`,
          evidence: [
            listedRef(
              ev,
              'ingresses',
              `ingress/${i.namespace}/${i.name}`,
              `spec.tls absent; hosts=${i.hosts.join(',')}`,
            ),
          ],
          attack: ['T1133', 'T1040'],
        }),
      );
    }
    return hits;
  },
};
