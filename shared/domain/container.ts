import { z } from 'zod';
import { boundedString, LabelsSchema, LIMITS } from './bounds.js';

export const ContainerStateSchema = z.enum([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
  'unknown',
]);
export type ContainerState = z.infer<typeof ContainerStateSchema>;

/** One container as the left rail and `stowaway scan` list it. */
export const ContainerSummarySchema = z.object({
  id: z.string().regex(/^[0-9a-f]{12,64}$/),
  engineId: z.string(),
  name: boundedString(LIMITS.name),
  image: boundedString(LIMITS.name),
  imageId: z.string().max(256),
  command: boundedString(LIMITS.command),
  state: ContainerStateSchema,
  status: boundedString(LIMITS.name),
  created: z.string(),
  labels: LabelsSchema,
  risk: z.number().min(0).max(100).optional(),
});
export type ContainerSummary = z.infer<typeof ContainerSummarySchema>;

export const MountSchema = z.object({
  type: z.string(),
  source: boundedString(LIMITS.path),
  destination: boundedString(LIMITS.path),
  readOnly: z.boolean(),
});

export const PortSchema = z.object({
  containerPort: z.number().int(),
  protocol: z.string(),
  hostIp: z.string().optional(),
  hostPort: z.number().int().optional(),
});

/** The facts an analyst reads on the overview tab; derived from inspect, never from exec. */
export const ContainerDetailSchema = ContainerSummarySchema.extend({
  entrypoint: z.array(boundedString(LIMITS.command)).max(256),
  cmd: z.array(boundedString(LIMITS.command)).max(256),
  user: boundedString(LIMITS.name),
  privileged: z.boolean(),
  capAdd: z.array(z.string()).max(64),
  capDrop: z.array(z.string()).max(64),
  pidMode: z.string(),
  networkMode: z.string(),
  ipcMode: z.string(),
  securityOpt: z.array(boundedString(LIMITS.name)).max(64),
  mounts: z.array(MountSchema).max(512),
  networks: z
    .array(z.object({ name: boundedString(LIMITS.name), ipAddress: z.string(), networkId: z.string() }))
    .max(64),
  ports: z.array(PortSchema).max(1024),
  exposedPorts: z.array(z.string()).max(1024),
  logDriver: z.string(),
  restartPolicy: z.string(),
  hostPid: z.number().int().optional(),
  startedAt: z.string().optional(),
  env: z.array(boundedString(LIMITS.label)).max(1024),
  utsMode: z.string().default(''),
  usernsMode: z.string().default(''),
  cgroupnsMode: z.string().default(''),
  devices: z.array(z.string()).max(256).default([]),
  readonlyRootfs: z.boolean().default(false),
  /** `docker run --rm`: the container removes itself, so its traces vanish with it. */
  autoRemove: z.boolean().default(false),
  logOptions: z.record(z.string(), z.string()).default({}),
  appArmorProfile: z.string().default(''),
  /** Resource limits and runtime settings the CIS Docker Benchmark (section 5) asks for; absent on old evidence. */
  runtime: z
    .object({
      memoryBytes: z.number().default(0),
      nanoCpus: z.number().default(0),
      cpuShares: z.number().default(0),
      cpuQuota: z.number().default(0),
      pidsLimit: z.number().default(0),
      restartMaxRetries: z.number().default(0),
      ulimits: z.array(z.string().max(128)).max(64).default([]),
      cgroupParent: z.string().max(512).default(''),
      healthcheck: z.boolean().default(false),
      propagation: z
        .array(z.object({ destination: z.string().max(LIMITS.path), mode: z.string().max(32) }))
        .max(512)
        .default([]),
    })
    .optional(),
  /** Name resolution the container was given (`--hostname`, `--add-host`, `--dns`, `--link`), for judging its /etc/hosts and resolv.conf. */
  names: z
    .object({
      hostname: z.string().max(LIMITS.name).default(''),
      domainname: z.string().max(LIMITS.name).default(''),
      extraHosts: z.array(z.string().max(LIMITS.name)).max(256).default([]),
      dns: z.array(z.string().max(64)).max(32).default([]),
      links: z.array(z.string().max(LIMITS.name)).max(256).default([]),
      hostnamePath: z.string().max(LIMITS.path).default(''),
      hostsPath: z.string().max(LIMITS.path).default(''),
      resolvConfPath: z.string().max(LIMITS.path).default(''),
    })
    .optional(),
  /** Overlay directories from GraphDriver.Data; host-side reads use them when the engine is local. */
  graphDriver: z
    .object({
      name: z.string(),
      upperDir: z.string().optional(),
      lowerDir: z.string().optional(),
      mergedDir: z.string().optional(),
    })
    .default({ name: '' }),
});
export type ContainerDetail = z.infer<typeof ContainerDetailSchema>;

/**
 * User-defined networks give a container the engine's embedded DNS server (127.0.0.11); the built-in modes give it
 * the host's resolvers, the host's files, or another container's.
 */
export const hasEmbeddedDns = (networkMode: string): boolean =>
  !['', 'default', 'bridge', 'host', 'none'].includes(networkMode) && !networkMode.startsWith('container:');
