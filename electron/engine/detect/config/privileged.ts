import type { Detector, Hit } from '../detector.js';
import { inspectRef } from '../lib/refs.js';

/** A privileged container has every capability, all devices and no LSM confinement: root on the host is one mount away. */
export const privilegedContainer: Detector = {
  meta: {
    id: 'privileged-container',
    title: 'Privileged container',
    strategy: ['ADS-evasion'],
    attack: ['T1610', 'T1611'],
    severity: 'critical',
    kind: 'state',
    dataSources: ['container inspect: HostConfig.Privileged'],
    goal: 'Find containers that run (or are set up to run) with --privileged, the most common stepping stone for escaping to the host while staying out of host-level monitoring.',
    blindSpots: [
      'Containers that were privileged and have since been removed leave no inspect document; only the event history (if collected) shows them.',
      'Equivalent power granted piecemeal (capabilities, devices, host namespaces) is reported by the other configuration detectors, not this one.',
    ],
    falsePositives: [
      'Infrastructure agents (CNI plugins, storage drivers, monitoring agents) and CI runners building images with docker-in-docker. Suppress by image or by a role label (e.g. `match.label: "ci.role=runner"`) with a reason and owner.',
    ],
    response: [
      'Confirm who launched the container (events, engine audit logs) and whether the workload needs privileges.',
      'Inspect its mounts and processes for host access (nsenter, mount of host disks, /proc/sys writes).',
      'Stop and preserve the container (export filesystem) if not authorized; rotate host credentials if host access is confirmed.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      if (!c.container.privileged) continue;
      const running = c.container.state === 'running';
      hits.push({
        container: c,
        ref: 'privileged',
        summary: `Container ${c.container.name} ${running ? 'runs' : 'is configured to run'} privileged (all capabilities, all host devices, no seccomp/AppArmor) from image ${c.container.image}.`,
        evidence: [inspectRef(c, 'HostConfig.Privileged', 'Privileged: true')],
        severity: running ? 'critical' : 'high',
      });
    }
    return hits;
  },
};
