import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createApp, type App } from '../../electron/engine/app.js';
import type { ScanResult } from '@shared/domain/scan.js';
import { removeSuite, runContainer } from '../helpers/docker.js';
import { tempDataDir } from '../helpers/case-fixtures.js';
import { waitForFile } from './collect/wait.js';
import { podExecAudit } from '../helpers/kube-audit.js';

const SUITE = 'scan-options';

/**
 * The scan options the UI sends (baselines, Kubernetes inputs) through the contract, against a real engine:
 * the same effect as the CLI flags, and the same fast failures for inputs that cannot be read.
 */
describe('scan.run options', () => {
  const tmp = tempDataDir('stowaway-scan-options-');
  const ctx = { transport: 'http' as const, user: 'analyst' };
  const audit = path.join(tmp.dir, 'audit.log');
  let app: App;
  let runnerId = '';
  const scan = async (options?: Record<string, unknown>) => {
    const r = await (
      app.dispatch as (
        op: string,
        i: unknown,
        c: typeof ctx,
      ) => Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>
    )('scan.run', { engineId: 'local', options }, ctx);
    return r;
  };
  // What the ci-runners baseline covers (up to medium severity) on the runner container.
  const CI_DETECTORS = [
    'short-lived-container',
    'dropped-executable',
    'hidden-files',
    'exec-into-container',
    'image-tampering',
  ];
  const ciOnRunner = (fs: ScanResult['findings'] | undefined) =>
    (fs ?? []).filter(
      (f) =>
        CI_DETECTORS.includes(f.detector) &&
        f.container?.id === runnerId &&
        (f.severity === 'low' || f.severity === 'medium'),
    );

  beforeAll(async () => {
    await removeSuite(SUITE);
    // A CI job by its site label, from an image built here rather than pulled: what the ci-runners baseline exists for.
    const runner = await runContainer({
      suite: SUITE,
      name: `sw-scanopt-runner-${process.pid}`,
      labels: { 'ci.role': 'runner' },
      cmd: [
        'sh',
        '-c',
        'mkdir -p /tmp/.cache && echo x > /tmp/.cache/dep && cp /bin/busybox /tmp/.cache/helper && touch /tmp/ready && sleep 3600',
      ],
    });
    runnerId = runner.id;
    await waitForFile(runnerId, '/tmp/ready');
    writeFileSync(audit, `${podExecAudit('kube-proxy-x7k2p')}\n`);
    app = createApp({ env: { ...process.env, STOWAWAY_DATA_DIR: tmp.dir } });
  }, 60_000);
  afterAll(async () => {
    await app?.dispose();
    await removeSuite(SUITE);
    tmp.cleanup();
  });

  it('applies a named baseline and judges an audit log with the scan', async () => {
    const plain = await scan();
    expect(plain.ok, JSON.stringify(plain.error)).toBe(true);
    expect(ciOnRunner((plain.value as ScanResult).findings)).not.toEqual([]);
    expect((plain.value as ScanResult).findings.some((f) => f.detector === 'kube-pod-exec')).toBe(false);

    const withOptions = await scan({ baselines: ['ci-runners'], kubeAudit: [audit] });
    expect(withOptions.ok, JSON.stringify(withOptions.error)).toBe(true);
    const r = withOptions.value as ScanResult;
    expect(ciOnRunner(r.findings)).toEqual([]);
    expect(ciOnRunner(r.suppressed).map((f) => f.suppressedBy)).toContain('baseline.ci-runners.generic@v1');
    expect(
      r.findings
        .filter((f) => f.detector === 'kube-pod-exec')
        .map((f) => f.summary)
        .join('\n'),
    ).toContain('kube-proxy-x7k2p');
  }, 120_000);

  it('fails at once, naming the cause, for an unknown baseline or an audit log that cannot be read', async () => {
    const unknown = await scan({ baselines: ['no-such-baseline'] });
    expect(unknown.error).toMatchObject({ code: 'VALIDATION' });
    expect(unknown.error?.message).toMatch(/Unknown baseline "no-such-baseline"; known baselines: ci-runners/);
    const missing = await scan({ kubeAudit: [path.join(tmp.dir, 'missing.log')] });
    expect(missing.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(missing.error?.message).toMatch(/Cannot read audit log .*missing\.log/);
  });

  it('observes running containers for the duration the Options panel asks for, and refuses one it cannot read', async () => {
    const observed = await scan({ observe: '3s' });
    expect(observed.ok, JSON.stringify(observed.error)).toBe(true);
    const o = (observed.value as ScanResult).observation!;
    expect(o.durationMs).toBe(3000);
    expect(o.sampleCount).toBe(4);
    expect(o.sampledAt).toHaveLength(4);
    const bad = await scan({ observe: '3 seconds' });
    expect(bad.error).toMatchObject({ code: 'VALIDATION' });
  }, 120_000);
});
