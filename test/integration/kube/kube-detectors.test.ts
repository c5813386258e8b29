import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '@shared/domain/finding.js';
import { runKubeScan } from '../../../electron/engine/kube/kube-scan.js';
import { prepareKubeEvidence } from '../../../electron/engine/kube/kube-evidence.js';
import { parseSuppressions } from '../../../electron/engine/detect/suppression-file.js';
import type { ScanOutcome } from '../../../electron/engine/scan/run-scan.js';
import { startFakeKubeApi, writeKubeconfig, type FakeKubeApi } from '../../helpers/fake-kube-api/index.js';
import { buildCluster, writeAudit } from './cluster-scenario.js';

/**
 * Every Kubernetes detector against the fake API server, end to end through the engine source: each scenario
 * raises its detector, each benign look-alike beside it does not, and the seed's scenario comes out as the
 * seeds' false-positive lists say it should.
 */
let api: FakeKubeApi;
let dir: string;
let out: ScanOutcome;
let env: NodeJS.ProcessEnv;
let audit: string;

beforeAll(async () => {
  api = await startFakeKubeApi({ tokens: { t: { name: 'analyst', groups: [] } } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'kube-detectors-'));
  buildCluster(api);
  env = { KUBECONFIG: writeKubeconfig(path.join(dir, 'config'), [{ name: 'prod', api, user: { token: 't' } }]) };
  audit = writeAudit(dir);
  out = await runKubeScan({ context: 'prod', env, audit: await prepareKubeEvidence({ auditFiles: [audit] }) });
});

afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

const by = (d: string, f: Finding[] = out.result.findings) => f.filter((x) => x.detector === d);
const subjects = (d: string) =>
  by(d)
    .map(
      (f) =>
        `${f.workload ? `${f.workload.kind}/${f.workload.namespace}/${f.workload.name}${f.workload.container ? `:${f.workload.container}` : ''}` : f.container?.name}=${f.severity}`,
    )
    .sort();

describe('the seed scenario', () => {
  it('a miner deployment created by hand by an unexpected user is high; the GitOps and CI rollouts raise nothing', () => {
    // mallory's privileged pod is a workload created by a person too: medium without an allowlist.
    expect(subjects('unauthorized-deployment')).toEqual(['Deployment/seed/miner=high', 'Pod/danger/priv=medium']);
    const f = by('unauthorized-deployment')[0]!;
    expect(f.summary).toContain('mallory@corp.example');
    expect(f.evidence[0]!.kind).toBe('event');
    expect(f.firstSeen).toBe('2026-11-23T10:00:00Z');
    expect(subjects('kube-cryptominer')).toEqual(['Deployment/seed/miner:xmrig=high']);
    expect(subjects('kube-manual-change')).toEqual(['Deployment/seed/miner=high', 'Deployment/seed/old-edit=medium']);
    expect(by('kube-manual-change').find((x) => x.workload?.name === 'miner')!.summary).toMatch(
      /kubectl-create .* by mallory@corp\.example/,
    );
    const rollouts = out.result.findings.filter(
      (x) =>
        ['shop', 'ci-app'].includes(x.workload?.name ?? '') &&
        ['unauthorized-deployment', 'kube-manual-change'].includes(x.detector),
    );
    expect(rollouts).toEqual([]);
  });

  it("the same user's audit trail becomes findings on the timeline, each with its audit event", () => {
    expect(subjects('kube-secret-access')).toEqual(['secrets/seed/db-password=medium']);
    expect(subjects('kube-pod-exec')).toEqual(['Pod/seed/miner-7c9d-x1=medium']);
    expect(by('kube-pod-exec')[0]!.summary).toContain('command: sh');
    expect(subjects('kube-admin-binding')).toEqual(['clusterrolebindings/-/backdoor=high']);
    expect(by('kube-admin-binding')[0]!.summary).toContain('ServiceAccount:seed/default');
    expect(subjects('kube-audit-evasion')).toEqual(['events/-/?=high'.replace('-/?', 'seed/?')]);
    expect(subjects('kube-privileged-workload')).toEqual(['Pod/danger/priv=critical']);
    for (const d of [
      'kube-secret-access',
      'kube-pod-exec',
      'kube-admin-binding',
      'kube-audit-evasion',
      'kube-privileged-workload',
    ]) {
      const f = by(d)[0]!;
      expect(f.firstSeen, d).toMatch(/^2026-11-23T10:/);
      expect(
        f.evidence.some((e) => e.kind === 'event' && e.excerpt.includes('mallory@corp.example')),
        d,
      ).toBe(true);
    }
  });
});

describe('cluster-state detectors: scenario and benign look-alike', () => {
  it('privileged, host namespaces, host paths, capabilities, privilege escalation', () => {
    expect(subjects('kube-privileged-pod')).toEqual(['Pod/danger/priv:sh=critical']);
    expect(subjects('kube-host-namespaces')).toEqual([
      'Pod/danger/hostnet=medium',
      'Pod/danger/hostnet=medium',
      'Pod/danger/priv=high',
    ]);
    expect(subjects('kube-hostpath-mount')).toEqual([
      'DaemonSet/danger/rootmount:r=critical',
      'DaemonSet/danger/rootmount:r=critical',
    ]);
    expect(subjects('kube-dangerous-capabilities')).toEqual(['Deployment/danger/capadd:c=high']);
    expect(subjects('kube-privilege-escalation').filter((s) => s.endsWith('=medium'))).toEqual([
      'Deployment/danger/esc:e=medium',
    ]);
    expect(subjects('kube-isolation-disabled')).toEqual([
      'Deployment/danger/unconfined:u=medium',
      'Deployment/danger/unconfined=medium',
    ]);
    const quiet = out.result.findings.filter(
      (f) =>
        f.workload?.namespace === 'quiet' &&
        [
          'kube-privileged-pod',
          'kube-hostpath-mount',
          'kube-dangerous-capabilities',
          'kube-privilege-escalation',
          'kube-host-namespaces',
          'kube-isolation-disabled',
        ].includes(f.detector),
    );
    expect(quiet).toEqual([]);
  });

  it('images: mutable tags, registries outside the allowlist, miners', () => {
    const tags = subjects('kube-mutable-image-tag');
    expect(tags).toContain('Deployment/danger/capadd:c=low');
    expect(tags).toContain('Deployment/quiet/byip:i=low');
    expect(tags.some((t) => t.startsWith('Deployment/seed/shop'))).toBe(false);
    const regs = subjects('kube-untrusted-registry');
    expect(regs).toContain('Deployment/danger/rawip:i=medium');
    expect(regs).toContain('Deployment/danger/capadd:c=low');
    expect(subjects('kube-cryptominer')).not.toContain('Deployment/seed/ci-app:app=high');
  });

  it('admin service-account tokens and namespaces without network policies', () => {
    expect(subjects('kube-admin-token-mount')).toEqual(['Deployment/danger/ops-bot=high', 'Pod/danger/wildpod=high']);
    expect(subjects('kube-namespace-no-netpol')).toEqual(['namespace/danger=low']);
  });

  it('a registry allowlist and an identity allowlist are versioned suppressions, reported when they hide a finding', async () => {
    const allow = parseSuppressions(
      [
        'version: 1',
        'suppressions:',
        '  - id: registry.corp',
        '    version: 3',
        '    reason: the site registry',
        '    detectors: [kube-untrusted-registry, kube-mutable-image-tag]',
        '    match: { image: "registry.corp.example/*" }',
        '  - id: people.mallory',
        '    version: 1',
        '    reason: mallory deploys by hand on purpose',
        '    detectors: [unauthorized-deployment, kube-manual-change]',
        '    match: { user: "mallory@*" }',
        '    maxSeverity: medium',
      ].join('\n'),
    );
    const again = await runKubeScan({
      context: 'prod',
      env,
      suppressions: allow,
      audit: await prepareKubeEvidence({ auditFiles: [audit] }),
    });
    expect(
      by('kube-untrusted-registry', again.result.findings).some((f) => f.summary.includes('registry.corp.example')),
    ).toBe(false);
    expect(
      again.suppressed
        .filter((f) => f.detector === 'kube-untrusted-registry')
        .every((f) => f.suppressedBy === 'registry.corp@v3'),
    ).toBe(true);
    expect(again.suppressed.some((f) => f.detector === 'kube-untrusted-registry')).toBe(true);
    // The identity allowlist hides mallory's medium change, never the high miner.
    expect(
      again.suppressed
        .filter((f) => f.suppressedBy === 'people.mallory@v1')
        .map((f) => f.workload?.name)
        .sort(),
    ).toEqual(['old-edit', 'priv']);
    expect(by('unauthorized-deployment', again.result.findings).map((f) => f.severity)).toEqual(['high']);
  });

  it('a pod the API lists is one row per container, scored by the findings on it and its controller', () => {
    const priv = out.result.containers.find((c) => c.name === 'danger/priv/sh')!;
    expect(priv.risk).toBeGreaterThan(50);
    // Only the low registry finding (no allowlist given) is left on the benign pod.
    expect(out.result.containers.find((c) => c.name === 'quiet/unpriv/sh')!.risk).toBeLessThan(5);
  });
});

describe('hostile names', () => {
  it('control characters in object names are escaped in summaries', async () => {
    api.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'evil', namespace: 'danger' },
      spec: { containers: [{ name: 'x\u001b[31mred', image: 'xmrig\u0007' }] },
    });
    try {
      const r = await runKubeScan({ context: 'prod', env, namespaces: ['danger'] });
      const f = r.result.findings.filter((x) => x.workload?.name === 'evil');
      expect(f.length).toBeGreaterThan(0);
      for (const x of f) expect(x.summary).not.toMatch(/[\u0000-\u001f]/);
    } finally {
      api.remove('v1', 'Pod', 'danger', 'evil');
    }
  });
});
