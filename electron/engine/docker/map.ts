import type Docker from 'dockerode';
import {
  ContainerDetailSchema,
  ContainerStateSchema,
  ContainerSummarySchema,
  type ContainerDetail,
  type ContainerState,
  type ContainerSummary,
} from '@shared/domain/container.js';

const stateOf = (s: string | undefined): ContainerState => {
  const parsed = ContainerStateSchema.safeParse(s);
  return parsed.success ? parsed.data : 'unknown';
};

/** Maps a /containers/json row to the domain; the schema bounds every hostile string. */
export function mapContainerSummary(raw: Docker.ContainerInfo, engineId: string): ContainerSummary {
  return ContainerSummarySchema.parse({
    id: raw.Id,
    engineId,
    name: (raw.Names?.[0] ?? raw.Id.slice(0, 12)).replace(/^\//, ''),
    image: raw.Image ?? '',
    imageId: raw.ImageID ?? '',
    command: raw.Command ?? '',
    state: stateOf(raw.State),
    status: raw.Status ?? '',
    created: new Date((raw.Created ?? 0) * 1000).toISOString(),
    labels: raw.Labels ?? {},
  });
}

/** Maps /containers/{id}/json to the overview the analyst reads. */
export function mapContainerDetail(raw: Docker.ContainerInspectInfo, engineId: string): ContainerDetail {
  const hc = raw.HostConfig ?? ({} as Docker.HostConfig);
  const cfg = raw.Config ?? ({} as Docker.ContainerInspectInfo['Config']);
  const ports: ContainerDetail['ports'] = [];
  for (const [key, bindings] of Object.entries(raw.NetworkSettings?.Ports ?? {})) {
    const [port, protocol = 'tcp'] = key.split('/');
    if (!bindings || bindings.length === 0) ports.push({ containerPort: Number(port), protocol });
    else
      for (const b of bindings)
        ports.push({ containerPort: Number(port), protocol, hostIp: b.HostIp, hostPort: Number(b.HostPort) });
  }
  const asArray = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
  return ContainerDetailSchema.parse({
    id: raw.Id,
    engineId,
    name: raw.Name.replace(/^\//, ''),
    image: cfg.Image ?? '',
    imageId: raw.Image ?? '',
    command: [raw.Path, ...(raw.Args ?? [])].join(' '),
    state: stateOf(raw.State?.Status),
    status: raw.State?.Status ?? '',
    created: raw.Created,
    labels: cfg.Labels ?? {},
    entrypoint: asArray(cfg.Entrypoint),
    cmd: asArray(cfg.Cmd),
    user: cfg.User ?? '',
    privileged: Boolean(hc.Privileged),
    capAdd: hc.CapAdd ?? [],
    capDrop: hc.CapDrop ?? [],
    pidMode: hc.PidMode ?? '',
    networkMode: hc.NetworkMode ?? '',
    ipcMode: hc.IpcMode ?? '',
    securityOpt: hc.SecurityOpt ?? [],
    mounts: (raw.Mounts ?? []).map((m) => ({
      type: m.Type ?? 'bind',
      source: m.Source ?? '',
      destination: m.Destination ?? '',
      readOnly: m.RW === false,
    })),
    networks: Object.entries(raw.NetworkSettings?.Networks ?? {}).map(([name, n]) => ({
      name,
      ipAddress: n.IPAddress ?? '',
      networkId: n.NetworkID ?? '',
    })),
    ports,
    exposedPorts: Object.keys(cfg.ExposedPorts ?? {}),
    logDriver: hc.LogConfig?.Type ?? '',
    restartPolicy: hc.RestartPolicy?.Name ?? '',
    hostPid: raw.State?.Pid || undefined,
    startedAt: raw.State?.StartedAt,
    env: cfg.Env ?? [],
    utsMode: hc.UTSMode ?? '',
    usernsMode: hc.UsernsMode ?? '',
    cgroupnsMode: (hc as { CgroupnsMode?: string }).CgroupnsMode ?? '',
    devices: ((hc.Devices ?? []) as { PathOnHost: string; PathInContainer: string }[]).map(
      (d) => `${d.PathOnHost}:${d.PathInContainer}`,
    ),
    readonlyRootfs: Boolean(hc.ReadonlyRootfs),
    autoRemove: Boolean(hc.AutoRemove),
    logOptions: hc.LogConfig?.Config ?? {},
    appArmorProfile: raw.AppArmorProfile ?? '',
    runtime: {
      memoryBytes: hc.Memory ?? 0,
      nanoCpus: hc.NanoCpus ?? 0,
      cpuShares: hc.CpuShares ?? 0,
      cpuQuota: hc.CpuQuota ?? 0,
      pidsLimit: hc.PidsLimit ?? 0,
      restartMaxRetries: hc.RestartPolicy?.MaximumRetryCount ?? 0,
      ulimits: (hc.Ulimits ?? []).map((u) => `${u.Name}=${u.Soft}:${u.Hard}`),
      cgroupParent: hc.CgroupParent ?? '',
      healthcheck: Boolean(cfg.Healthcheck?.Test?.length && cfg.Healthcheck.Test[0] !== 'NONE'),
      propagation: (raw.Mounts ?? [])
        .filter((m) => m.Propagation)
        .map((m) => ({ destination: m.Destination ?? '', mode: m.Propagation ?? '' })),
    },
    names: {
      hostname: cfg.Hostname ?? '',
      domainname: cfg.Domainname ?? '',
      extraHosts: asArray(hc.ExtraHosts),
      dns: asArray(hc.Dns),
      links: asArray(hc.Links),
      hostnamePath: raw.HostnamePath ?? '',
      hostsPath: raw.HostsPath ?? '',
      resolvConfPath: raw.ResolvConfPath ?? '',
    },
    graphDriver: graphDriverOf(raw),
  });
}

/** dockerode types GraphDriver.Data for devicemapper only; overlay2 carries the directories host-side reads need. */
function graphDriverOf(raw: Docker.ContainerInspectInfo): ContainerDetail['graphDriver'] {
  const data = (raw.GraphDriver?.Data ?? {}) as Record<string, string | undefined>;
  return {
    name: raw.GraphDriver?.Name ?? '',
    upperDir: data.UpperDir,
    lowerDir: data.LowerDir,
    mergedDir: data.MergedDir,
  };
}
