import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanProgress } from '@shared/domain/scan.js';
import { EngineRegistry } from '../../electron/engine/connections/registry.js';
import { EventBus } from '../../electron/engine/event-bus.js';
import { ScanService, type ScanOutcome } from '../../electron/engine/scan/scan-service.js';
import {
  collectionThreadStats,
  collectOnThread,
  stopCollectionThreads,
} from '../../electron/engine/scan/collect-in-worker.js';
import { removeSuite, runContainer } from '../helpers/docker.js';
import { runOn, secondEngine } from '../helpers/second-engine.js';
import type { Dockerd } from '../helpers/dockerd.js';

const SUITE = 'scan-threads';
// Collection threads are what 'auto' uses when the process has no host-read threads (a single core, or turned off):
// with them, engines scanned at once stay on the main thread and share those instead.
process.env.STOWAWAY_HOST_READ_THREADS = '0';
const MAIN_SOCKET = process.env.STOWAWAY_TEST_SOCKET ?? '/var/run/docker.sock';

/** Engines scanned at once collect on threads of their own; what they find is what collection on this thread finds. */
describe('engine collections on threads of their own', () => {
  let dockerd: Dockerd;
  let secondDocker: Docker;
  let ours: string[] = [];
  let home = '';
  const bus = new EventBus();
  const progress: ScanProgress[] = [];
  bus.onAny((event, payload) => {
    if (event === 'scan.progress') progress.push(payload as ScanProgress);
  });
  const engines = new EngineRegistry(bus, { healthIntervalMs: 0, env: {} });

  beforeAll(async () => {
    await removeSuite(SUITE);
    home = mkdtempSync(path.join(os.tmpdir(), 'sw-threads-'));
    const second = await secondEngine();
    dockerd = second.dockerd;
    secondDocker = second.docker;
    // Shapes detectors report: logging off, an account added, files written in the upper dir.
    const noLogs = { LogConfig: { Type: 'none', Config: {} } };
    const mainC = await runContainer({ suite: SUITE, hostConfig: noLogs });
    const a = await runOn(secondDocker, SUITE, ['sh', '-c', 'echo x > /etc/added; exec sleep 3600'], noLogs);
    const b = await runOn(secondDocker, SUITE, [
      'sh',
      '-c',
      'echo "svc:x:100:100::/srv:/bin/false" >> /etc/passwd; exec sleep 3600',
    ]);
    ours = [mainC.id, a.id, b.id];
    const add = (id: string, socketPath: string) =>
      engines.add({
        id,
        name: id,
        kind: 'docker',
        source: 'cli',
        current: false,
        endpoint: { type: 'unix', socketPath },
      });
    add('main', MAIN_SOCKET);
    add('second', dockerd.socket);
    add('gone', path.join(home, 'nothing-here.sock'));
    await new Promise((r) => setTimeout(r, 1000));
  }, 120_000);
  afterAll(async () => {
    delete process.env.STOWAWAY_HOST_READ_THREADS;
    await stopCollectionThreads();
    await removeSuite(SUITE);
    await dockerd?.destroy();
    rmSync(home, { recursive: true, force: true });
  });

  /** What a scan says about our containers: other people's containers on the shared engine come and go. */
  const ofOurs = (o: ScanOutcome) => ({
    containers: o.result.containers
      .filter((c) => ours.includes(c.id))
      .map((c) => `${c.id} ${c.state} ${c.risk}`)
      .sort(),
    findings: o.result.findings
      .filter((f) => f.container && ours.includes(f.container.id))
      .map((f) => `${f.container!.id} ${f.detector} ${f.severity} ${f.title}`)
      .sort(),
  });
  const both = (scans: ScanService) =>
    Promise.all([scans.run('main', '10m'), scans.run('second', '10m')]).then(([m, s]) => ({ m: m!, s: s! }));

  it('two engines at once: each collection runs on a thread, and finds what collection here finds', async () => {
    const before = collectionThreadStats();
    progress.length = 0;
    const threaded = await both(new ScanService(engines, bus, { incremental: false }));
    const after = collectionThreadStats();
    expect(after.collections - before.collections).toBe(2);
    // Progress crossed from the threads: each container collected was reported.
    expect(progress.filter((p) => p.phase === 'collecting' && p.done > 0).length).toBeGreaterThanOrEqual(2);

    const here = await both(new ScanService(engines, bus, { incremental: false, collectThreads: 'never' }));
    expect(collectionThreadStats().collections).toBe(after.collections);

    expect(threaded.s.result.containers.map((c) => c.id).sort()).toEqual(ours.slice(1).sort());
    expect(ofOurs(threaded.s)).toEqual(ofOurs(here.s));
    expect(ofOurs(threaded.m)).toEqual(ofOurs(here.m));
    const detectors = ofOurs(threaded.s).findings.join('\n');
    expect(detectors).toContain('logging-disabled');
    // The evidence came back whole: host-side reads of the local engine, the upper dir's file included.
    const added = threaded.s.evidence.containers.find((c) => c.container.id === ours[1]);
    expect(JSON.stringify(added?.files)).toContain('/etc/added');
    expect(added?.access).toBe('host');
  }, 180_000);

  it('scans asked for at once through the contract, as the CLI asks, collect on threads', async () => {
    const run = new ScanService(engines, bus, { incremental: false }).handlers()['scan.run'];
    const ctx = { transport: 'cli' as const, user: 'analyst' };
    const before = collectionThreadStats().collections;
    const [, second] = await Promise.all([
      run({ engineId: 'main', since: '10m' }, ctx),
      run({ engineId: 'second', since: '10m' }, ctx),
    ]);
    expect(collectionThreadStats().collections).toBe(before + 2);
    expect(second!.containers.map((c) => c.id).sort()).toEqual(ours.slice(1).sort());
    await run({ engineId: 'second', since: '10m' }, ctx);
    expect(collectionThreadStats().collections).toBe(before + 2);
  }, 120_000);

  it('one engine alone collects on this thread unless told otherwise', async () => {
    const before = collectionThreadStats().collections;
    await new ScanService(engines, bus, { incremental: false }).run('second', '10m');
    expect(collectionThreadStats().collections).toBe(before);
    await new ScanService(engines, bus, { incremental: false, collectThreads: 'always' }).run('second', '10m');
    expect(collectionThreadStats().collections).toBe(before + 1);
  }, 120_000);

  it('incremental rescans on a thread keep what did not change', async () => {
    const scans = new ScanService(engines, bus, { incremental: true, collectThreads: 'always' });
    const first = await scans.run('second', '10m');
    const again = await scans.run('second', '10m');
    expect(first.signatures?.size).toBe(2);
    expect(again.result.incremental?.reused).toBe(2);
    // Kept containers did not travel back from the thread: they are this service's own evidence of the first scan.
    for (const c of again.evidence.containers)
      expect(c).toBe(first.evidence.containers.find((f) => f.container.id === c.container.id));
    expect(ofOurs(again)).toEqual(ofOurs(first));
  }, 120_000);

  it("an engine that fails is an error of its own; the other engine's scan stands", async () => {
    const scans = new ScanService(engines, bus, { incremental: false, collectThreads: 'always' });
    const [second, gone] = await Promise.allSettled([scans.run('second', '10m'), scans.run('gone', '10m')]);
    expect(gone.status).toBe('rejected');
    expect((gone as PromiseRejectedResult).reason.code).toBe('SOCKET_MISSING');
    expect(second.status).toBe('fulfilled');
    expect(ofOurs((second as PromiseFulfilledResult<ScanOutcome>).value).findings.length).toBeGreaterThan(0);

    // A failure inside the thread crosses back with its code, beside a collection that succeeds.
    const onThread = (socketPath: string, name: string) =>
      collectOnThread({ endpoint: { type: 'unix', socketPath }, timeoutMs: 5_000 })(secondDocker, {
        engine: { id: name, name, endpoint: `unix://${socketPath}`, local: true },
        local: true,
        since: '10m',
      });
    const [ok, missing] = await Promise.allSettled([
      onThread(dockerd.socket, 'second'),
      onThread(path.join(home, 'nothing-here.sock'), 'missing'),
    ]);
    expect((missing as PromiseRejectedResult).reason.code).toBe('SOCKET_MISSING');
    expect((missing as PromiseRejectedResult).reason.message).toContain('missing');
    expect(
      (ok as PromiseFulfilledResult<{ evidence: { containers: unknown[] } }>).value.evidence.containers,
    ).toHaveLength(2);
  }, 120_000);

  it("the caller's abort signal reaches the thread: containers not yet read are left out", async () => {
    const req = (signal?: AbortSignal) =>
      collectOnThread({ endpoint: { type: 'unix', socketPath: dockerd.socket }, timeoutMs: 5_000 })(secondDocker, {
        engine: { id: 'second', name: 'second', endpoint: `unix://${dockerd.socket}`, local: true },
        local: true,
        since: '10m',
        signal,
      });
    expect((await req()).evidence.containers).toHaveLength(2);
    expect((await req(AbortSignal.abort())).evidence.containers).toHaveLength(0);
  }, 60_000);

  it('a collection thread that dies mid-scan is a scan error, not a hang; the next scan starts new threads', async () => {
    const scans = new ScanService(engines, bus, { incremental: false, collectThreads: 'always' });
    let killed = false;
    const off = bus.onAny((event, payload) => {
      const p = payload as ScanProgress;
      if (killed || event !== 'scan.progress' || p.phase !== 'collecting' || p.done < 1) return;
      killed = true;
      void stopCollectionThreads();
    });
    try {
      const outcomes = await Promise.allSettled([scans.run('main', '10m'), scans.run('second', '10m')]);
      expect(killed).toBe(true);
      const failed = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason);
      expect(failed.length).toBeGreaterThanOrEqual(1);
      for (const e of failed) {
        expect(e.code).toBe('INTERNAL');
        expect(e.message).toMatch(/collection thread for engine "(main|second)" stopped before answering/);
      }
    } finally {
      off();
    }
    const started = collectionThreadStats().started;
    const again = await scans.run('second', '10m');
    expect(again.result.containers).toHaveLength(2);
    expect(collectionThreadStats().started).toBe(started + 1);
  }, 120_000);
});
