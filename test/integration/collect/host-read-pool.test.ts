import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';
import { mapContainerDetail } from '../../../electron/engine/docker/map.js';
import { HostReadPool } from '../../../electron/engine/collect/host-read-pool.js';
import { readHostSide, type HostSideJob, type HostSideResult } from '../../../electron/engine/collect/host-side.js';
import { LayerCache, layersOf } from '../../../electron/engine/collect/layers.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';

const SUITE = 'host-read-pool';

/**
 * Two reads of the same container differ in their times (and a process's lifetime CPU average, so the hashes of
 * what holds it); everything else must not.
 */
const VARYING = new Set(['collectedAt', 'cpuPercent', 'sha256', 'size']);
const stable = (r: HostSideResult) =>
  JSON.parse(JSON.stringify({ ...r, artifacts: r.artifacts.map((a) => [a.kind, a.sourceCall]) }), (k, v: unknown) =>
    VARYING.has(k) && typeof v !== 'object' ? undefined : v,
  ) as unknown;

describe('host read pool', () => {
  let job: HostSideJob;
  const pools: HostReadPool[] = [];
  beforeAll(async () => {
    await removeSuite(SUITE);
    const c = await runContainer({
      suite: SUITE,
      cmd: ['sh', '-c', 'echo "x:x:0:0::/:/bin/sh" >> /etc/passwd; mkdir -p /srv; echo hi > /srv/a; exec sleep 3600'],
    });
    await new Promise((r) => setTimeout(r, 300));
    const raw = await c.inspect();
    const detail = mapContainerDetail(raw, 'local');
    job = {
      id: raw.Id,
      procRoot: '/proc',
      hostPid: raw.State.Pid,
      hostProc: true,
      hostFs: true,
      pidMode: detail.pidMode,
      layers: layersOf(detail.graphDriver),
      mergedDir: detail.graphDriver.mergedDir,
      deferAttrs: true,
      timeoutMs: 15_000,
    };
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await removeSuite(SUITE);
  });

  const here = (job: HostSideJob) => readHostSide(job, { layerCache: new LayerCache() });

  it('reads a container on a worker thread exactly as on this thread', async () => {
    const pool = new HostReadPool(1);
    pools.push(pool);
    let onThisThread = 0;
    const counted = (j: HostSideJob) => (onThisThread++, here(j));
    // The first jobs run here while the worker starts; later ones go to it once it says it is ready.
    let viaWorker: HostSideResult | undefined;
    for (let i = 0; i < 200 && !viaWorker; i++) {
      const before = onThisThread;
      const r = await pool.read('scan-1', job, counted);
      if (onThisThread === before) viaWorker = r;
      else await new Promise((res) => setTimeout(res, 50));
    }
    expect(viaWorker).toBeDefined();
    const local = await here(job);
    expect(stable(viaWorker!)).toEqual(stable(local));
    expect(viaWorker!.processes.host?.processes.some((p) => p.cmdline.includes('sleep 3600'))).toBe(true);
    expect(viaWorker!.files.map((f) => f.path)).toContain('/srv/a');
    expect(viaWorker!.fileContents.find((f) => f.path === '/etc/passwd')?.text).toContain('x:x:0:0');
    expect(viaWorker!.attrRoot).toBeTruthy();
  });

  it('runs the built worker file the same way (the build ships it beside the CLI)', async () => {
    const built = path.join(ROOT, 'dist', 'host-read-worker.mjs');
    expect(existsSync(built), 'npm run build first').toBe(true);
    const pool = new HostReadPool(1, { script: pathToFileURL(built), evalCode: false });
    pools.push(pool);
    let viaWorker: HostSideResult | undefined;
    for (let i = 0; i < 200 && !viaWorker; i++) {
      let ranHere = false;
      const r = await pool.read('scan-built', job, (j) => ((ranHere = true), here(j)));
      if (!ranHere) viaWorker = r;
      else await new Promise((res) => setTimeout(res, 50));
    }
    expect(stable(viaWorker!)).toEqual(stable(await here(job)));
  });

  it('ships the reader thread without the schema library or the archive reader: each thread compiles only what it reads with', () => {
    const map = JSON.parse(readFileSync(path.join(ROOT, 'dist', 'host-read-worker.mjs.map'), 'utf8')) as {
      sources: string[];
    };
    expect(map.sources.some((s) => s.includes('collect/host-side.ts'))).toBe(true);
    expect(map.sources.filter((s) => /node_modules\/(zod|tar-stream)\//.test(s))).toEqual([]);
  });

  it('never keeps a finished process alive, even when its worker came up after the last job', () => {
    // A short scan runs every job here while the worker still starts; the process must still end on its own.
    const script = `
      import { pathToFileURL } from 'node:url';
      const { HostReadPool } = await import(${JSON.stringify(path.join(ROOT, 'electron/engine/collect/host-read-pool.ts'))});
      const pool = new HostReadPool(1, { script: pathToFileURL(${JSON.stringify(path.join(ROOT, 'dist', 'host-read-worker.mjs'))}), evalCode: false });
      await pool.read('s', { id: 'x', procRoot: '/proc', hostProc: false, hostFs: false, layers: { lowers: [] }, deferAttrs: true, timeoutMs: 1000 },
        async () => ({ processes: {}, sockets: [], mountPoints: [], tmpfs: [], files: [], fileContents: [], artifacts: [], errors: [] }));
      console.log('read');`;
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sw-pool-')), 'one-job.mts');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
      cwd: ROOT,
      timeout: 20_000,
      encoding: 'utf8',
    });
    expect(r.stdout).toContain('read');
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status).toBe(0);
  });

  it('runs jobs here when its worker cannot start', async () => {
    const pool = new HostReadPool(1, { script: 'throw new Error("no worker here")', evalCode: true });
    pools.push(pool);
    let onThisThread = 0;
    for (let i = 0; i < 5; i++) {
      await pool.read('scan-2', job, (j) => (onThisThread++, here(j)));
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(onThisThread).toBe(5);
  });

  it('fails only the jobs a dying worker held, as an error, and goes on without it', async () => {
    const dies = `const { parentPort } = require('node:worker_threads');
      parentPort.postMessage({ ready: true });
      parentPort.on('message', () => process.exit(3));`;
    const pool = new HostReadPool(1, { script: dies, evalCode: true });
    pools.push(pool);
    let outcome: unknown;
    for (let i = 0; i < 100 && outcome === undefined; i++) {
      let ranHere = false;
      try {
        await pool.read('scan-3', job, (j) => ((ranHere = true), here(j)));
        if (!ranHere) outcome = 'answered';
      } catch (e) {
        outcome = e;
      }
      if (outcome === undefined) await new Promise((res) => setTimeout(res, 50));
    }
    expect(outcome).toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/host reader stopped/) });
    let ranHere = false;
    await pool.read('scan-3', job, (j) => ((ranHere = true), here(j)));
    expect(ranHere).toBe(true);
  });

  it('sends a container to the worker that read it before, where what it learnt is kept', async () => {
    // Each worker answers with its thread ID in place of a result.
    const tells = `const { parentPort, threadId } = require('node:worker_threads');
      parentPort.postMessage({ ready: true });
      parentPort.on('message', (m) => parentPort.postMessage({ seq: m.seq, result: { threadId } }));`;
    const pool = new HostReadPool(2, { script: tells, evalCode: true });
    pools.push(pool);
    const thread = async (id: string) => {
      let where: unknown;
      const r = await pool.read('scan-4', { ...job, id }, async () => ((where = 'here'), {} as HostSideResult));
      return where ?? (r as unknown as { threadId: number }).threadId;
    };
    const a = '00000000' + 'a'.repeat(56);
    const b = '00000001' + 'b'.repeat(56);
    // Both workers are up once a burst of one container's jobs spills over to the second.
    const burst = () => Promise.all(Array.from({ length: 6 }, () => thread(a)));
    let spread = new Set<unknown>();
    for (let i = 0; i < 100 && spread.size < 2; i++) {
      spread = new Set((await burst()).filter((t) => t !== 'here'));
      if (spread.size < 2) await new Promise((res) => setTimeout(res, 50));
    }
    expect(spread.size).toBe(2);
    const seen = { a: new Set<unknown>(), b: new Set<unknown>() };
    for (let i = 0; i < 10; i++) {
      seen.a.add(await thread(a));
      seen.b.add(await thread(b));
    }
    expect(seen.a.size).toBe(1);
    expect(seen.b.size).toBe(1);
    expect([...seen.a][0]).not.toBe([...seen.b][0]);
  });
});
