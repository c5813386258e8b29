import { createHash } from 'node:crypto';

/**
 * The objects `stowaway k8s collect` creates: one namespace of its own and one short-lived Job per node, pinned to
 * that node, running the Stowaway collector with the host mounts the host-side collectors read (the engine's
 * socket, its data directory, the host's PID namespace). Nothing else in the cluster is touched, and deleting the
 * namespace removes all of it.
 */

export const COLLECTOR_CONTAINER = 'collector';
export const RUN_LABEL = 'stowaway.io/collect-run';
export const NODE_ANNOTATION = 'stowaway.io/node';
export const MANAGED_BY = {
  'app.kubernetes.io/name': 'stowaway-collector',
  'app.kubernetes.io/managed-by': 'stowaway',
};

export interface CollectPlanInput {
  runId: string;
  nodes: string[];
  image: string;
  /** Engine event history each collector reads (duration or RFC 3339). */
  since: string;
  /** Longest a Job may run before the cluster stops it. */
  deadlineSeconds: number;
  /** Where the node's container engine listens and keeps its data. */
  engineSocket?: string;
  engineDataDir?: string;
}

export interface CollectPlan {
  namespace: Record<string, unknown>;
  jobs: Array<{ node: string; job: Record<string, unknown> }>;
}

/** DNS-1123 label: lower case alphanumerics and '-', at most 63 characters; a hash keeps distinct nodes distinct. */
export function jobNameFor(node: string): string {
  const base =
    node
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'node';
  const h = createHash('sha256').update(node).digest('hex').slice(0, 6);
  return `collect-${base}-${h}`.replace(/-{2,}/g, '-');
}

export const namespaceFor = (runId: string) => `stowaway-collect-${runId}`;

export function collectPlan(p: CollectPlanInput): CollectPlan {
  const ns = namespaceFor(p.runId);
  const labels = { ...MANAGED_BY, [RUN_LABEL]: p.runId };
  const socket = p.engineSocket ?? '/var/run/docker.sock';
  const data = p.engineDataDir ?? '/var/lib/docker';
  const namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: ns,
      labels: {
        ...labels,
        // hostPID and hostPath are outside the baseline Pod Security level; this namespace alone is exempt.
        'pod-security.kubernetes.io/enforce': 'privileged',
      },
    },
  };
  const jobs = p.nodes.map((node) => {
    const name = jobNameFor(node);
    const podLabels = { ...labels, 'stowaway.io/job': name };
    return {
      node,
      job: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, namespace: ns, labels: podLabels, annotations: { [NODE_ANNOTATION]: node } },
        spec: {
          backoffLimit: 0,
          activeDeadlineSeconds: p.deadlineSeconds,
          // A run cut off before it could clean up (power loss, kill -9) still leaves nothing behind for long.
          ttlSecondsAfterFinished: 3600,
          template: {
            metadata: { labels: podLabels, annotations: { [NODE_ANNOTATION]: node } },
            spec: {
              nodeName: node,
              restartPolicy: 'Never',
              hostPID: true,
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              // Tainted nodes (control plane, dedicated pools) are where an adversary may hide too.
              tolerations: [{ operator: 'Exists' }],
              containers: [
                {
                  name: COLLECTOR_CONTAINER,
                  image: p.image,
                  imagePullPolicy: 'IfNotPresent',
                  // Kubernetes expands $(NODE_NAME) from the env below, so each bundle names the node it came from.
                  args: [
                    'collect',
                    '--out',
                    '-',
                    '--since',
                    p.since,
                    '--host',
                    `unix://${socket}`,
                    '--engine-name',
                    '$(NODE_NAME)',
                  ],
                  env: [
                    { name: 'STOWAWAY_DATA_DIR', value: '/tmp/stowaway' },
                    { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                  ],
                  securityContext: {
                    runAsUser: 0,
                    readOnlyRootFilesystem: true,
                    allowPrivilegeEscalation: false,
                    // Reading other processes' /proc entries and the engine's upper directories, nothing more.
                    capabilities: { drop: ['ALL'], add: ['SYS_PTRACE', 'DAC_READ_SEARCH', 'DAC_OVERRIDE'] },
                  },
                  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
                  volumeMounts: [
                    { name: 'engine-socket', mountPath: socket },
                    { name: 'engine-data', mountPath: data, readOnly: true },
                    { name: 'scratch', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'engine-socket', hostPath: { path: socket, type: 'Socket' } },
                { name: 'engine-data', hostPath: { path: data, type: 'Directory' } },
                { name: 'scratch', emptyDir: { sizeLimit: '256Mi' } },
              ],
            },
          },
        },
      },
    };
  });
  return { namespace, jobs };
}

/** The RBAC that collection needs, as a ClusterRole: the namespace is made per run, so a Role cannot name it. */
export const COLLECT_CLUSTER_ROLE = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'stowaway-collector-runner' },
  rules: [
    { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
    { apiGroups: [''], resources: ['namespaces'], verbs: ['create', 'delete'] },
    { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'list', 'delete'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
    { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  ],
};
