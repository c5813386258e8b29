import type { ContainerEvidence, EngineEvidence } from '@shared/domain/evidence-set.js';
import type { Severity } from '@shared/domain/finding.js';
import type { Detector, Hit } from '../detector.js';
import { processesOf } from '../lib/process.js';
import { inspectRef, oneLine, ref } from '../lib/refs.js';

interface Check {
  /** CIS Docker Benchmark / docker-bench-security check number. */
  bench: string;
  what: string;
  severity: Severity;
  attack: string[];
  /** The offending value, or undefined when the container passes. */
  test(c: ContainerEvidence, ev: EngineEvidence): { field: string; value: string } | undefined;
}

const SHARED_PROPAGATION = new Set(['shared', 'rshared']);
/** Devices that give raw access to host memory or disks. */
const RAW_DEVICE = /^\/dev\/(mem|kmem|port|sd[a-z]|nvme\d|vd[a-z]|xvd[a-z]|hd[a-z]|dm-\d|mapper\/|loop\d|md\d|disk\/)/;

/** docker-bench section 5 checks an agentless reader sees in inspect (and GET /info) that other detectors do not already cover. */
export const CHECKS: Check[] = [
  {
    bench: '5.11',
    what: 'has no memory limit',
    severity: 'low',
    attack: ['T1496'],
    test: (c) =>
      c.container.runtime && c.container.runtime.memoryBytes === 0
        ? { field: 'HostConfig.Memory', value: '0 (unlimited)' }
        : undefined,
  },
  {
    bench: '5.12',
    what: 'has no CPU limit or priority',
    severity: 'low',
    attack: ['T1496'],
    test: (c) => {
      const r = c.container.runtime;
      return r && r.nanoCpus === 0 && r.cpuQuota === 0 && (r.cpuShares === 0 || r.cpuShares === 1024)
        ? { field: 'HostConfig.NanoCpus/CpuQuota/CpuShares', value: 'unset' }
        : undefined;
    },
  },
  {
    bench: '5.13',
    what: 'has a writable root filesystem',
    severity: 'low',
    attack: ['T1105'],
    test: (c) =>
      c.container.runtime && !c.container.readonlyRootfs
        ? { field: 'HostConfig.ReadonlyRootfs', value: 'false' }
        : undefined,
  },
  {
    bench: '5.15',
    what: 'restarts without bound',
    severity: 'low',
    attack: ['T1543'],
    test: (c) => {
      const p = c.container.restartPolicy;
      const n = c.container.runtime?.restartMaxRetries ?? 0;
      return p === 'always' || p === 'unless-stopped' || (p === 'on-failure' && (n === 0 || n > 5))
        ? { field: 'HostConfig.RestartPolicy', value: `${p}${p === 'on-failure' ? `:${n}` : ''}` }
        : undefined;
    },
  },
  {
    bench: '5.18',
    what: 'has host devices mapped in',
    severity: 'medium',
    attack: ['T1611'],
    test: (c) =>
      c.container.devices.length
        ? { field: 'HostConfig.Devices', value: c.container.devices.slice(0, 8).join(', ') }
        : undefined,
  },
  {
    bench: '5.19',
    what: 'overrides the default ulimits',
    severity: 'low',
    attack: ['T1496'],
    test: (c) =>
      c.container.runtime?.ulimits.length
        ? { field: 'HostConfig.Ulimits', value: c.container.runtime.ulimits.slice(0, 8).join(', ') }
        : undefined,
  },
  {
    bench: '5.20',
    what: 'has a mount with shared propagation',
    severity: 'medium',
    attack: ['T1611'],
    test: (c) => {
      const m = c.container.runtime?.propagation.filter((x) => SHARED_PROPAGATION.has(x.mode)) ?? [];
      return m.length
        ? { field: 'Mounts[].Propagation', value: m.map((x) => `${x.destination} ${x.mode}`).join(', ') }
        : undefined;
    },
  },
  {
    bench: '5.8',
    what: 'publishes a privileged host port (below 1024)',
    severity: 'low',
    attack: ['T1133'],
    test: (c) => {
      const p = c.container.ports.filter((x) => x.hostPort !== undefined && x.hostPort > 0 && x.hostPort < 1024);
      return p.length
        ? {
            field: 'NetworkSettings.Ports',
            value: p.map((x) => `${x.hostIp || '0.0.0.0'}:${x.hostPort}->${x.containerPort}/${x.protocol}`).join(', '),
          }
        : undefined;
    },
  },
  {
    bench: '5.14',
    what: 'publishes ports on every host interface',
    severity: 'low',
    attack: ['T1133'],
    test: (c) => {
      const p = c.container.ports.filter(
        (x) => x.hostPort !== undefined && (!x.hostIp || x.hostIp === '0.0.0.0' || x.hostIp === '::'),
      );
      return p.length
        ? {
            field: 'NetworkSettings.Ports',
            value: p.map((x) => `${x.hostIp || '0.0.0.0'}:${x.hostPort}->${x.containerPort}/${x.protocol}`).join(', '),
          }
        : undefined;
    },
  },
  {
    bench: '5.25',
    what: 'runs under a custom cgroup parent',
    severity: 'low',
    attack: ['T1564'],
    test: (c) =>
      c.container.runtime?.cgroupParent
        ? { field: 'HostConfig.CgroupParent', value: c.container.runtime.cgroupParent }
        : undefined,
  },
  {
    bench: '5.26',
    what: 'can gain privileges (no-new-privileges not set)',
    severity: 'low',
    attack: ['T1548'],
    test: (c) =>
      c.container.runtime && !c.container.securityOpt.some((o) => /^no-new-privileges(:true|=true)?$/.test(o))
        ? { field: 'HostConfig.SecurityOpt', value: c.container.securityOpt.join(', ') || 'none' }
        : undefined,
  },
  {
    bench: '5.27',
    what: 'has no health check',
    severity: 'low',
    attack: ['T1562.001'],
    test: (c) =>
      c.container.runtime && !c.container.runtime.healthcheck
        ? { field: 'Config.Healthcheck', value: 'none' }
        : undefined,
  },
  {
    bench: '5.29',
    what: 'has no PIDs limit',
    severity: 'low',
    attack: ['T1496'],
    test: (c) =>
      c.container.runtime && c.container.runtime.pidsLimit <= 0
        ? { field: 'HostConfig.PidsLimit', value: String(c.container.runtime.pidsLimit) }
        : undefined,
  },
  {
    bench: '5.3',
    what: 'has no SELinux options on an engine that enforces SELinux',
    severity: 'low',
    attack: ['T1611'],
    test: (c, ev) =>
      ev.info?.securityOptions.some((o) => o.includes('name=selinux')) &&
      !c.container.securityOpt.some((o) => /^label[=:]/.test(o))
        ? {
            field: 'HostConfig.SecurityOpt',
            value: `${c.container.securityOpt.join(', ') || 'none'} (engine: ${ev.info.securityOptions.join(', ')})`,
          }
        : undefined,
  },
  {
    bench: '5.30',
    what: 'is on the default bridge network',
    severity: 'low',
    attack: ['T1021'],
    test: (c) =>
      c.container.networkMode === 'default' || c.container.networkMode === 'bridge'
        ? { field: 'HostConfig.NetworkMode', value: c.container.networkMode }
        : undefined,
  },
];

/** Devices worse than the rest: a mapped disk or /dev/mem reads and writes the host directly. */
const deviceSeverity = (devices: string[]): Severity =>
  devices.some((d) => RAW_DEVICE.test(d.split(':')[0] ?? '')) ? 'high' : 'medium';

/**
 * The CIS Docker Benchmark's runtime checks that inspect shows and no other detector owns, one finding per
 * container and check. They are hardening gaps rather than attacks, so most are informational and group by
 * check in tables and reports.
 */
export const runtimeHardening: Detector = {
  meta: {
    id: 'runtime-hardening',
    title: 'Container runtime hardening gap (CIS Docker Benchmark section 5)',
    strategy: ['ADS-evasion'],
    attack: ['T1496', 'T1611', 'T1133', 'T1548', 'T1543', 'T1105', 'T1564', 'T1562.001', 'T1021', 'T1021.004', 'T1610'],
    severity: 'low',
    kind: 'state',
    dataSources: [
      'container inspect: HostConfig (Memory, NanoCpus, CpuShares, CpuQuota, PidsLimit, ReadonlyRootfs, RestartPolicy, Devices, Ulimits, CgroupParent, SecurityOpt, NetworkMode), Mounts[].Propagation, Config.Healthcheck, NetworkSettings.Ports',
      'host-side process list (sshd inside a container, 5.7)',
      'GET /info: Swarm.LocalNodeState and ControlAvailable (5.1), SecurityOptions (5.3)',
    ],
    goal: 'Report the docker-bench-security section 5 checks an agentless reader can see and that no other detector covers: no memory, CPU or PIDs limit (5.11, 5.12, 5.29), writable root filesystem (5.13), unbounded restart (5.15), host devices (5.18), ulimit overrides (5.19), shared mount propagation (5.20), privileged or all-interface published ports (5.8, 5.14), custom cgroup parent (5.25), no-new-privileges unset (5.26), no health check (5.27), default bridge (5.30), sshd running inside (5.7), and, from the engine, swarm mode (5.1) and containers without SELinux options where the engine enforces SELinux (5.3). Each finding names its check, so a fleet-wide gap reads as one row per check.',
    blindSpots: [
      "Settings applied outside the container's own configuration (a daemon-wide default ulimit, cgroup limits set by an orchestrator on the parent, an authorization plugin) are not seen.",
      'Only running containers are judged, as docker-bench does.',
      '5.3 is judged only where the engine reports SELinux among its security options; on AppArmor hosts the AppArmor profile (security-profile-disabled) is what confines containers.',
    ],
    falsePositives: [
      'Most defaults fail the benchmark (no limits, writable rootfs, no health check): these are informational, one row per check in the scan table and reports. Suppress a check by `ref` (the check number, for example `5.27`) for images that cannot comply, with a reason.',
    ],
    response: [
      'Set the missing limit or option in the deployment (compose file, run flags, pod spec) and redeploy; the finding closes at the next scan.',
      'For mapped devices and shared propagation, find out why the container needs host-level access; remove it or isolate the container.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    // 5.1 is the one engine-wide check: a swarm node accepts services from any manager of the swarm.
    if (ev.info && ev.info.swarm !== 'inactive' && ev.info.swarm !== '') {
      hits.push({
        ref: '5.1',
        cause: 'cis-5.1',
        summary: `Engine ${ev.engine.name} is in swarm mode (${oneLine(ev.info.swarm, 20)}${ev.info.swarmManager ? ', manager' : ''}) (CIS Docker 5.1): its managers can schedule containers here and it opens the swarm ports.`,
        evidence: [
          ref(
            'inspect',
            'GET /info:Swarm',
            `Swarm.LocalNodeState: ${oneLine(ev.info.swarm, 20)}; ControlAvailable: ${ev.info.swarmManager}`,
          ),
        ],
        severity: ev.info.swarmManager ? 'medium' : 'low',
        attack: ['T1610'],
      });
    }
    for (const c of ev.containers) {
      if (c.container.state !== 'running') continue;
      for (const check of CHECKS) {
        const bad = check.test(c, ev);
        if (!bad) continue;
        const severity = check.bench === '5.18' ? deviceSeverity(c.container.devices) : check.severity;
        hits.push({
          container: c,
          ref: check.bench,
          cause: `cis-${check.bench}`,
          summary: `${c.container.name} ${check.what} (CIS Docker ${check.bench}): ${oneLine(bad.value, 160)}.`,
          evidence: [inspectRef(c, bad.field, oneLine(bad.value, 300))],
          severity,
          attack: check.attack,
        });
      }
      const sshd = processesOf(c).list.find((p) => p.comm === 'sshd' || /\/sshd$/.test(p.exe ?? ''));
      if (sshd)
        hits.push({
          container: c,
          ref: '5.7',
          cause: 'cis-5.7',
          summary: `${c.container.name} runs an SSH daemon (pid ${sshd.pid}) (CIS Docker 5.7): a way in that bypasses the engine's exec and its events.`,
          evidence: [ref('process', `pid ${sshd.pid}`, oneLine(sshd.cmdline || sshd.comm, 200))],
          severity: 'medium',
          attack: ['T1021.004'],
        });
    }
    return hits;
  },
};
