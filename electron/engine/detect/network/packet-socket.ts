import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';
import { ownerOf } from '../lib/socket-owner.js';

/** DHCP clients and VRRP daemons open packet sockets by design; they are reported low, under their own cause. */
const KNOWN_USERS = /^(udhcpc|dhclient|dhcpcd|dhcpd|keepalived|systemd-network|NetworkManager)$/;

/**
 * Falco's "Packet socket created in container": an AF_PACKET socket reads every frame on an interface (sniffing) and can
 * forge frames (ARP spoofing). The socket stays in /proc/net/packet of the namespace for as long as it is open.
 */
export const packetSocket: Detector = {
  meta: {
    id: 'packet-socket',
    title: 'Packet socket open in a container',
    strategy: ['ADS-evasion'],
    attack: ['T1040', 'T1557.002'],
    severity: 'medium',
    kind: 'live',
    dataSources: [
      '/proc/PID/net/packet of the container network namespace (host side, or through exec when allowed)',
      'socket inode to process map (host /proc/PID/fd)',
      'container inspect: HostConfig.NetworkMode',
    ],
    goal: "Find AF_PACKET sockets held in a container: tcpdump-style sniffers, ARP spoofers and raw-frame implants. Containers that serve or call over TCP and UDP never need one; on the host network a packet socket sees the host's own traffic.",
    blindSpots: [
      'Only sockets open at collection time: a capture that ran and closed leaves nothing (Falco sees the socket() call).',
      'Raw IP sockets (/proc/net/raw) are not judged: ping and traceroute use them legitimately.',
      "A container sharing the host network shows the host's packet sockets; only those held by the container's own processes are reported.",
    ],
    falsePositives: [
      'DHCP clients (udhcpc, dhclient) and VRRP daemons (keepalived) open packet sockets by design: reported low with the cause `packet-socket-known`; suppress by image and `ref` (`packet:<program>`).',
      'Network appliances and monitoring images (Suricata, Zeek, ntopng) sniff on purpose: suppress by image with a reason.',
    ],
    response: [
      'Identify the owning process and its binary; if unexpected, preserve the container (its executables and memory maps) before anything else.',
      "Isolate the container: a sniffer on a shared bridge or on the host network reads other workloads' traffic; rotate credentials that crossed it in clear text.",
      'Drop CAP_NET_RAW from the deployment unless the workload truly needs it.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const hostNet = c.container.networkMode === 'host';
      const seen = new Set<string>();
      // Every snapshot counts: a sniffer seen in any sample of an observed scan was open then.
      for (const snap of c.sockets) {
        for (const s of snap.sockets) {
          if (s.protocol !== 'packet') continue;
          const owner = ownerOf(c, s);
          if (hostNet && !owner) continue;
          const program = owner ? oneLine(owner.comm, 64) : 'unknown';
          const key = `packet:${program}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const known = owner !== undefined && KNOWN_USERS.test(owner.comm);
          hits.push({
            container: c,
            ref: key,
            cause: known ? 'packet-socket-known' : 'packet-socket',
            summary: `${owner ? `${program} (pid ${owner.pid})` : 'A process'} in ${c.container.name} holds a packet socket (${s.localAddress})${hostNet ? " on the host network, where it sees the host's traffic" : ''}: it can capture or forge whole frames.`,
            evidence: [
              ref(
                'socket',
                `packet inode ${s.inode}`,
                `${s.localAddress}; owner: ${owner ? oneLine(owner.cmdline || owner.comm, 300) : 'not attributed'}; from ${snap.source}`,
              ),
            ],
            severity: known ? 'low' : hostNet ? 'high' : 'medium',
          });
        }
      }
    }
    return hits;
  },
};
