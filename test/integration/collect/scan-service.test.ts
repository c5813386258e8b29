import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanResultSchema, type ScanProgress, type ScanResult } from '@shared/domain/scan.js';
import { ContainerEvidenceSchema, EngineEvidenceSchema } from '@shared/domain/evidence-set.js';
import { createApp, type App } from '../../../electron/engine/app.js';
import type { ScanOutcome } from '../../../electron/engine/scan/run-scan.js';
import { riskScore } from '../../../electron/engine/detect/run-detectors.js';
import { docker, removeSuite, runContainer } from '../../helpers/docker.js';
import { waitForFile } from './wait.js';

const SUITE = 'collect-scan-service';
const ctx = { transport: 'http' as const, user: 'analyst' };

describe('scan service ops', () => {
  let app: App;
  let dataDir = '';
  let flagged = '';
  let stopped = '';
  beforeAll(async () => {
    await removeSuite(SUITE);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'stowaway-scan-'));
    app = createApp({ dataDir });
    flagged = (
      await runContainer({
        suite: SUITE,
        image: 'stowaway-test/attrs:1',
        name: `sw-scan-flagged-${process.pid}`,
        hostConfig: { CapAdd: ['LINUX_IMMUTABLE'] },
        cmd: ['sh', '-c', 'echo x > /tmp/locked && chattr +i /tmp/locked && touch /tmp/ready && sleep 3600'],
      })
    ).id;
    stopped = (await runContainer({ suite: SUITE, name: `sw-scan-stopped-${process.pid}`, start: false })).id;
    await waitForFile(flagged, '/tmp/ready');
  }, 60_000);
  afterAll(async () => {
    await app?.dispose();
    await removeSuite(SUITE);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('scan.run scans running and stopped containers, scores them and reports progress', async () => {
    const progress: ScanProgress[] = [];
    let latestAtDone: ScanResult | null | undefined;
    const before = app.scans.latest('local');
    const off = app.bus.onAny((event, payload) => {
      if (event !== 'scan.progress') return;
      progress.push(payload as ScanProgress);
      // A UI reloads scan.latest on "done": by then it must already be this scan.
      if ((payload as ScanProgress).phase === 'done') latestAtDone = app.scans.latest('local');
    });
    const r = await app.dispatch('scan.run', { engineId: 'local', since: '5m' }, ctx);
    off();
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const result = ScanResultSchema.parse((r as { value: ScanResult }).value);
    const mine = result.containers.filter((c) => [flagged, stopped].includes(c.id));
    expect(mine.map((c) => c.state).sort()).toEqual(['created', 'running']);
    const findings = result.findings.filter((f) => f.container?.id === flagged);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings)
      expect(f).toMatchObject({
        engineId: 'local',
        container: { id: flagged, name: `sw-scan-flagged-${process.pid}` },
      });
    expect(result.containers.find((c) => c.id === flagged)!.risk).toBe(riskScore(findings));
    expect(result.containers.find((c) => c.id === flagged)!.risk).toBeGreaterThan(0);

    expect(new Set(progress.map((p) => p.scanId)).size).toBe(1);
    expect(progress.map((p) => p.phase)).toEqual(
      expect.arrayContaining(['listing', 'collecting', 'detecting', 'done']),
    );
    const collecting = progress.filter((p) => p.phase === 'collecting');
    expect(collecting.at(-1)!.done).toBe(collecting.at(-1)!.total);
    expect(progress.at(-1)!.phase).toBe('done');
    expect(latestAtDone).not.toBe(before);
    expect(latestAtDone?.scannedAt).toBe(result.scannedAt);

    const latest = await app.dispatch('scan.latest', { engineId: 'local' }, ctx);
    expect(latest).toEqual({ ok: true, value: result });
    const ev = await app.dispatch('evidence.latest', { engineId: 'local' }, ctx);
    expect(ev.ok).toBe(true);
    const evidence = EngineEvidenceSchema.parse((ev as { value: unknown }).value);
    expect(
      evidence.containers.find((c) => c.container.id === flagged)?.files.find((f) => f.path === '/tmp/locked')?.flags,
    ).toContain('immutable');
  }, 60_000);

  it('a second scan carries the first one socket snapshots forward, oldest first', async () => {
    const first = (await app.dispatch('evidence.latest', { engineId: 'local' }, ctx)) as {
      value: { containers: { container: { id: string }; sockets: { collectedAt: string }[] }[] };
    };
    const before = first.value.containers.find((c) => c.container.id === flagged)!.sockets;
    expect(before).toHaveLength(1);
    // A rescan reuses what did not change: a new file in the container's upper dir (written from the host, so no
    // engine event sets off a live rescan in between) makes it read again.
    const upper = ((await docker.getContainer(flagged).inspect()).GraphDriver.Data as Record<string, string>).UpperDir;
    await writeFile(path.join(upper!, 'tmp', 'again'), 'x');
    const r = await app.dispatch('scan.run', { engineId: 'local' }, ctx);
    expect(r.ok).toBe(true);
    const ev = EngineEvidenceSchema.parse(
      ((await app.dispatch('evidence.latest', { engineId: 'local' }, ctx)) as { value: unknown }).value,
    );
    const after = ev.containers.find((c) => c.container.id === flagged)!.sockets;
    expect(after).toHaveLength(2);
    expect(after[0]!.collectedAt).toBe(before[0]!.collectedAt);
    expect(after[1]!.collectedAt > after[0]!.collectedAt).toBe(true);
    expect(ev.containers.find((c) => c.container.id === stopped)!.sockets).toEqual([]);
  }, 60_000);

  it('a request with other options gets a scan of its own; the same request made at once shares one', async () => {
    const name = `sw-scan-flagged-${process.pid}`;
    const hideFlagged = [
      { id: 'hide-flagged', version: 1, reason: 'known lab container', detectors: ['*'], match: { container: name } },
    ];
    const plain = app.scans.run('local', '5m');
    expect(app.scans.run('local', '5m')).toBe(plain);
    const hiding = app.scans.run('local', '5m', { suppressions: hideFlagged });
    expect(hiding).not.toBe(plain);
    const [a, b] = await Promise.all([plain, hiding]);
    expect(a.result.findings.some((f) => f.container?.id === flagged)).toBe(true);
    expect(a.suppressed).toEqual([]);
    expect(b.result.findings.some((f) => f.container?.id === flagged)).toBe(false);
    expect(b.suppressed.length).toBeGreaterThan(0);
  }, 90_000);

  it('never answers with a scan that began before the request: requests during a scan share the one after it', async () => {
    // Asked while a scan is under way (its progress is reported from inside it): this one, or a live rescan set off
    // by other suites' containers, which this one then waits behind.
    const asked = new Promise<{ at: number; later: Promise<ScanOutcome>; again: Promise<ScanOutcome> }>((resolve) => {
      const off = app.bus.onAny((event) => {
        if (event !== 'scan.progress') return;
        off();
        const at = Date.now();
        resolve({ at, later: app.scans.run('local', '5m'), again: app.scans.run('local', '5m') });
      });
    });
    const first = app.scans.run('local', '5m');
    const { at, later, again } = await asked;
    expect(again).toBe(later);
    const [, b] = await Promise.all([first, later]);
    expect(Date.parse(b.result.scannedAt)).toBeGreaterThanOrEqual(at);
  }, 90_000);

  it('evidence.container is cached per container until refreshed', async () => {
    const call = async (refresh?: boolean) => {
      const r = await app.dispatch(
        'evidence.container',
        { engineId: 'local', containerId: flagged.slice(0, 12), refresh },
        ctx,
      );
      expect(r.ok, JSON.stringify(r).slice(0, 500)).toBe(true);
      return ContainerEvidenceSchema.parse((r as { value: unknown }).value);
    };
    const first = await call();
    expect(first.container.id).toBe(flagged);
    const again = await call();
    expect(again.artifacts[0]!.collectedAt).toBe(first.artifacts[0]!.collectedAt);
    await new Promise((r) => setTimeout(r, 10));
    const fresh = await call(true);
    expect(fresh.artifacts[0]!.collectedAt > first.artifacts[0]!.collectedAt).toBe(true);
    expect((await call()).artifacts[0]!.collectedAt).toBe(fresh.artifacts[0]!.collectedAt);
  });

  it('answers clearly for unknown engines, bad input and vanished containers', async () => {
    expect(await app.dispatch('scan.latest', { engineId: 'nope' }, ctx)).toEqual({ ok: true, value: null });
    const unknown = await app.dispatch('scan.run', { engineId: 'nope' }, ctx);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const badSince = await app.dispatch('scan.run', { engineId: 'local', since: 'yesterday' }, ctx);
    expect(badSince).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const gone = await app.dispatch('evidence.container', { engineId: 'local', containerId: 'f'.repeat(64) }, ctx);
    expect(gone).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
