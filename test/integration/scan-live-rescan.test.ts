import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../electron/engine/app.js';
import { docker, removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'scan-live-rescan';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The app and `serve` keep a scanned engine's findings current from its live events, without anyone asking. */
describe('live rescans on engine events', () => {
  let app: App;
  let dataDir = '';

  beforeAll(async () => {
    await removeSuite(SUITE);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-live-'));
    app = createApp({ dataDir });
  });
  afterAll(async () => {
    await app?.dispose();
    await removeSuite(SUITE);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('rescans after an exec drops a file, and the finding appears in the latest result; nothing is scanned before a first scan', async () => {
    const target = await runContainer({ suite: SUITE });
    let completed = 0;
    // A scan is complete when its progress says done: that report waits until the result is stored.
    app.bus.onAny((event, payload) => {
      if (event === 'scan.progress' && (payload as { phase: string }).phase === 'done') completed++;
    });
    await app.engines.connect('local');
    // Not scanned yet: engine events alone start nothing.
    const idle = await docker.getContainer(target.id).exec({ Cmd: ['true'] });
    await idle.start({ Detach: true });
    await sleep(1500);
    expect(completed).toBe(0);

    await app.scans.run('local', '10m');
    expect(completed).toBe(1);
    const dropped = (id: string) =>
      app.scans
        .latest('local')
        ?.findings.some((f) => f.container?.id === id && ['dropped-executable', 'hidden-files'].includes(f.detector)) ??
      false;
    expect(dropped(target.id)).toBe(false);
    const t0 = Date.now();
    const x = await docker.getContainer(target.id).exec({ Cmd: ['cp', '/bin/busybox', '/tmp/.kworker'] });
    await x.start({ Detach: true });
    while (!dropped(target.id) && Date.now() - t0 < 90_000) await sleep(50);
    console.log(`event to finding (live rescan): ${Date.now() - t0} ms`);
    expect(dropped(target.id)).toBe(true);
    expect(completed).toBeGreaterThan(1);
  }, 180_000);
});
