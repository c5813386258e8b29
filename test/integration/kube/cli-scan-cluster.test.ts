import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanResultSchema } from '@shared/domain/scan.js';
import { runCli } from '../../helpers/cli.js';
import { startFakeKubeApi, writeKubeconfig, type FakeKubeApi } from '../../helpers/fake-kube-api/index.js';
import { buildCluster, writeAudit } from './cluster-scenario.js';

/**
 * `stowaway scan --context <kube-context>` as a user runs it (dist/cli.mjs), against the fake API server over
 * HTTPS with a client certificate: the seed scenario in JSON, SARIF and the table, exit codes, --namespace, and
 * an RBAC 403 that leaves the rest of the scan standing.
 */
let api: FakeKubeApi;
let dir: string;
let env: NodeJS.ProcessEnv;
let audit: string;

beforeAll(async () => {
  api = await startFakeKubeApi();
  dir = mkdtempSync(path.join(os.tmpdir(), 'cli-kube-'));
  buildCluster(api);
  env = {
    KUBECONFIG: writeKubeconfig(path.join(dir, 'config'), [
      { name: 'prod', api, user: { clientCert: api.clientCert('analyst', ['security']) } },
    ]),
    STOWAWAY_DATA_DIR: path.join(dir, 'data'),
    DOCKER_HOST: '',
    DOCKER_CONTEXT: '',
  };
  audit = writeAudit(dir);
});

afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('stowaway scan --context <kube-context>', () => {
  it("scans the cluster with its audit log: the seed's miner is high, the rollouts are quiet, --fail-on works", async () => {
    const run = await runCli(
      ['scan', '--context', 'prod', '--kube-audit', audit, '--format', 'json', '--fail-on', 'high'],
      { env, timeoutMs: 120_000 },
    );
    expect(run.code, run.stderr).toBe(1);
    const r = ScanResultSchema.parse(JSON.parse(run.stdout));
    expect(r.engine).toMatchObject({ id: 'kube:prod', name: 'prod', endpoint: api.url, serverVersion: 'v1.30.2' });
    const miner = r.findings.filter((f) => f.workload?.name === 'miner' && f.detector === 'unauthorized-deployment');
    expect(miner.map((f) => [f.severity, f.workload])).toEqual([
      ['high', { kind: 'Deployment', namespace: 'seed', name: 'miner' }],
    ]);
    expect(
      r.findings.filter(
        (f) =>
          ['shop', 'ci-app'].includes(f.workload?.name ?? '') &&
          ['unauthorized-deployment', 'kube-manual-change'].includes(f.detector),
      ),
    ).toEqual([]);
    expect(r.findings.some((f) => f.detector === 'kube-secret-access' && f.summary.includes('mallory'))).toBe(true);
    expect(r.containers.some((c) => c.name === 'danger/priv/sh')).toBe(true);
    expect(
      api.requests.filter((q) => q.path === '/api/v1/pods').every((q) => q.user === 'analyst' && q.auth === 'cert'),
    ).toBe(true);
    // Below the threshold the exit code is 0, as for a Docker scan.
    const ok = await runCli(
      ['scan', '--context', 'prod', '--namespace', 'quiet', '--format', 'json', '--fail-on', 'high'],
      { env, timeoutMs: 120_000 },
    );
    expect(ok.code, ok.stderr).toBe(0);
    const q = ScanResultSchema.parse(JSON.parse(ok.stdout));
    expect(new Set(q.containers.map((c) => c.name.split('/')[0]))).toEqual(new Set(['quiet']));
    expect(api.requests.some((x) => x.path === '/apis/apps/v1/namespaces/quiet/deployments')).toBe(true);
  });

  it('prints SARIF with the workload as the location, and a table naming the workloads', async () => {
    const sarif = await runCli(['scan', '--context', 'prod', '--format', 'sarif'], { env, timeoutMs: 120_000 });
    expect(sarif.code, sarif.stderr).toBe(0);
    const doc = JSON.parse(sarif.stdout);
    const res = doc.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'kube-privileged-pod');
    expect(res.locations[0].logicalLocations[0].fullyQualifiedName).toBe(
      `${api.url}/namespaces/danger/pods/priv/containers/sh`,
    );
    expect(doc.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'kube-admin-token-mount')).toBe(true);
    const table = await runCli(['scan', '--context', 'prod'], { env, timeoutMs: 120_000 });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^Engine prod \(https:\/\/127\.0\.0\.1:\d+\), \d+ containers, \d+ findings/);
    expect(table.stdout).toContain('pod/danger/priv/sh');
    expect(table.stdout).toContain('SUBJECT');
  });

  it('a list RBAC refuses is an error entry naming verb and resource; the rest of the scan stands', async () => {
    api.forbid({ verb: 'list', resource: 'pods' });
    api.forbid({ verb: 'list', resource: 'clusterrolebindings' });
    try {
      const run = await runCli(['scan', '--context', 'prod', '--format', 'json'], { env, timeoutMs: 120_000 });
      expect(run.code, run.stderr).toBe(0);
      const r = ScanResultSchema.parse(JSON.parse(run.stdout));
      const denied = r.errors.filter((e) => e.code === 'FORBIDDEN');
      expect(denied.map((e) => e.call).sort()).toEqual([
        'kube list clusterrolebindings (context prod)',
        'kube list pods (context prod)',
      ]);
      expect(denied.find((e) => e.call.includes('pods'))!.message).toContain(
        'User "analyst" cannot list resource "pods"',
      );
      expect(r.findings.some((f) => f.detector === 'kube-dangerous-capabilities')).toBe(true);
      expect(r.containers).toEqual([]);
    } finally {
      api.allow();
    }
  });

  it('an unknown context is a usage error naming the known ones', async () => {
    const run = await runCli(['scan', '--context', 'nope'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/No context named "nope"\. Known contexts: .*prod/);
  });
});
