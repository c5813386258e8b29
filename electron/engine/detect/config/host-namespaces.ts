import type { Detector, Hit } from '../detector.js';
import { inspectRef } from '../lib/refs.js';

const NAMESPACES: Array<{
  field: 'pidMode' | 'networkMode' | 'ipcMode' | 'utsMode' | 'usernsMode';
  name: string;
  what: string;
  severity: 'high' | 'medium';
  attack: string[];
}> = [
  {
    field: 'pidMode',
    name: 'PID',
    what: 'sees and can signal or ptrace every host process',
    severity: 'high',
    attack: ['T1611', 'T1057'],
  },
  {
    field: 'networkMode',
    name: 'network',
    what: 'shares the host network stack (sniffing, host-only services, no network isolation)',
    severity: 'high',
    attack: ['T1611', 'T1040'],
  },
  {
    field: 'ipcMode',
    name: 'IPC',
    what: 'shares host shared memory and semaphores',
    severity: 'medium',
    attack: ['T1611'],
  },
  { field: 'utsMode', name: 'UTS', what: 'can change the host name', severity: 'medium', attack: ['T1611'] },
  {
    field: 'usernsMode',
    name: 'user',
    what: 'opts out of user-namespace remapping (root inside is root outside)',
    severity: 'medium',
    attack: ['T1611'],
  },
];

/** Containers sharing a host namespace give up that part of their isolation. */
export const hostNamespaces: Detector = {
  meta: {
    id: 'host-namespaces',
    title: 'Host namespace shared with a container',
    strategy: ['ADS-evasion'],
    attack: ['T1611', 'T1057', 'T1040'],
    severity: 'high',
    kind: 'state',
    dataSources: ['container inspect: HostConfig.PidMode, NetworkMode, IpcMode, UTSMode, UsernsMode'],
    goal: 'Find containers started with --pid=host, --network=host, --ipc=host, --uts=host, or --userns=host, which let a container act on the host outside the view of container-scoped monitoring.',
    blindSpots: [
      'The cgroup namespace is not judged: engines on cgroup v1 hosts share it by default, so "host" there says nothing about intent.',
      'A process that joins host namespaces later with nsenter from a privileged container is not visible in inspect; the namespace inodes of each process (host /proc) are needed.',
    ],
    falsePositives: [
      'Node agents (monitoring, log collection, CNI) legitimately use host PID or network. Suppress by image with `ref` set to the namespace (`ns:pid`, `ns:network`).',
    ],
    response: [
      'Confirm the workload needs the namespace; most applications do not.',
      'With host PID: look for ptrace, nsenter or kill of host processes from the container (process tree, exec history).',
      'Recreate the container without the shared namespace.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      for (const ns of NAMESPACES) {
        if (c.container[ns.field] !== 'host') continue;
        hits.push({
          container: c,
          ref: `ns:${ns.name.toLowerCase()}`,
          summary: `Container ${c.container.name} shares the host ${ns.name} namespace, so it ${ns.what}.`,
          evidence: [inspectRef(c, `HostConfig.${ns.field}`, `${ns.field}: host`)],
          severity: ns.severity,
          attack: ns.attack,
        });
      }
    }
    return hits;
  },
};
