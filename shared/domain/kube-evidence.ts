import { z } from 'zod';
import { boundedString, LabelsSchema, LIMITS } from './bounds.js';

/**
 * What a Kubernetes cluster's API server shows about its workloads, read during a scan of a kubeconfig context:
 * the input of the cluster detectors, kept with the scan as evidence (each listed page hashed as received).
 * Everything here came from the cluster and is hostile input: strings are bounded, lists capped.
 */

const name = () => boundedString(LIMITS.name);

export const WORKLOAD_KINDS = [
  'Pod',
  'Deployment',
  'DaemonSet',
  'StatefulSet',
  'ReplicaSet',
  'Job',
  'CronJob',
] as const;
export const WorkloadKindSchema = z.enum(WORKLOAD_KINDS);
export type WorkloadKind = z.infer<typeof WorkloadKindSchema>;

/** The subject of a finding about a cluster: a workload, and the container when the finding is about one. */
export const WorkloadRefSchema = z.object({
  kind: WorkloadKindSchema,
  namespace: name(),
  name: name(),
  container: name().optional(),
});
export type WorkloadRef = z.infer<typeof WorkloadRefSchema>;

export const KubeContainerSchema = z.object({
  name: name(),
  image: name(),
  /** Where in the pod spec it is declared. */
  role: z.enum(['container', 'init', 'ephemeral']).default('container'),
  command: z.array(boundedString(LIMITS.command)).max(64).default([]),
  args: z.array(boundedString(LIMITS.command)).max(64).default([]),
  privileged: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  runAsUser: z.number().int().optional(),
  runAsNonRoot: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  capAdd: z.array(name()).max(64).default([]),
  capDrop: z.array(name()).max(64).default([]),
  seccomp: name().optional(),
  procMount: name().optional(),
  hostPorts: z.array(z.number().int()).max(64).default([]),
  mounts: z
    .array(z.object({ volume: name(), path: boundedString(LIMITS.path), readOnly: z.boolean().optional() }))
    .max(128)
    .default([]),
  /** Secrets handed in as environment variables (`secretKeyRef`, `envFrom.secretRef`): names only. */
  envSecrets: z.array(name()).max(64).optional(),
  /** AppArmor profile: `appArmorProfile.type` (or the beta annotation's value), e.g. Unconfined, RuntimeDefault, Localhost. */
  appArmor: name().optional(),
  /** SELinux options set on the container (`type=spc_t`, `user=…`, `role=…`, `level=…`). */
  seLinux: z.array(name()).max(8).optional(),
  /** `host` fields of probes and lifecycle handlers: addresses the kubelet is told to contact. */
  probeHosts: z.array(name()).max(16).optional(),
});
export type KubeContainer = z.infer<typeof KubeContainerSchema>;

export const KubeVolumeSchema = z.object({
  name: name(),
  /** The kind of source: hostPath, secret, projected, emptyDir... */
  source: name(),
  hostPath: boundedString(LIMITS.path).optional(),
});

/** The security-relevant part of a pod spec, from a pod or a controller's pod template. */
export const KubePodTemplateSchema = z.object({
  serviceAccountName: name().default('default'),
  automountServiceAccountToken: z.boolean().optional(),
  hostPID: z.boolean().default(false),
  hostIPC: z.boolean().default(false),
  hostNetwork: z.boolean().default(false),
  runAsUser: z.number().int().optional(),
  runAsNonRoot: z.boolean().optional(),
  seccomp: name().optional(),
  appArmor: name().optional(),
  seLinux: z.array(name()).max(8).optional(),
  sysctls: z.array(name()).max(64).default([]),
  volumes: z.array(KubeVolumeSchema).max(128).default([]),
  containers: z.array(KubeContainerSchema).max(128),
});
export type KubePodTemplate = z.infer<typeof KubePodTemplateSchema>;

/** Who wrote an object, from metadata.managedFields: the field manager, operation and time. */
export const KubeManagerSchema = z.object({ manager: name(), operation: name(), time: z.string().max(64).optional() });
export type KubeManager = z.infer<typeof KubeManagerSchema>;

export const KubeWorkloadSchema = z.object({
  kind: WorkloadKindSchema,
  namespace: name(),
  name: name(),
  uid: name(),
  createdAt: z.string().max(64).optional(),
  labels: LabelsSchema.default({}),
  /** The controller that owns it (ownerReferences with controller: true). */
  owner: z.object({ kind: name(), name: name(), uid: name().optional() }).optional(),
  managers: z.array(KubeManagerSchema).max(32).default([]),
  template: KubePodTemplateSchema,
  /** Pods only. */
  nodeName: name().optional(),
  phase: name().optional(),
  containerStatuses: z
    .array(z.object({ name: name(), containerID: name().optional(), state: name().optional() }))
    .max(128)
    .optional(),
});
export type KubeWorkload = z.infer<typeof KubeWorkloadSchema>;

export const KubeNamespaceSchema = z.object({
  name: name(),
  uid: name().optional(),
  createdAt: z.string().max(64).optional(),
  labels: LabelsSchema.default({}),
});

export const KubeRuleSchema = z.object({
  verbs: z.array(name()).max(64).default([]),
  apiGroups: z.array(name()).max(64).default([]),
  resources: z.array(name()).max(128).default([]),
  nonResourceURLs: z.array(name()).max(64).default([]),
});
export type KubeRule = z.infer<typeof KubeRuleSchema>;

export const KubeRoleSchema = z.object({
  kind: z.enum(['Role', 'ClusterRole']),
  namespace: name().optional(),
  name: name(),
  rules: z.array(KubeRuleSchema).max(256).default([]),
  aggregated: z.boolean().default(false),
});
export type KubeRole = z.infer<typeof KubeRoleSchema>;

export const KubeSubjectSchema = z.object({ kind: name(), name: name(), namespace: name().optional() });
export const KubeBindingSchema = z.object({
  kind: z.enum(['RoleBinding', 'ClusterRoleBinding']),
  namespace: name().optional(),
  name: name(),
  roleRef: z.object({ kind: name(), name: name() }),
  subjects: z.array(KubeSubjectSchema).max(256).default([]),
  createdAt: z.string().max(64).optional(),
  managers: z.array(KubeManagerSchema).max(32).default([]),
});
export type KubeBinding = z.infer<typeof KubeBindingSchema>;

export const KubeEventSchema = z.object({
  namespace: name(),
  involved: z.object({ kind: name(), name: name(), uid: name().optional() }),
  reason: name(),
  message: boundedString(LIMITS.summary),
  type: name().optional(),
  time: z.string().max(64).optional(),
  count: z.number().int().optional(),
});
export type KubeEvent = z.infer<typeof KubeEventSchema>;

export const KubeServiceSchema = z.object({
  namespace: name(),
  name: name(),
  type: name(),
  ports: z
    .array(z.object({ port: z.number().int(), nodePort: z.number().int().optional(), protocol: name().optional() }))
    .max(64)
    .default([]),
});
/** An Ingress: whether it terminates TLS, and the hosts it routes. */
export const KubeIngressSchema = z.object({
  namespace: name(),
  name: name(),
  tls: z.boolean(),
  hosts: z.array(name()).max(64).default([]),
});
/** A ConfigMap, kept only when keys look like credentials; the values themselves are never kept. */
export const KubeConfigMapSchema = z.object({
  namespace: name(),
  name: name(),
  credentialKeys: z.array(name()).max(64),
});
export const KubeNetworkPolicySchema = z.object({ namespace: name(), name: name() });
export const KubeServiceAccountSchema = z.object({
  namespace: name(),
  name: name(),
  automountServiceAccountToken: z.boolean().optional(),
});

/** Resources whose listing was cut at the scan's bound: absence in them proves nothing. */
export const ClusterEvidenceSchema = z.object({
  context: name(),
  server: name().optional(),
  serverVersion: name().optional(),
  listedAt: z.string(),
  /** Namespaces the scan was limited to (`--namespace`); absent when it read them all. */
  scope: z.array(name()).max(256).optional(),
  namespaces: z.array(KubeNamespaceSchema).max(10_000).default([]),
  workloads: z.array(KubeWorkloadSchema).max(200_000).default([]),
  services: z.array(KubeServiceSchema).max(50_000).default([]),
  networkPolicies: z.array(KubeNetworkPolicySchema).max(50_000).default([]),
  ingresses: z.array(KubeIngressSchema).max(50_000).default([]),
  configMaps: z.array(KubeConfigMapSchema).max(50_000).default([]),
  serviceAccounts: z.array(KubeServiceAccountSchema).max(50_000).default([]),
  roles: z.array(KubeRoleSchema).max(50_000).default([]),
  bindings: z.array(KubeBindingSchema).max(50_000).default([]),
  events: z.array(KubeEventSchema).max(50_000).default([]),
  /** `list` calls that did not complete (403, timeout): what the scan could not see, as `verb resource`. */
  unread: z.array(name()).max(64).default([]),
  truncated: z.array(name()).max(64).default([]),
});
export type ClusterEvidence = z.infer<typeof ClusterEvidenceSchema>;
