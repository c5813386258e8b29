import type { Detector, Hit } from '../detector.js';
import { imageOf } from '../lib/images.js';
import { oneLine, ref } from '../lib/refs.js';
import { ownerOf } from '../lib/socket-owner.js';
import { endpoint, isLoopback, latestSockets } from '../lib/sockets.js';

const TOOLS = /^(nc|ncat|netcat|socat|sh|bash|dash|ash|busybox|python[0-9.]*|perl|telnetd|sshd|dropbear)$/;

/** Ports a container listens on that neither its image nor its run configuration declares: bind shells and implants. */
export const unexpectedListener: Detector = {
  meta: {
    id: 'unexpected-listener',
    title: 'Listener not declared by the image',
    strategy: ['ADS-c2-abuse'],
    attack: ['T1571', 'T1095'],
    severity: 'medium',
    kind: 'live',
    dataSources: [
      '/proc/net/tcp{,6} and udp{,6} of the container network namespace (LISTEN and bound UDP rows)',
      'image ExposedPorts, container ExposedPorts and published ports',
      'socket inode to process map (host /proc/PID/fd)',
    ],
    goal: 'Find sockets listening on non-loopback addresses on ports the image and container configuration do not declare: bind shells, SOCKS proxies and implant control ports.',
    blindSpots: [
      'Listeners that open only briefly (knock-style) are missed between polls.',
      "Containers sharing the host network report the host's listeners; those are skipped unless owned by a container process.",
      'Undeclared but legitimate ports (metrics, debug) cannot be told apart without a per-image baseline.',
    ],
    falsePositives: [
      'Metrics and admin ports that images forget to EXPOSE (9090, 8081, ...). Keep a per-image baseline: a suppression with `match.image` and `ref` set to `tcp:<port>`.',
    ],
    response: [
      'Identify the owning process and what it serves; connect to it only from an isolated analysis host.',
      'Check published ports and network policy for who could reach it; stop the listener if unauthorized.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const d = c.container;
      if (d.networkMode === 'host') continue;
      const declared = new Set<string>(
        [
          ...d.exposedPorts,
          ...(imageOf(ev, c)?.exposedPorts ?? []),
          ...d.ports.map((p) => `${p.containerPort}/${p.protocol}`),
        ].map((p) => (p.includes('/') ? p : `${p}/tcp`)),
      );
      const seen = new Set<string>();
      for (const s of latestSockets(c)) {
        const listening =
          s.state === 'LISTEN' ||
          ((s.protocol === 'udp' || s.protocol === 'udp6') && s.state === 'UNCONN' && s.remotePort === 0);
        if (!listening || s.protocol === 'unix' || isLoopback(s.localAddress)) continue;
        const proto = s.protocol.startsWith('udp') ? 'udp' : 'tcp';
        const key = `${proto}:${s.localPort}`;
        if (declared.has(`${s.localPort}/${proto}`) || seen.has(key)) continue;
        seen.add(key);
        const owner = ownerOf(c, s);
        const tool =
          owner && (TOOLS.test(owner.comm) || TOOLS.test((owner.cmdline.split(' ')[0] ?? '').split('/').pop() ?? ''));
        hits.push({
          container: c,
          ref: key,
          summary: `${owner ? `${oneLine(owner.comm, 40)} (pid ${owner.pid})` : 'A process'} in ${d.name} listens on ${proto} ${endpoint(s, 'local')}, a port its image and configuration do not declare${declared.size ? ` (declared: ${[...declared].join(', ')})` : ''}.`,
          evidence: [
            ref(
              'socket',
              `${s.protocol} ${endpoint(s, 'local')}`,
              `${s.state} inode ${s.inode}${owner ? `; owner: ${oneLine(owner.cmdline || owner.comm, 300)}` : ''}`,
            ),
          ],
          severity: tool ? 'high' : 'medium',
        });
      }
    }
    return hits;
  },
};
