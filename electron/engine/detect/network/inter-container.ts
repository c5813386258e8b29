import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';
import { ownerOf } from '../lib/socket-owner.js';
import { endpoint, isLoopback } from '../lib/sockets.js';

/** Network ids a container is attached to, following `--network container:<id>` to the container it borrows from. */
function networkIds(c: ContainerEvidence, all: Map<string, ContainerEvidence>): Set<string> {
  const mode = c.container.networkMode;
  if (mode.startsWith('container:')) {
    const target = mode.slice('container:'.length);
    const other = [...all.values()].find((x) => x.container.id.startsWith(target) || x.container.name === target);
    if (other && other !== c) return new Set(other.container.networks.map((n) => n.networkId));
  }
  return new Set(c.container.networks.map((n) => n.networkId));
}

/**
 * A container talking to another container's address when the two share no network: the path runs through
 * host routing, a host-network container or a bridge someone added, and bypasses the segmentation the
 * networks were meant to give.
 */
export const interContainer: Detector = {
  meta: {
    id: 'inter-container-connection',
    title: 'Connection between containers on different networks',
    strategy: ['ADS-c2-abuse'],
    attack: ['T1021'],
    severity: 'high',
    kind: 'live',
    dataSources: [
      '/proc/net/tcp{,6} of each container network namespace',
      'container inspect: NetworkSettings.Networks (ids and addresses), NetworkMode',
    ],
    goal: "Find connections from one container to another container's IP address when they share no Docker network, which means traffic crossed a boundary the network layout was supposed to enforce (host network, routing between bridges, manual veths).",
    blindSpots: [
      'Traffic through published ports on the host address is attributed to the host, not to the target container.',
      'Containers on other engines or nodes are unknown here; overlay networks are judged only by the network ids inspect shows.',
    ],
    falsePositives: [
      'Host-network agents (monitoring, service meshes) that scrape containers by IP. Suppress by image of the connecting container with a reason.',
    ],
    response: [
      'Identify both ends and the owning processes; check whether the connecting container was meant to reach the target.',
      'Look at the host routing and iptables for the path used; isolate the connecting container.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    const byId = new Map(ev.containers.map((c) => [c.container.id, c]));
    const byIp = new Map<string, ContainerEvidence>();
    for (const c of ev.containers) for (const n of c.container.networks) if (n.ipAddress) byIp.set(n.ipAddress, c);
    for (const c of ev.containers) {
      const mine = networkIds(c, byId);
      const hostNet = c.container.networkMode === 'host';
      const seen = new Set<string>();
      for (const snap of c.sockets) {
        for (const s of snap.sockets) {
          if (s.protocol === 'unix' || s.protocol === 'packet' || s.state === 'LISTEN' || isLoopback(s.remoteAddress))
            continue;
          const target = byIp.get(s.remoteAddress.replace(/^::ffff:/, ''));
          if (!target || target === c) continue;
          if (target.container.networks.some((n) => mine.has(n.networkId))) continue;
          const owner = ownerOf(c, s);
          // A host-network container sees the whole host's sockets: only its own processes count.
          if (hostNet && !owner) continue;
          // The accepting side of a connection is reported from the connecting container.
          const listening = snap.sockets.some((l) => l.state === 'LISTEN' && l.localPort === s.localPort);
          if (listening || (s.remotePort >= 32768 && s.localPort < 32768)) continue;
          const key = `${target.container.id}:${s.remotePort}`;
          if (seen.has(key)) continue;
          seen.add(key);
          hits.push({
            container: c,
            ref: key,
            summary: `${owner ? `${oneLine(owner.comm, 40)} (pid ${owner.pid}) in ` : ''}${c.container.name}${hostNet ? ' (host network)' : ''} connects to container ${target.container.name} at ${endpoint(s, 'remote')}, though they share no network.`,
            evidence: [
              ref(
                'socket',
                `${s.protocol} ${endpoint(s, 'local')} -> ${endpoint(s, 'remote')}`,
                `${s.state}; target ${target.container.name} on ${oneLine(target.container.networks.map((n) => n.name).join(','), 100)}; source networks: ${hostNet ? 'host' : oneLine(c.container.networks.map((n) => n.name).join(',') || 'none', 100)}`,
              ),
            ],
          });
        }
      }
    }
    return hits;
  },
};
