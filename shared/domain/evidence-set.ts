import { z } from 'zod';
import { boundedString, LIMITS } from './bounds.js';
import { ContainerDetailSchema } from './container.js';
import { EngineEventSchema } from './event.js';
import { FileChangeSchema } from './file-change.js';
import { NetworkSnapshotSchema } from './network.js';
import { ProcessSnapshotSchema } from './process.js';
import { ScanErrorSchema } from './scan.js';
import { InsecureTransportSchema } from './engine.js';
import { ClusterEvidenceSchema, KubeRuleSchema } from './kube-evidence.js';
import { ContainerObservationSchema, ObservationSchema } from './observation.js';

/**
 * Everything collected about one engine in one scan: the single input of every detector (pure functions
 * from this to findings), of the investigation views, and of offline evidence bundles.
 */

/** Provenance of one collected artifact: what produced it, when, and the hash of its exact bytes. */
export const ArtifactRefSchema = z.object({
  kind: z.enum([
    'inspect',
    'image',
    'top',
    'proc',
    'sockets',
    'changes',
    'archive',
    'attrs',
    'stats',
    'events',
    'exec',
    'kube-audit',
    'kube-api',
  ]),
  sourceCall: z.string().max(2048),
  collectedAt: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int(),
  containerId: z.string().optional(),
});
export type ArtifactRef = z.infer<typeof ArtifactRefSchema>;

export const ImageFactsSchema = z.object({
  id: z.string(),
  repoTags: z.array(z.string().max(LIMITS.name)).max(256),
  /** Empty when the image was never pulled from a registry (built, loaded, imported or committed on the host). */
  repoDigests: z.array(z.string().max(LIMITS.name)).max(256),
  created: z.string(),
  cmd: z.array(boundedString(LIMITS.command)).max(256),
  entrypoint: z.array(boundedString(LIMITS.command)).max(256),
  exposedPorts: z.array(z.string()).max(1024),
  env: z.array(boundedString(LIMITS.label)).max(1024),
  labels: z.record(z.string(), z.string()).default({}),
  /** Config.User: the user the image runs as unless the container overrides it; empty means root. */
  user: z.string().max(LIMITS.name).default(''),
  history: z
    .array(
      z.object({
        created: z.string(),
        createdBy: boundedString(LIMITS.command),
        comment: boundedString(LIMITS.summary).optional(),
      }),
    )
    .max(512),
});
export type ImageFacts = z.infer<typeof ImageFactsSchema>;

/** Content of a file read without executing anything in the container (archive endpoint or host upper dir). */
export const FileContentSchema = z.object({
  path: boundedString(LIMITS.path),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int(),
  /** UTF-8 text, bounded; absent for binaries or files over the read limit. */
  text: z.string().max(LIMITS.text).optional(),
  /** First bytes as hex, to tell ELF and scripts apart without keeping the whole binary. */
  headHex: z.string().max(64).optional(),
  /** Hash of the same path in the image, when it exists there. */
  imageSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  mode: z.number().int().optional(),
  mtime: z.string().optional(),
  ctime: z.string().optional(),
});
export type FileContent = z.infer<typeof FileContentSchema>;

export const StatsSampleSchema = z.object({
  at: z.string(),
  cpuPercent: z.number(),
  memoryBytes: z.number(),
  memoryLimitBytes: z.number().optional(),
  pids: z.number().int(),
  netRxBytes: z.number(),
  netTxBytes: z.number(),
});
export type StatsSample = z.infer<typeof StatsSampleSchema>;

export const ExecRecordSchema = z.object({
  execId: z.string(),
  containerId: z.string(),
  time: z.string(),
  command: boundedString(LIMITS.command),
  user: z.string().max(LIMITS.name).optional(),
  privileged: z.boolean().optional(),
  tty: z.boolean().optional(),
});
export type ExecRecord = z.infer<typeof ExecRecordSchema>;

export const ContainerEvidenceSchema = z.object({
  container: ContainerDetailSchema,
  /** Host-side view (top / host /proc) and, only when collected, the in-container view (labelled as exec). */
  processes: z.object({ host: ProcessSnapshotSchema.optional(), container: ProcessSnapshotSchema.optional() }),
  /** Socket snapshots over time, oldest first; more than one lets detectors see beaconing. */
  sockets: z.array(NetworkSnapshotSchema).default([]),
  files: z.array(FileChangeSchema).default([]),
  /**
   * Regular files and directories in the container's scratch tmpfs mounts (/dev/shm, /dev, a tmpfs /tmp...), read
   * host-side: in no layer, so in no diff. All were created after start. Bounded to 2,000 entries.
   */
  tmpfsFiles: z.array(FileChangeSchema).max(2000).default([]),
  /**
   * Files and directories in the container's named volumes changed since it started, read host-side from the volumes'
   * directories: in no layer, so in no diff. Bounded to 2,000 entries walked.
   */
  volumeFiles: z.array(FileChangeSchema).max(2000).default([]),
  fileContents: z.array(FileContentSchema).default([]),
  /**
   * Files the engine writes for the container at start and bind-mounts over its own (/etc/hosts, /etc/resolv.conf):
   * in no layer, so in no diff, yet the container can rewrite them.
   */
  engineFiles: z.array(FileContentSchema).max(4).default([]),
  /**
   * Which of those files were rewritten after the engine wrote them: the hash differs from the one the engine
   * recorded (`resolv.conf.hash`), or the file was written well after the container's /etc/hostname.
   */
  engineFilesRewritten: z.array(z.string().max(64)).max(4).default([]),
  /** Mount points seen in /proc/PID/mountinfo of the container's processes (host side). */
  mountPoints: z.array(boundedString(LIMITS.path)).max(4096).default([]),
  stats: z.array(StatsSampleSchema).default([]),
  artifacts: z.array(ArtifactRefSchema).default([]),
  /** How the facts were read: host-side files (local engine) or only the Engine API. */
  access: z.enum(['host', 'api']).default('api'),
  /** Calls that failed for this container; the rest of its evidence stands. */
  errors: z.array(ScanErrorSchema).max(256).default([]),
  /** Present after an observed scan (`--observe`): the PIDs of every sample and the processes that came and went. */
  observation: ContainerObservationSchema.optional(),
});
export type ContainerEvidence = z.infer<typeof ContainerEvidenceSchema>;

export const KubeAuditEventSchema = z.object({
  time: z.string(),
  verb: z.string(),
  user: z.string().max(LIMITS.name),
  userAgent: z.string().max(LIMITS.summary).optional(),
  namespace: z.string().max(LIMITS.name).optional(),
  resource: z.string().max(LIMITS.name),
  name: z.string().max(LIMITS.name).optional(),
  images: z.array(z.string().max(LIMITS.name)).max(64).default([]),
  sourceIPs: z.array(z.string()).max(16).default([]),
  /** The pod spec flags that matter (privileged, hostPID, hostNetwork, hostPath mounts). */
  podFlags: z.array(z.string()).max(64).default([]),
  /** Groups of the user: tell people from controllers (system:serviceaccounts, system:nodes). */
  groups: z.array(z.string().max(LIMITS.name)).max(64).optional(),
  auditID: z.string().max(LIMITS.name).optional(),
  /** The API server's answer: 200, 201, 101 for an upgraded exec stream. */
  code: z.number().int().optional(),
  /** Command and args of the containers of a created pod spec (miner arguments). */
  commands: z.array(z.string().max(LIMITS.command)).max(64).optional(),
  /** For bindings: the role bound and to whom. */
  roleRef: z.string().max(LIMITS.name).optional(),
  subjects: z.array(z.string().max(LIMITS.name)).max(64).optional(),
  /** The request URI (an exec's command is only there). */
  requestURI: z.string().max(LIMITS.path).optional(),
  /** The authorizer's decision (`authorization.k8s.io/decision` annotation): allow or forbid. */
  decision: z.string().max(64).optional(),
  /** For roles and cluster roles: the rules of the request body. */
  rules: z.array(KubeRuleSchema).max(64).optional(),
  /** For services: spec.type. For secrets: type (kubernetes.io/service-account-token...). */
  objectType: z.string().max(LIMITS.name).optional(),
  /** For ingresses: whether spec.tls is set. */
  tls: z.boolean().optional(),
  /** For configmaps: keys whose name or value looks like a credential (never the values). */
  credentialKeys: z.array(z.string().max(LIMITS.name)).max(64).optional(),
});
export type KubeAuditEvent = z.infer<typeof KubeAuditEventSchema>;

/** A pod as the Kubernetes API server lists it: enough to match containers to pods by the kubelet's labels. */
export const KubePodSchema = z.object({
  uid: z.string().max(LIMITS.name),
  name: z.string().max(LIMITS.name),
  namespace: z.string().max(LIMITS.name),
  nodeName: z.string().max(LIMITS.name).optional(),
  phase: z.string().max(64).optional(),
  /** The containers the API server reports for the pod, with the runtime's id (`docker://…`, `containerd://…`). */
  containers: z
    .array(z.object({ name: z.string().max(LIMITS.name), containerID: z.string().max(LIMITS.name).optional() }))
    .max(128)
    .optional(),
});
export type KubePod = z.infer<typeof KubePodSchema>;

/** The pods of a Kubernetes context, listed during the scan; absent when no context was named. */
export const KubePodListSchema = z.object({
  context: z.string().max(LIMITS.name),
  listedAt: z.string(),
  pods: z.array(KubePodSchema).max(100_000),
  /** True when the list was cut at the bound: missing pods then prove nothing. */
  truncated: z.boolean().default(false),
});
export type KubePodList = z.infer<typeof KubePodListSchema>;

export const EngineEvidenceSchema = z.object({
  engine: z.object({
    id: z.string(),
    name: z.string(),
    endpoint: z.string(),
    serverVersion: z.string().optional(),
    local: z.boolean().default(false),
    /** Set when the evidence travelled over a connection anyone on the path could read or alter. */
    insecure: InsecureTransportSchema.optional(),
  }),
  collectedAt: z.string(),
  since: z.string().optional(),
  /** Engine-wide settings from GET /info that benchmark checks read (swarm mode, the security options in force). */
  info: z
    .object({
      /** Swarm.LocalNodeState: inactive, pending, active, error, locked. */
      swarm: z.string().max(32),
      swarmManager: z.boolean().default(false),
      /** SecurityOptions, e.g. name=apparmor, name=seccomp,profile=builtin, name=selinux. */
      securityOptions: z.array(z.string().max(256)).max(32).default([]),
    })
    .optional(),
  containers: z.array(ContainerEvidenceSchema),
  images: z.array(ImageFactsSchema).default([]),
  events: z.array(EngineEventSchema).default([]),
  execs: z.array(ExecRecordSchema).default([]),
  kubeAudit: z.array(KubeAuditEventSchema).default([]),
  kubePods: KubePodListSchema.optional(),
  /** The cluster's own state, when the scanned engine is a kubeconfig context. */
  kube: ClusterEvidenceSchema.optional(),
  errors: z.array(ScanErrorSchema).default([]),
  /** Provenance of engine-level artifacts (image inspect/history, the event stream, exec records). */
  artifacts: z.array(ArtifactRefSchema).default([]),
  /** Present after an observed scan: how the engine was sampled over time. */
  observation: ObservationSchema.optional(),
});
export type EngineEvidence = z.infer<typeof EngineEvidenceSchema>;
