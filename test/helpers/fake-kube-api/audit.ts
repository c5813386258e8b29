import { randomUUID } from 'node:crypto';

/**
 * audit.k8s.io/v1 Event records as kube-apiserver writes them (one JSON object per line, stage ResponseComplete),
 * for audit-log fixtures.
 */
export interface AuditInput {
  verb: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  user: string;
  groups?: string[];
  userAgent?: string;
  code?: number;
  time?: string;
  /** The request body (RequestResponse level); omitted at Metadata level. */
  body?: Record<string, unknown>;
  group?: string;
  query?: string;
  /** A request outside the resource API (`/healthz`, `/version`): no objectRef. */
  uri?: string;
}

const GROUPS: Record<string, string> = {
  deployments: 'apps',
  daemonsets: 'apps',
  statefulsets: 'apps',
  replicasets: 'apps',
  jobs: 'batch',
  cronjobs: 'batch',
  clusterrolebindings: 'rbac.authorization.k8s.io',
  rolebindings: 'rbac.authorization.k8s.io',
  clusterroles: 'rbac.authorization.k8s.io',
  roles: 'rbac.authorization.k8s.io',
  networkpolicies: 'networking.k8s.io',
  ingresses: 'networking.k8s.io',
  validatingwebhookconfigurations: 'admissionregistration.k8s.io',
};

export function auditEvent(a: AuditInput): Record<string, unknown> {
  const group = a.group ?? GROUPS[a.resource] ?? '';
  const base = group ? `/apis/${group}/v1` : '/api/v1';
  const uri = `${base}${a.namespace ? `/namespaces/${a.namespace}` : ''}/${a.resource}${a.name && a.verb !== 'create' ? `/${a.name}` : ''}${a.subresource ? `/${a.name}/${a.subresource}`.replace(`/${a.name}/${a.name}`, `/${a.name}`) : ''}${a.query ? `?${a.query}` : ''}`;
  const time = a.time ?? '2026-11-23T10:00:00.000000Z';
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: a.body ? 'RequestResponse' : 'Metadata',
    auditID: randomUUID(),
    stage: 'ResponseComplete',
    requestURI: a.uri ?? uri,
    verb: a.verb,
    user: { username: a.user, groups: a.groups ?? ['system:authenticated'] },
    sourceIPs: ['10.0.0.7'],
    userAgent: a.userAgent ?? 'kubectl/v1.30.2 (linux/amd64) kubernetes/39683505',
    ...(a.uri
      ? {}
      : {
          objectRef: {
            resource: a.resource,
            ...(a.subresource ? { subresource: a.subresource } : {}),
            ...(a.namespace ? { namespace: a.namespace } : {}),
            ...(a.name ? { name: a.name } : {}),
            apiGroup: group || undefined,
            apiVersion: 'v1',
          },
        }),
    responseStatus: { metadata: {}, code: a.code ?? (a.verb === 'create' ? 201 : 200) },
    ...(a.body ? { requestObject: a.body } : {}),
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations: {
      'authorization.k8s.io/decision': (a.code ?? 200) === 403 ? 'forbid' : 'allow',
      'authorization.k8s.io/reason': '',
    },
  };
}

export const auditLines = (events: AuditInput[]): string =>
  `${events.map((e) => JSON.stringify(auditEvent(e))).join('\n')}\n`;
