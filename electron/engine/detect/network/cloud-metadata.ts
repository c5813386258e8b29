import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';
import { ownerOf } from '../lib/socket-owner.js';
import { endpoint } from '../lib/sockets.js';

/** Instance metadata endpoints of the major clouds, and the ECS task endpoint: where instance and task credentials are served. */
const METADATA: Record<string, string> = {
  '169.254.169.254': 'cloud instance metadata (AWS, GCP, Azure, OpenStack)',
  '169.254.170.2': 'ECS task metadata and credentials',
  '100.100.100.200': 'Alibaba Cloud instance metadata',
  'fd00:ec2::254': 'AWS instance metadata (IPv6)',
};
const FETCHERS = /^(curl|wget|sh|bash|ash|dash|nc|ncat|socat|python[0-9.]*|perl|busybox)$/;

/**
 * Falco's "Contact EC2 Instance Metadata Service From Container" and "Contact cloud metadata service from container":
 * a connection, live or in TIME_WAIT, to the address that hands out the node's cloud credentials.
 */
export const cloudMetadataAccess: Detector = {
  meta: {
    id: 'cloud-metadata-access',
    title: 'Container contacted the cloud metadata service',
    strategy: ['ADS-c2-abuse'],
    attack: ['T1552.005'],
    severity: 'medium',
    kind: 'live',
    dataSources: [
      '/proc/net/tcp{,6} of the container network namespace, every snapshot (TIME_WAIT rows keep a closed connection for 60 s)',
      'socket inode to process map (host /proc/PID/fd)',
    ],
    goal: "Find containers that talk to the instance metadata endpoint (169.254.169.254 and its relatives), where a node's cloud credentials are served: from a container that is how a web exploit (SSRF) or an implant turns into access to the cloud account.",
    blindSpots: [
      'A connection that closed more than about a minute before collection has left TIME_WAIT and is gone; with `--observe` every sample counts.',
      'Requests through a proxy or from the host network namespace on behalf of the container are not attributed to it.',
      'Blocking (IMDSv2 hop limit, a network policy) is not checked: a connection attempt is reported whether or not it got credentials.',
    ],
    falsePositives: [
      'Cloud SDKs and agents that legitimately read instance identity or credentials (node agents, the AWS SDK without a pod identity): suppress by image with a reason, ideally after moving them to workload identity.',
    ],
    response: [
      'Find the owning process and the request that led to it (web server logs for SSRF).',
      "Treat the node's instance credentials as exposed: check the cloud audit log (CloudTrail, Cloud Audit Logs) for their use from elsewhere, and rotate.",
      'Block metadata access from pods (IMDSv2 with hop limit 1, a network policy) and isolate the container.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const seen = new Set<string>();
      for (const snap of c.sockets) {
        for (const s of snap.sockets) {
          // IPv4 peers of dual-stack sockets show in tcp6 as ::ffff:a.b.c.d.
          const what = METADATA[s.remoteAddress.toLowerCase().replace(/^::ffff:/, '')];
          if (!what || s.state === 'LISTEN' || s.protocol === 'unix' || s.protocol === 'packet') continue;
          const key = `metadata:${s.remoteAddress}:${s.remotePort}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const owner = ownerOf(c, s);
          const tool = owner !== undefined && FETCHERS.test(owner.comm);
          hits.push({
            container: c,
            ref: key,
            summary: `${owner ? `${oneLine(owner.comm, 40)} (pid ${owner.pid})` : 'A process'} in ${c.container.name} connected to ${endpoint(s, 'remote')}, the ${what} endpoint (${s.state}).`,
            evidence: [
              ref(
                'socket',
                `${s.protocol} ${endpoint(s, 'local')} -> ${endpoint(s, 'remote')}`,
                `${s.state} inode ${s.inode}${owner ? `; owner: ${oneLine(owner.cmdline || owner.comm, 300)}` : ''}; from ${snap.source}`,
              ),
            ],
            severity: tool ? 'high' : 'medium',
          });
        }
      }
    }
    return hits;
  },
};
