import { clip, LIMITS } from '@shared/domain/bounds.js';
import type {
  KubeBinding,
  KubeContainer,
  KubeEvent,
  KubeManager,
  KubePodTemplate,
  KubeRole,
  KubeWorkload,
  WorkloadKind,
} from '@shared/domain/kube-evidence.js';

/**
 * Raw API objects (as the server sent them, untrusted) to the cluster evidence: only the fields detectors
 * read, every string bounded, every list capped. Built directly rather than through zod so 5,000 pods map in
 * milliseconds; the result satisfies ClusterEvidenceSchema, which validates it wherever it crosses a boundary.
 */

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown, max = 128): unknown[] => (Array.isArray(v) ? v.slice(0, max) : []);
const s = (v: unknown, max: number = LIMITS.name): string | undefined =>
  typeof v === 'string' ? clip(v, max) : undefined;
const b = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
const strs = (v: unknown, max = 64, len: number = LIMITS.name): string[] =>
  arr(v, max)
    .filter((x): x is string => typeof x === 'string')
    .map((x) => clip(x, len));
/** Drops undefined fields by copying: deleting properties would turn thousands of objects into slow dictionaries. */
const def = <T extends Json>(o: T): T => {
  const out: Json = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
};

function labels(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  for (const [k, val] of Object.entries(obj(v) ?? {})) {
    if (i++ >= LIMITS.labels) break;
    if (typeof val === 'string') out[clip(k, LIMITS.name)] = clip(val, LIMITS.label);
  }
  return out;
}

export function managers(md: Json | undefined): KubeManager[] {
  return arr(md?.managedFields, 32)
    .map(obj)
    .filter((m): m is Json => !!m && typeof m.manager === 'string')
    .map((m) => def({ manager: s(m.manager)!, operation: s(m.operation) ?? 'Update', time: s(m.time, 64) }));
}

/** SELinux options as `field=value`, the fields the Pod Security Standards restrict. */
function seLinux(sc: Json): string[] | undefined {
  const o = obj(sc.seLinuxOptions);
  if (!o) return undefined;
  const out = ['type', 'user', 'role', 'level']
    .filter((k) => typeof o[k] === 'string' && o[k] !== '')
    .map((k) => clip(`${k}=${o[k] as string}`, LIMITS.name));
  return out.length ? out : undefined;
}

/** The AppArmor profile: the field (1.30+) or the beta annotation, as a profile type (Unconfined, RuntimeDefault, Localhost). */
function appArmor(sc: Json, annotation: string | undefined): string | undefined {
  const t = s(obj(sc.appArmorProfile)?.type);
  if (t) return t;
  if (annotation === undefined) return undefined;
  return annotation === 'unconfined'
    ? 'Unconfined'
    : annotation === 'runtime/default' || annotation === 'docker/default'
      ? 'RuntimeDefault'
      : annotation.startsWith('localhost/')
        ? 'Localhost'
        : clip(annotation, LIMITS.name);
}

/** Secrets a container takes as environment variables. */
function envSecrets(c: Json): string[] | undefined {
  const names = new Set<string>();
  for (const e of arr(c.env, 256).map(obj)) {
    const n = s(obj(obj(e?.valueFrom)?.secretKeyRef)?.name);
    if (n) names.add(n);
  }
  for (const e of arr(c.envFrom, 64).map(obj)) {
    const n = s(obj(e?.secretRef)?.name);
    if (n) names.add(n);
  }
  return names.size ? [...names].slice(0, 64) : undefined;
}

/** `host` of httpGet/tcpSocket probes and lifecycle handlers: the kubelet connects there from the node. */
function probeHosts(c: Json): string[] | undefined {
  const hosts = new Set<string>();
  const handlers = [
    obj(c.livenessProbe),
    obj(c.readinessProbe),
    obj(c.startupProbe),
    obj(obj(c.lifecycle)?.postStart),
    obj(obj(c.lifecycle)?.preStop),
  ];
  for (const h of handlers) {
    for (const k of ['httpGet', 'tcpSocket']) {
      const host = s(obj(h?.[k])?.host);
      if (host) hosts.add(host);
    }
  }
  return hosts.size ? [...hosts].slice(0, 16) : undefined;
}

function container(c: Json, role: KubeContainer['role'], annotations: Json = {}): KubeContainer {
  const sc = obj(c.securityContext) ?? {};
  const caps = obj(sc.capabilities) ?? {};
  const upper = (x: string) => x.toUpperCase().replace(/^CAP_/, '');
  const cname = s(c.name) ?? '?';
  return def({
    name: cname,
    image: s(c.image) ?? '',
    role,
    command: strs(c.command, 64, LIMITS.command),
    args: strs(c.args, 64, LIMITS.command),
    privileged: b(sc.privileged),
    allowPrivilegeEscalation: b(sc.allowPrivilegeEscalation),
    runAsUser: n(sc.runAsUser),
    runAsNonRoot: b(sc.runAsNonRoot),
    readOnlyRootFilesystem: b(sc.readOnlyRootFilesystem),
    capAdd: strs(caps.add).map(upper),
    capDrop: strs(caps.drop).map(upper),
    seccomp: s(obj(sc.seccompProfile)?.type),
    procMount: s(sc.procMount),
    hostPorts: arr(c.ports, 64)
      .map((p) => n(obj(p)?.hostPort))
      .filter((p): p is number => p !== undefined && p > 0),
    mounts: arr(c.volumeMounts)
      .map(obj)
      .filter((m): m is Json => !!m)
      .map((m) => def({ volume: s(m.name) ?? '?', path: s(m.mountPath, LIMITS.path) ?? '', readOnly: b(m.readOnly) })),
    envSecrets: envSecrets(c),
    appArmor: appArmor(
      sc,
      typeof annotations[`container.apparmor.security.beta.kubernetes.io/${cname}`] === 'string'
        ? (annotations[`container.apparmor.security.beta.kubernetes.io/${cname}`] as string)
        : undefined,
    ),
    seLinux: seLinux(sc),
    probeHosts: probeHosts(c),
  }) as KubeContainer;
}

/** The pod spec of a pod, a controller's template, or a cronjob's job template. */
export function podSpecOf(o: Json, kind: WorkloadKind): Json {
  const spec = obj(o.spec) ?? {};
  if (kind === 'Pod') return spec;
  if (kind === 'CronJob') return obj(obj(obj(obj(spec.jobTemplate)?.spec)?.template)?.spec) ?? {};
  return obj(obj(spec.template)?.spec) ?? {};
}

/** The annotations of a pod or of a controller's pod template (AppArmor's beta annotations live there). */
export function podAnnotationsOf(o: Json, kind: WorkloadKind): Json {
  const spec = obj(o.spec) ?? {};
  if (kind === 'Pod') return obj(obj(o.metadata)?.annotations) ?? {};
  if (kind === 'CronJob') return obj(obj(obj(obj(obj(spec.jobTemplate)?.spec)?.template)?.metadata)?.annotations) ?? {};
  return obj(obj(obj(spec.template)?.metadata)?.annotations) ?? {};
}

export function podTemplate(spec: Json, annotations: Json = {}): KubePodTemplate {
  const psc = obj(spec.securityContext) ?? {};
  const volumes = arr(spec.volumes)
    .map(obj)
    .filter((v): v is Json => !!v);
  return def({
    serviceAccountName: s(spec.serviceAccountName) ?? s(spec.serviceAccount) ?? 'default',
    automountServiceAccountToken: b(spec.automountServiceAccountToken),
    hostPID: spec.hostPID === true,
    hostIPC: spec.hostIPC === true,
    hostNetwork: spec.hostNetwork === true,
    runAsUser: n(psc.runAsUser),
    runAsNonRoot: b(psc.runAsNonRoot),
    seccomp: s(obj(psc.seccompProfile)?.type),
    appArmor: s(obj(psc.appArmorProfile)?.type),
    seLinux: seLinux(psc),
    sysctls: arr(psc.sysctls, 64)
      .map((x) => s(obj(x)?.name))
      .filter((x): x is string => !!x),
    volumes: volumes.map((v) => {
      const source = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
      return def({
        name: s(v.name) ?? '?',
        source: clip(source, LIMITS.name),
        hostPath: s(obj(v.hostPath)?.path, LIMITS.path),
      });
    }),
    containers: [
      ...arr(spec.initContainers)
        .map(obj)
        .filter((c): c is Json => !!c)
        .map((c) => container(c, 'init', annotations)),
      ...arr(spec.containers)
        .map(obj)
        .filter((c): c is Json => !!c)
        .map((c) => container(c, 'container', annotations)),
      ...arr(spec.ephemeralContainers)
        .map(obj)
        .filter((c): c is Json => !!c)
        .map((c) => container(c, 'ephemeral', annotations)),
    ].slice(0, 128),
  }) as KubePodTemplate;
}

export function workload(o: Json, kind: WorkloadKind): KubeWorkload | undefined {
  const md = obj(o.metadata);
  const name = s(md?.name);
  if (!md || !name) return undefined;
  const owner = arr(md.ownerReferences, 16)
    .map(obj)
    .find((r) => r?.controller === true);
  const status = obj(o.status);
  return def({
    kind,
    namespace: s(md.namespace) ?? 'default',
    name,
    uid: s(md.uid) ?? `${kind}/${name}`,
    createdAt: s(md.creationTimestamp, 64),
    labels: labels(md.labels),
    owner: owner ? def({ kind: s(owner.kind) ?? '?', name: s(owner.name) ?? '?', uid: s(owner.uid) }) : undefined,
    managers: managers(md),
    template: podTemplate(podSpecOf(o, kind), podAnnotationsOf(o, kind)),
    nodeName: kind === 'Pod' ? s(obj(o.spec)?.nodeName) : undefined,
    phase: kind === 'Pod' ? s(status?.phase, 64) : undefined,
    containerStatuses:
      kind === 'Pod'
        ? [
            ...arr(status?.initContainerStatuses),
            ...arr(status?.containerStatuses),
            ...arr(status?.ephemeralContainerStatuses),
          ]
            .map(obj)
            .filter((c): c is Json => !!c)
            .slice(0, 128)
            .map((c) =>
              def({ name: s(c.name) ?? '?', containerID: s(c.containerID), state: Object.keys(obj(c.state) ?? {})[0] }),
            )
        : undefined,
  }) as KubeWorkload;
}

export function role(o: Json, kind: 'Role' | 'ClusterRole'): KubeRole | undefined {
  const md = obj(o.metadata);
  const name = s(md?.name);
  if (!md || !name) return undefined;
  return def({
    kind,
    namespace: kind === 'Role' ? s(md.namespace) : undefined,
    name,
    aggregated: obj(o.aggregationRule) !== undefined,
    rules: arr(o.rules, 256)
      .map(obj)
      .filter((r): r is Json => !!r)
      .map((r) => ({
        verbs: strs(r.verbs),
        apiGroups: strs(r.apiGroups),
        resources: strs(r.resources, 128),
        nonResourceURLs: strs(r.nonResourceURLs),
      })),
  }) as KubeRole;
}

export function binding(o: Json, kind: 'RoleBinding' | 'ClusterRoleBinding'): KubeBinding | undefined {
  const md = obj(o.metadata);
  const name = s(md?.name);
  const ref = obj(o.roleRef);
  if (!md || !name || !ref) return undefined;
  return def({
    kind,
    namespace: kind === 'RoleBinding' ? s(md.namespace) : undefined,
    name,
    roleRef: { kind: s(ref.kind) ?? 'ClusterRole', name: s(ref.name) ?? '?' },
    subjects: arr(o.subjects, 256)
      .map(obj)
      .filter((x): x is Json => !!x)
      .map((x) => def({ kind: s(x.kind) ?? '?', name: s(x.name) ?? '?', namespace: s(x.namespace) })),
    createdAt: s(md.creationTimestamp, 64),
    managers: managers(md),
  }) as KubeBinding;
}

export function event(o: Json): KubeEvent | undefined {
  const md = obj(o.metadata);
  const inv = obj(o.involvedObject) ?? obj(o.regarding);
  if (!md || !inv) return undefined;
  return def({
    namespace: s(md.namespace) ?? 'default',
    involved: def({ kind: s(inv.kind) ?? '?', name: s(inv.name) ?? '?', uid: s(inv.uid) }),
    reason: s(o.reason) ?? '',
    message: s(o.message ?? o.note, LIMITS.summary) ?? '',
    type: s(o.type),
    time: s(o.lastTimestamp ?? o.eventTime ?? o.firstTimestamp ?? md.creationTimestamp, 64),
    count: n(o.count),
  }) as KubeEvent;
}

export const meta = (
  o: Json,
): { name?: string; namespace?: string; uid?: string; createdAt?: string; labels: Record<string, string> } => {
  const md = obj(o.metadata);
  return {
    name: s(md?.name),
    namespace: s(md?.namespace),
    uid: s(md?.uid),
    createdAt: s(md?.creationTimestamp, 64),
    labels: labels(md?.labels),
  };
};
export { obj as asObject, arr as asArray, s as asString, n as asInt, b as asBool };
