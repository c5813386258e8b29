import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { clip, LIMITS } from '@shared/domain/bounds.js';
import { KubeAuditEventSchema, type KubeAuditEvent } from '@shared/domain/evidence-set.js';
import { credentialKeys } from './credential-keys.js';

/**
 * Kubernetes API-server audit logs (JSON lines, audit.k8s.io/v1 Event) to KubeAuditEvent. Audit files are
 * evidence an analyst brings to the case, so every unreadable line is reported with its number instead of
 * being skipped silently, and the request bodies are reduced to the facts detectors use.
 */

export interface AuditParseError {
  line: number;
  message: string;
}

export interface AuditParseResult {
  events: KubeAuditEvent[];
  errors: AuditParseError[];
  /** Lines that were valid audit records but not kept (intermediate stages, failed requests). */
  skipped: number;
  /** True when the event limit was reached and later lines were not read. */
  truncated: boolean;
}

export const MAX_AUDIT_EVENTS = 200_000;
const MAX_LINE = 1024 * 1024;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): string[] =>
  arr(v)
    .filter((x): x is string => typeof x === 'string')
    .slice(0, 64)
    .map((x) => clip(x, LIMITS.name));

/** The pod spec inside any workload object: pods, deployments and friends, jobs, cronjobs. */
export function podSpecOf(o: Json | undefined): Json | undefined {
  if (!o) return undefined;
  const spec = obj(o.spec);
  if (!spec) return undefined;
  if (Array.isArray(spec.containers)) return spec;
  const tmpl = obj(obj(spec.template)?.spec);
  if (tmpl) return tmpl;
  return obj(obj(obj(obj(spec.jobTemplate)?.spec)?.template)?.spec);
}

/** The settings of a pod spec that break isolation, as short flags (`privileged`, `hostPID`, `hostPath:/`...). */
export function podFlags(spec: Json | undefined): string[] {
  if (!spec) return [];
  const flags = new Set<string>();
  for (const k of ['hostPID', 'hostNetwork', 'hostIPC']) if (spec[k] === true) flags.add(k);
  const containers = [...arr(spec.containers), ...arr(spec.initContainers), ...arr(spec.ephemeralContainers)].map(obj);
  for (const c of containers) {
    const sc = obj(c?.securityContext);
    if (sc?.privileged === true) flags.add('privileged');
    if (sc?.allowPrivilegeEscalation === true) flags.add('allowPrivilegeEscalation');
    for (const cap of arr(obj(sc?.capabilities)?.add))
      if (typeof cap === 'string') flags.add(`cap:${cap.toUpperCase().replace(/^CAP_/, '')}`);
  }
  for (const v of arr(spec.volumes).map(obj)) {
    const p = str(obj(v?.hostPath)?.path);
    if (p !== undefined) flags.add(`hostPath:${clip(p, 200)}`);
  }
  return [...flags].slice(0, 64);
}

export function imagesOf(spec: Json | undefined): string[] {
  if (!spec) return [];
  const out = [...arr(spec.containers), ...arr(spec.initContainers), ...arr(spec.ephemeralContainers)]
    .map((c) => str(obj(c)?.image))
    .filter((i): i is string => !!i);
  return [...new Set(out)].slice(0, 64).map((i) => clip(i, LIMITS.name));
}

/** Command and arguments of each container, one line per container: miners show themselves in their flags. */
export function commandsOf(spec: Json): string[] {
  return [...arr(spec.containers), ...arr(spec.initContainers)]
    .map(obj)
    .slice(0, 64)
    .map((c) => [...arr(c?.command), ...arr(c?.args)].filter((x): x is string => typeof x === 'string').join(' '))
    .map((l) => clip(l, LIMITS.command));
}

/** One audit record to the domain, or a reason it is not kept. */
export function mapAuditRecord(rec: unknown): { event?: KubeAuditEvent; skip?: true; error?: string } {
  const r = obj(rec);
  if (!r) return { error: 'not a JSON object' };
  if (str(r.kind) !== 'Event' || !str(r.apiVersion)?.startsWith('audit.k8s.io/'))
    return { error: 'not an audit.k8s.io Event' };
  // Each request is logged once per stage; ResponseComplete (or Panic) carries the outcome.
  const stage = str(r.stage);
  if (stage && stage !== 'ResponseComplete' && stage !== 'Panic') return { skip: true };
  const code = obj(r.responseStatus)?.code;
  const ref = obj(r.objectRef) ?? {};
  const verb = str(r.verb);
  // Refused requests changed nothing; only refused reads of secrets are kept, as attempts at credentials.
  if (
    typeof code === 'number' &&
    code >= 400 &&
    !(str(ref.resource) === 'secrets' && !str(ref.subresource) && ['get', 'list', 'watch'].includes(verb ?? ''))
  )
    return { skip: true };
  const time = str(r.stageTimestamp) ?? str(r.requestReceivedTimestamp);
  if (!verb || !time) return { error: 'audit record without verb or timestamp' };
  const resource =
    [str(ref.resource), str(ref.subresource)].filter(Boolean).join('/') ||
    clip(str(r.requestURI) ?? 'unknown', LIMITS.name);
  const spec = podSpecOf(obj(r.requestObject)) ?? podSpecOf(obj(r.responseObject));
  const user = obj(r.user);
  const impersonated = str(obj(r.impersonatedUser)?.username);
  const body = obj(r.requestObject) ?? obj(r.responseObject);
  const roleRef = str(obj(body?.roleRef)?.name);
  const subjects = arr(body?.subjects)
    .map(obj)
    .filter((x): x is Json => !!x)
    .slice(0, 64)
    .map((x) =>
      clip(`${str(x.kind) ?? '?'}:${str(x.namespace) ? `${str(x.namespace)}/` : ''}${str(x.name) ?? '?'}`, LIMITS.name),
    );
  const kind = str(ref.resource);
  const bodySpec = obj(body?.spec);
  const rules =
    kind === 'roles' || kind === 'clusterroles'
      ? arr(body?.rules)
          .slice(0, 64)
          .map(obj)
          .filter((x): x is Json => !!x)
          .map((x) => ({
            verbs: strs(x.verbs),
            apiGroups: strs(x.apiGroups),
            resources: strs(x.resources),
            nonResourceURLs: strs(x.nonResourceURLs),
          }))
      : undefined;
  const objectType = kind === 'services' ? str(bodySpec?.type) : kind === 'secrets' ? str(body?.type) : undefined;
  const decision = str(obj(r.annotations)?.['authorization.k8s.io/decision']);
  const groups = [...arr(user?.groups), ...arr(obj(r.impersonatedUser)?.groups)]
    .filter((g): g is string => typeof g === 'string')
    .slice(0, 64)
    .map((g) => clip(g, LIMITS.name));
  const parsed = KubeAuditEventSchema.safeParse({
    time,
    verb,
    user: clip(`${str(user?.username) ?? 'unknown'}${impersonated ? ` as ${impersonated}` : ''}`, LIMITS.name),
    userAgent: str(r.userAgent) !== undefined ? clip(str(r.userAgent)!, LIMITS.summary) : undefined,
    namespace: str(ref.namespace),
    resource: clip(resource, LIMITS.name),
    name: str(ref.name) !== undefined ? clip(str(ref.name)!, LIMITS.name) : undefined,
    images: imagesOf(spec),
    sourceIPs: arr(r.sourceIPs)
      .filter((x): x is string => typeof x === 'string')
      .slice(0, 16),
    podFlags: podFlags(spec),
    groups,
    auditID: str(r.auditID) !== undefined ? clip(str(r.auditID)!, LIMITS.name) : undefined,
    code: typeof code === 'number' ? code : undefined,
    commands: spec ? commandsOf(spec) : undefined,
    roleRef: roleRef !== undefined ? clip(roleRef, LIMITS.name) : undefined,
    subjects: subjects.length ? subjects : undefined,
    requestURI: str(r.requestURI) !== undefined ? clip(str(r.requestURI)!, LIMITS.path) : undefined,
    decision: decision !== undefined ? clip(decision, 64) : undefined,
    rules: rules && body ? rules : undefined,
    objectType: objectType !== undefined ? clip(objectType, LIMITS.name) : undefined,
    tls: kind === 'ingresses' && bodySpec ? arr(bodySpec.tls).length > 0 : undefined,
    credentialKeys: kind === 'configmaps' && body ? credentialKeys(body.data) : undefined,
  });
  return parsed.success ? { event: parsed.data } : { error: parsed.error.issues[0]?.message ?? 'invalid audit record' };
}

/** Parses the text of an audit log (one JSON object per line). */
export function parseAuditLog(text: string, maxEvents = MAX_AUDIT_EVENTS): AuditParseResult {
  const out: AuditParseResult = { events: [], errors: [], skipped: 0, truncated: false };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!addLine(out, lines[i]!, i + 1, maxEvents)) break;
  }
  return out;
}

function addLine(out: AuditParseResult, line: string, n: number, maxEvents: number): boolean {
  const trimmed = line.trim();
  if (!trimmed) return true;
  if (out.events.length >= maxEvents) {
    out.truncated = true;
    return false;
  }
  if (trimmed.length > MAX_LINE) {
    out.errors.push({ line: n, message: `line longer than ${MAX_LINE} bytes` });
    return true;
  }
  let rec: unknown;
  try {
    rec = JSON.parse(trimmed);
  } catch (e) {
    if (out.errors.length < 1000)
      out.errors.push({ line: n, message: `invalid JSON: ${(e as Error).message.slice(0, 200)}` });
    return true;
  }
  const m = mapAuditRecord(rec);
  if (m.event) out.events.push(m.event);
  else if (m.skip) out.skipped++;
  else if (out.errors.length < 1000) out.errors.push({ line: n, message: m.error ?? 'unreadable' });
  return true;
}

/** Streams an audit log file from disk, so a multi-gigabyte log never sits in memory at once. */
export async function readAuditLogFile(path: string, maxEvents = MAX_AUDIT_EVENTS): Promise<AuditParseResult> {
  const out: AuditParseResult = { events: [], errors: [], skipped: 0, truncated: false };
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of rl) {
      n++;
      if (!addLine(out, line, n, maxEvents)) break;
    }
  } finally {
    rl.close();
  }
  return out;
}
