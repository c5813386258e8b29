import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanResultSchema, type ScanResult } from '@shared/domain/scan.js';
import { runCli } from '../helpers/cli.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

/**
 * The runtime-versus-orchestrator cross-view through `stowaway scan --kube-context`: a fake API server on
 * 127.0.0.1 (node:http) lists one pod; two real containers carry kubelet pod labels, one for that pod and one
 * for a pod the cluster does not have. An audit log file given with --kube-audit is judged in the same scan.
 * There is no real cluster here: the API server answers the two calls a scan makes, as kube-apiserver shapes them.
 */
const SUITE = 'cli-scan-kube';
const REAL_UID = '6f1c2a8e-1b2d-4c3e-9f00-aa11bb22cc33';
const GHOST_UID = '0badc0de-0000-4000-8000-000000000001';
const podLabels = (uid: string, name: string) => ({
  'io.kubernetes.pod.uid': uid,
  'io.kubernetes.pod.name': name,
  'io.kubernetes.pod.namespace': 'kube-system',
  'io.kubernetes.container.name': 'main',
});

let server: http.Server;
let dir = '';
const requests: string[] = [];
const ids: Record<string, string> = {};
let env: NodeJS.ProcessEnv;
let auditFile = '';

const auditRecord = (o: { resource: string; sub?: string; name: string; ns: string; code: number }) =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `a-${o.name}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/${o.ns}/${o.resource}/${o.name}/${o.sub ?? ''}`,
    verb: 'create',
    user: { username: 'mallory', groups: ['system:authenticated'] },
    sourceIPs: ['127.0.0.1'],
    userAgent: 'kubectl/v1.30.2 (linux/amd64) kubernetes/39683505',
    objectRef: { resource: o.resource, subresource: o.sub, namespace: o.ns, name: o.name, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: o.code },
    requestReceivedTimestamp: '2026-11-23T10:00:00.000000Z',
    stageTimestamp: '2026-11-23T10:00:00.100000Z',
  });

beforeAll(async () => {
  await removeSuite(SUITE);
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname} ${req.headers.authorization ?? ''}`);
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/version')
      return send(200, { major: '1', minor: '30', gitVersion: 'v1.30.2', platform: 'linux/amd64' });
    if (url.pathname === '/api/v1/pods')
      return send(200, {
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '42' },
        items: [
          {
            metadata: { name: 'kube-proxy-x7k2p', namespace: 'kube-system', uid: REAL_UID },
            spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'stowaway-test/busybox:1' }] },
            status: { phase: 'Running' },
          },
        ],
      });
    send(404, { kind: 'Status', status: 'Failure', code: 404 });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  dir = mkdtempSync(path.join(os.tmpdir(), 'stowaway-kube-'));
  const kubeconfig = path.join(dir, 'config');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      // Plain http on loopback: the client only allows it with TLS verification off.
      `- name: fake\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true`,
      'users:',
      '- name: analyst\n  user:\n    token: read-only-token',
      'contexts:',
      '- name: node-1\n  context:\n    cluster: fake\n    user: analyst',
      'current-context: node-1',
      '',
    ].join('\n'),
  );
  auditFile = path.join(dir, 'audit.log');
  writeFileSync(
    auditFile,
    [
      auditRecord({ resource: 'pods', sub: 'exec', name: 'kube-proxy-x7k2p', ns: 'kube-system', code: 101 }),
      'not json',
      '',
    ].join('\n'),
  );
  env = { KUBECONFIG: kubeconfig, STOWAWAY_DATA_DIR: path.join(dir, 'data') };
  ids.real = (
    await runContainer({
      suite: SUITE,
      name: `k8s_main_kube-proxy-x7k2p_kube-system_${REAL_UID}_0-${process.pid}`,
      labels: podLabels(REAL_UID, 'kube-proxy-x7k2p'),
    })
  ).id;
  ids.ghost = (
    await runContainer({
      suite: SUITE,
      name: `k8s_main_kube-proxy-q9z8w_kube-system_${GHOST_UID}_0-${process.pid}`,
      labels: podLabels(GHOST_UID, 'kube-proxy-q9z8w'),
    })
  ).id;
});

afterAll(async () => {
  await removeSuite(SUITE);
  await new Promise<void>((r) => server.close(() => r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const shadowOn = (r: ScanResult, id: string) =>
  r.findings.filter((f) => f.detector === 'shadow-container' && f.container?.id === id);

describe('stowaway scan --kube-context / --kube-audit', () => {
  it('flags the container whose pod the API server does not list, and not the one whose pod exists', async () => {
    const run = await runCli(['scan', '--format', 'json', '--kube-context', 'node-1', '--kube-audit', auditFile], {
      env,
      timeoutMs: 120_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const r = ScanResultSchema.parse(JSON.parse(run.stdout));
    expect(requests, JSON.stringify(r.errors.filter((e) => e.call.startsWith('kube')))).toContain(
      'GET /api/v1/pods Bearer read-only-token',
    );

    const ghost = shadowOn(r, ids.ghost!);
    expect(ghost.map((f) => [f.severity, f.attack.join(',')])).toEqual([['high', 'T1610,T1036.005']]);
    expect(ghost[0]!.summary).toContain(GHOST_UID);
    expect(ghost[0]!.evidence.map((e) => e.ref)).toContain('kube:node-1/pods');
    expect(ghost[0]!.evidence.find((e) => e.ref === 'kube:node-1/pods')!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(shadowOn(r, ids.real!)).toEqual([]);

    // The audit log went into the same evidence: the exec into a pod is a finding, the bad line a scan error.
    const exec = r.findings.filter((f) => f.detector === 'kube-pod-exec');
    expect(exec.map((f) => f.summary).join('\n')).toContain('kube-proxy-x7k2p');
    expect(r.errors.filter((e) => e.code === 'AUDIT_LINE').map((e) => e.call)).toEqual([`audit log ${auditFile}:2`]);
  });

  it('without --kube-context the labelled containers pass (the blind spot the cross-view closes)', async () => {
    const run = await runCli(['scan', '--format', 'json'], { env, timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    const r = ScanResultSchema.parse(JSON.parse(run.stdout));
    expect(shadowOn(r, ids.ghost!)).toEqual([]);
  });

  it('an unknown context and an unreadable audit log are usage errors naming the cause', async () => {
    const ctx = await runCli(['scan', '--kube-context', 'nope'], { env });
    expect(ctx.code).toBe(2);
    expect(ctx.stderr).toContain('No kubeconfig context "nope"; known contexts: node-1');
    const audit = await runCli(['scan', '--kube-audit', path.join(dir, 'missing.log')], { env });
    expect(audit.code).toBe(2);
    expect(audit.stderr).toMatch(/Cannot read audit log .*missing\.log/);
    expect(ctx.stderr + audit.stderr).not.toMatch(/\n\s+at /);
  });

  it('an API server that does not answer is a scan error, not a failed scan', async () => {
    const deadConfig = path.join(dir, 'dead');
    writeFileSync(
      deadConfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: dead\n  cluster:\n    server: http://127.0.0.1:1\n    insecure-skip-tls-verify: true',
        'users:',
        '- name: a\n  user:\n    token: t',
        'contexts:',
        '- name: dead\n  context:\n    cluster: dead\n    user: a',
        '',
      ].join('\n'),
    );
    const run = await runCli(['scan', '--format', 'json', '--kube-context', 'dead'], {
      env: { ...env, KUBECONFIG: deadConfig },
      timeoutMs: 120_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const r = ScanResultSchema.parse(JSON.parse(run.stdout));
    expect(r.errors.find((e) => e.call === 'kube list pods (context dead)')?.code).toBe('ENGINE_UNREACHABLE');
    expect(shadowOn(r, ids.ghost!)).toEqual([]);
  });
});
