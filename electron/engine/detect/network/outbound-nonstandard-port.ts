import type { Detector, Hit } from '../detector.js';
import { MINER } from '../lib/commands.js';
import { oneLine, ref } from '../lib/refs.js';
import { ownerOf } from '../lib/socket-owner.js';
import { endpoint, isLoopback, isPrivate, isUnspecified } from '../lib/sockets.js';

/** Ports used by mining pools; a connection there with a miner-like process is resource hijacking, not just odd traffic. */
const POOL_PORTS = new Set([3333, 3334, 3357, 4444, 5555, 5556, 7777, 8888, 9999, 14433, 14444, 45560, 45700]);

/** Start of the Linux ephemeral port range: client sides of connections live above it. */
const EPHEMERAL = 32768;

/** Outbound connections to ports outside the site's standard set: custom C2 channels, tunnels, pool connections. */
export const outboundNonstandardPort: Detector = {
  meta: {
    id: 'outbound-nonstandard-port',
    title: 'Outbound connection to a non-standard port',
    strategy: ['ADS-c2-abuse'],
    attack: ['T1571', 'T1095', 'T1496'],
    severity: 'medium',
    kind: 'live',
    dataSources: [
      '/proc/net/tcp{,6} and udp{,6} of the container network namespace (ESTABLISHED, SYN_SENT, TIME_WAIT rows)',
      'socket inode to process map',
    ],
    goal: 'Find connections from containers to remote ports outside the standard set (policy.standardPorts), to public addresses above all: the typical shape of custom C2, reverse tunnels and mining pools.',
    blindSpots: [
      'Connections to remote ports at or above 32768 from a local port below it are taken as inbound (accepted) connections and skipped, so C2 on a high port reached from a low source port is missed.',
      'Connections that open and close between polls leave at most a TIME_WAIT row for about 60 s; shorter polling or conntrack is needed for the rest.',
      'C2 over standard ports (443, 53) is not flagged here; beaconing and the process checks cover part of it.',
      'The remote host name is unknown (no DNS log); only the address is shown.',
    ],
    falsePositives: [
      'Databases, message brokers and internal services on custom ports, and the seeds\' "network testing or maintenance". Private destinations are reported one level lower; allow known services per image with `ref` globs like `*:5432`, or add the port to policy.standardPorts.',
    ],
    response: [
      'Look up the remote address and who owns it; check whether other containers talk to it.',
      'Identify the owning process; if unknown, isolate the container network and capture its memory.',
    ],
  },
  detect(ev, { policy }) {
    const hits: Hit[] = [];
    const standard = new Set(policy.standardPorts);
    for (const c of ev.containers) {
      if (c.container.networkMode === 'host') continue;
      const snaps = c.sockets;
      const seen = new Set<string>();
      for (let i = snaps.length - 1; i >= 0; i--) {
        const all = snaps[i]!.sockets;
        const listenPorts = new Set(all.filter((s) => s.state === 'LISTEN').map((s) => s.localPort));
        for (const s of all) {
          if (
            s.protocol === 'unix' ||
            !['ESTABLISHED', 'SYN_SENT', 'TIME_WAIT', 'FIN_WAIT1', 'FIN_WAIT2', 'CLOSE_WAIT'].includes(s.state)
          )
            continue;
          if (
            listenPorts.has(s.localPort) ||
            isLoopback(s.remoteAddress) ||
            isUnspecified(s.remoteAddress) ||
            standard.has(s.remotePort)
          )
            continue;
          // An accepted connection whose listener already closed (one-shot servers) looks outbound: a fixed local
          // port facing an ephemeral remote port is the accepting side.
          if (s.remotePort >= EPHEMERAL && s.localPort < EPHEMERAL) continue;
          const key = `${s.remoteAddress}:${s.remotePort}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const owner = ownerOf(c, s);
          const miner =
            POOL_PORTS.has(s.remotePort) && owner !== undefined && MINER.test(`${owner.cmdline} ${owner.exe ?? ''}`);
          const priv = isPrivate(s.remoteAddress);
          hits.push({
            container: c,
            ref: key,
            summary: `${owner ? `${oneLine(owner.comm, 40)} (pid ${owner.pid})` : 'A process'} in ${c.container.name} ${s.state === 'TIME_WAIT' ? 'recently connected' : 'is connected'} to ${priv ? 'internal' : 'external'} address ${endpoint(s, 'remote')}, a non-standard port${miner ? ' used by mining pools' : ''}.`,
            evidence: [
              ref(
                'socket',
                `${s.protocol} ${endpoint(s, 'local')} -> ${endpoint(s, 'remote')}`,
                `${s.state}; snapshot ${snaps[i]!.collectedAt}${owner ? `; owner: ${oneLine(owner.cmdline || owner.comm, 300)}` : ''}`,
              ),
            ],
            severity: miner ? 'high' : priv ? 'medium' : 'high',
            attack: miner ? ['T1571', 'T1496'] : ['T1571'],
          });
        }
      }
    }
    return hits;
  },
};
