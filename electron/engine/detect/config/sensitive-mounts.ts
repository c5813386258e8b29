import type { Detector, Hit } from '../detector.js';
import { inspectRef, oneLine } from '../lib/refs.js';
import { under } from '../lib/paths.js';

const SOCKETS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/run/containerd/containerd.sock',
  '/var/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/podman/podman.sock',
];

/** Host paths whose exposure gives host control (write) or host secrets (read). */
const SENSITIVE: Array<[string, string]> = [
  ['/etc', 'host configuration, accounts and cron'],
  ['/root', 'root home and SSH keys'],
  ['/home', 'user homes and SSH keys'],
  ['/var/lib/docker', 'engine state and every container filesystem'],
  ['/var/lib/kubelet', 'kubelet credentials and pod secrets'],
  ['/var/lib/containerd', 'runtime state'],
  ['/var/spool/cron', 'host cron jobs'],
  ['/proc', 'host process table and kernel knobs'],
  ['/sys', 'kernel and cgroup controls'],
  ['/boot', 'kernel images'],
  ['/dev', 'host devices'],
  ['/lib/modules', 'kernel modules'],
  ['/usr', 'host binaries'],
  ['/bin', 'host binaries'],
  ['/sbin', 'host binaries'],
  ['/var/log', 'host logs (tampering hides tracks)'],
  ['/run', 'runtime sockets'],
  ['/var/run', 'runtime sockets'],
];

function classify(source: string): { what: string; severity: 'critical' | 'high' } | undefined {
  if (SOCKETS.some((s) => source === s) || /\/(docker|containerd|crio|podman)\.sock$/.test(source))
    return { what: 'container engine socket (full control of the engine)', severity: 'critical' };
  if (source === '/' || source === '') return { what: 'the host root filesystem', severity: 'critical' };
  const hit = SENSITIVE.find(([dir]) => under(source, dir));
  return hit ? { what: hit[1], severity: 'high' } : undefined;
}

/** Bind mounts of the engine socket, the host root, or host paths that hold secrets or control the host. */
export const sensitiveMounts: Detector = {
  meta: {
    id: 'sensitive-host-mount',
    title: 'Engine socket or sensitive host path mounted',
    strategy: ['ADS-evasion'],
    attack: ['T1611', 'T1610', 'T1552.001'],
    severity: 'high',
    kind: 'state',
    dataSources: ['container inspect: Mounts (bind sources and destinations, read-only flag)'],
    goal: 'Find containers that can reach around their isolation through a bind mount: the engine socket (start any container), the host root, or host directories holding credentials, cron or binaries.',
    blindSpots: [
      'Mounts added after start through nsenter or a privileged helper do not appear in inspect; the /proc mount points of the container (host view) are needed for those.',
      'Named volumes that the administrator pointed at host paths with driver options are reported by source path only when inspect shows it.',
    ],
    falsePositives: [
      'Monitoring agents (read-only /proc, /sys), log shippers (read-only /var/log) and CI runners that need the engine socket. Read-only mounts are reported one severity lower; suppress known agents by image and `ref` `bind:<host path>` (e.g. `bind:/var/log`).',
    ],
    response: [
      'Check whether the workload needs the mount; a socket mount is equivalent to root on the host.',
      'Review the engine events for containers this one created, and host files under the mounted path for changes.',
      'Remove the mount or make it read-only; stop the container if it is not authorized.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      for (const m of c.container.mounts) {
        if (m.type !== 'bind') continue;
        const k = classify(m.source);
        if (!k) continue;
        const sev = m.readOnly && k.severity === 'high' ? 'medium' : k.severity;
        const isSock = k.what.startsWith('container engine socket');
        hits.push({
          container: c,
          ref: `bind:${m.source}`,
          summary: `Container ${c.container.name} mounts ${k.what} from host path ${oneLine(m.source)} at ${oneLine(m.destination)}${m.readOnly ? ' (read-only)' : ' (writable)'}.`,
          evidence: [inspectRef(c, 'Mounts', `${m.source} -> ${m.destination} ${m.readOnly ? 'ro' : 'rw'}`)],
          severity: sev,
          attack: isSock
            ? ['T1610', 'T1611']
            : k.what.includes('SSH') || k.what.includes('credentials')
              ? ['T1611', 'T1552.001']
              : ['T1611'],
        });
      }
    }
    return hits;
  },
};
