import type Docker from 'dockerode';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanResultSchema, type ScanResult } from '@shared/domain/scan.js';
import { createApp } from '../../electron/engine/app.js';
import { runCli } from '../helpers/cli.js';
import { docker, removeSuite, runContainer, TEST_LABEL } from '../helpers/docker.js';

const SUITE = 'cli-scan-observe';

/**
 * Observed scans against real containers: a client on an internal network opens a short connection to a listener
 * in another container every second; a third container starts a short-lived `top` every few seconds.
 */
describe('stowaway scan --observe', () => {
  let net: Docker.Network;
  let beacon = '';
  let blinker = '';
  let dataDir = '';
  beforeAll(async () => {
    await removeSuite(SUITE);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-observe-'));
    // Internal: no route off the host; the traffic stays between the containers this suite creates.
    net = await docker.createNetwork({
      Name: `${SUITE}-${process.pid}`,
      Internal: true,
      Labels: { [TEST_LABEL]: SUITE },
    });
    const onNet = { NetworkMode: `${SUITE}-${process.pid}` };
    const server = await runContainer({
      suite: SUITE,
      hostConfig: onNet,
      cmd: ['nc', '-ll', '-p', '4444', '-e', 'cat'],
    });
    const ip = Object.values((await server.inspect()).NetworkSettings.Networks)[0]!.IPAddress;
    beacon = (
      await runContainer({
        suite: SUITE,
        hostConfig: onNet,
        cmd: ['sh', '-c', `while true; do nc ${ip} 4444 </dev/null & sleep 1; done`],
      })
    ).id;
    blinker = (
      await runContainer({
        suite: SUITE,
        cmd: ['sh', '-c', 'while true; do sleep 2; top -b -d 1 -n 2 >/dev/null; done'],
      })
    ).id;
    // Let the beacon settle into its rhythm.
    await new Promise((r) => setTimeout(r, 2000));
  }, 60_000);
  afterAll(async () => {
    await removeSuite(SUITE);
    await net?.remove().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const beaconing = (r: ScanResult) =>
    r.findings.filter((f) => f.detector === 'beaconing' && f.container?.id === beacon);

  it('--observe 8s sees the one-second connections as beaconing, and records the sampling', async () => {
    const r = await runCli(['scan', '--observe', '8s', '--format', 'json'], {
      env: { STOWAWAY_DATA_DIR: dataDir },
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const result = ScanResultSchema.parse(JSON.parse(r.stdout));
    const hits = beaconing(result);
    expect(hits.map((f) => f.summary)).toEqual([
      expect.stringMatching(
        /opened \d+ connections to .*:4444, an internal endpoint .* about every 1\.\d s .*\d+ snapshots/,
      ),
    ]);
    // Nine samples plus the scan's own snapshot: the cadence is read from all of them.
    expect(Number(/(\d+) snapshots/.exec(hits[0]!.summary)![1])).toBeGreaterThanOrEqual(9);
    const o = result.observation!;
    expect(o.source).toBe('host');
    expect(o.intervalMs).toBe(1000);
    expect(o.sampleCount).toBe(9);
    expect(o.sampledAt).toHaveLength(9);
    const gaps = o.sampledAt.slice(1).map((t, i) => Date.parse(t) - Date.parse(o.sampledAt[i]!));
    for (const g of gaps) expect(g).toBeGreaterThan(500);
  }, 150_000);

  it('a single snapshot records no sampling, and sees the beacon only from the close times TIME_WAIT keeps', async () => {
    const r = await runCli(['scan', '--format', 'json'], { env: { STOWAWAY_DATA_DIR: dataDir }, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const result = ScanResultSchema.parse(JSON.parse(r.stdout));
    expect(result.containers.some((c) => c.id === beacon)).toBe(true);
    // One snapshot still dates the connections closed in the last minute (their TIME_WAIT timers), so the
    // beacon may show; what it cannot have is samples.
    for (const f of beaconing(result)) expect(f.summary).toMatch(/1 snapshot\b/);
    expect(result.observation).toBeUndefined();
  }, 150_000);

  it('rejects a duration it cannot read or that is too long, as a usage error', async () => {
    for (const bad of ['soon', '11m']) {
      const r = await runCli(['scan', '--observe', bad], { env: { STOWAWAY_DATA_DIR: dataDir } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--observe/);
    }
  });

  it('the evidence holds every sample, and a process that comes and goes shows in them', async () => {
    const app = createApp({ dataDir });
    try {
      await app.engines.connect('local').catch(() => undefined);
      const { result, evidence: ev } = await app.scans.run('local', '10m', { observeMs: 6000 });
      expect(ev.observation?.sampleCount).toBe(result.observation?.sampleCount);
      const c = ev.containers.find((x) => x.container.id === blinker)!;
      const obs = c.observation!;
      expect(obs.samples).toHaveLength(ev.observation!.sampleCount);
      expect(obs.samples.map((s) => s.at)).toEqual(ev.observation!.sampledAt);
      const tops = obs.processes.filter((p) => p.comm === 'top');
      expect(tops.length).toBeGreaterThan(0);
      expect(tops.every((p) => p.transient && p.cmdline.includes('top -b'))).toBe(true);
      // Seen in some samples and not in others.
      const topPids = new Set(tops.map((p) => p.pid));
      const withTop = obs.samples.filter((s) => s.pids.some((pid) => topPids.has(pid))).length;
      expect(withTop).toBeGreaterThan(0);
      expect(withTop).toBeLessThan(obs.samples.length);
      // The long-lived shell is in every sample and not transient.
      expect(obs.processes.find((p) => p.comm === 'sh')).toMatchObject({
        transient: false,
        seenIn: obs.samples.length,
      });
      // Socket snapshots and stats from the samples joined the container's own, with provenance.
      const b = ev.containers.find((x) => x.container.id === beacon)!;
      expect(b.sockets.length).toBeGreaterThanOrEqual(obs.samples.length);
      expect(b.sockets.some((s) => s.sockets.some((x) => x.state === 'TIME_WAIT' && x.remotePort === 4444))).toBe(true);
      expect(c.stats.length).toBe(obs.samples.length - 1);
      expect(c.artifacts.some((a) => a.sourceCall.includes('(observed)'))).toBe(true);
    } finally {
      await app.dispose();
    }
  }, 150_000);
});
