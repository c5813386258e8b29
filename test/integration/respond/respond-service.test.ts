import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import tarStream from 'tar-stream';
import type { Readable } from 'node:stream';
import { createApp, type App } from '../../../electron/engine/app.js';
import { RespondService } from '../../../electron/engine/respond/respond-service.js';
import { isAppError } from '@shared/errors.js';
import { docker, removeSuite, runContainer, TEST_LABEL } from '../../helpers/docker.js';

const SUITE = 'respond-service';
const USER = 'analyst-respond';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every entry of a tar, by name. */
async function untar(src: Readable | Buffer): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const ex = tarStream.extract();
  ex.on('entry', (h, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (d) => void chunks.push(d as Buffer));
    body.on('end', () => {
      out.set(h.name, Buffer.concat(chunks));
      next();
    });
  });
  const done = new Promise<void>((r, j) => (ex.on('finish', () => r()), ex.on('error', j)));
  if (Buffer.isBuffer(src)) ex.end(src);
  else src.pipe(ex);
  await done;
  return out;
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return isAppError(e) ? e.code : `raw: ${(e as Error).message}`;
  }
}

describe('respond: containment with custody against real containers', () => {
  let dataDir: string;
  let app: App;
  let svc: RespondService;
  let caseId: string;
  const env = () => ({ ...process.env, STOWAWAY_DATA_DIR: dataDir, STOWAWAY_ANALYST: USER });

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'stowaway-respond-'));
    app = createApp({ dataDir, env: env() });
    svc = new RespondService(app.engines, app.caseStore.get, { env: env(), dataDir });
    caseId = app.caseStore.get().create('incident-respond').id;
  });
  afterEach(async () => {
    await app.dispose();
    rmSync(dataDir, { recursive: true, force: true });
    await removeSuite(SUITE);
  });
  afterAll(async () => {
    await removeSuite(SUITE);
    const nets = await docker.listNetworks({ filters: { label: [`${TEST_LABEL}=${SUITE}`] } });
    for (const n of nets)
      await docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined);
  });

  const custody = () =>
    app.caseStore
      .get()
      .custody(caseId)
      .map((e) => `${e.action} ${e.detail}`);

  it('refuses without confirmation and writes nothing', async () => {
    const c = await runContainer({ suite: SUITE });
    const before = custody().length;
    expect(await code(svc.run({ engineId: 'local', containerId: c.id, action: 'pause' }, USER))).toBe(
      'CONFIRMATION_REQUIRED',
    );
    expect(custody().length).toBe(before);
    expect((await c.inspect()).State.Paused).toBe(false);
  });

  it('pauses and unpauses, the request logged before and the outcome after', async () => {
    const c = await runContainer({ suite: SUITE });
    const r = await svc.run(
      { engineId: 'local', containerId: c.id, action: 'pause', caseRef: 'incident-respond', confirm: true },
      USER,
    );
    expect(r.outcome).toMatch(/paused/);
    expect((await c.inspect()).State.Paused).toBe(true);
    await svc.run({ engineId: 'local', containerId: c.id, action: 'unpause', caseRef: caseId, confirm: true }, USER);
    expect((await c.inspect()).State.Paused).toBe(false);
    const lines = custody().filter((l) => /pause/.test(l));
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'pause requested',
      'pause done',
      'unpause requested',
      'unpause done',
    ]);
    expect(lines[0]).toContain(c.id.slice(0, 12));
  });

  it('a failed action is logged as requested and failed', async () => {
    const c = await runContainer({ suite: SUITE, start: false });
    expect(
      await code(
        svc.run({ engineId: 'local', containerId: c.id, action: 'pause', caseRef: caseId, confirm: true }, USER),
      ),
    ).not.toBe('ok');
    expect(
      custody()
        .filter((l) => /^pause/.test(l))
        .map((l) => l.split(':')[0]),
    ).toEqual(['pause requested', 'pause failed']);
  });

  it('isolates: every network disconnected, the container still running', async () => {
    const net = await docker.createNetwork({
      Name: `${SUITE}-${Date.now()}`,
      Internal: true,
      Labels: { [TEST_LABEL]: SUITE },
    });
    const c = await runContainer({ suite: SUITE, hostConfig: { NetworkMode: (await net.inspect()).Name } });
    expect(Object.keys((await c.inspect()).NetworkSettings.Networks)).toHaveLength(1);
    const r = await svc.run(
      { engineId: 'local', containerId: c.id, action: 'isolate', caseRef: caseId, confirm: true },
      USER,
    );
    const after = await c.inspect();
    expect(Object.keys(after.NetworkSettings.Networks)).toHaveLength(0);
    expect(after.State.Running).toBe(true);
    expect(r.outcome).toContain('disconnected from');
    expect(custody().some((l) => l.startsWith('isolate done'))).toBe(true);
  });

  it('stops', async () => {
    const c = await runContainer({ suite: SUITE, cmd: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'] });
    await svc.run({ engineId: 'local', containerId: c.id, action: 'stop', caseRef: caseId, confirm: true }, USER);
    expect((await c.inspect()).State.Running).toBe(false);
    expect(
      custody()
        .filter((l) => /^stop/.test(l))
        .map((l) => l.split(':')[0]),
    ).toEqual(['stop requested', 'stop done']);
  });

  it('an action disabled by env or by settings.json is refused before anything is logged', async () => {
    const c = await runContainer({ suite: SUITE });
    const before = custody().length;
    const byEnv = new RespondService(app.engines, app.caseStore.get, {
      env: { ...env(), STOWAWAY_RESPOND_DISABLE: 'stop,pause' },
      dataDir,
    });
    expect(
      await code(
        byEnv.run({ engineId: 'local', containerId: c.id, action: 'pause', caseRef: caseId, confirm: true }, USER),
      ),
    ).toBe('FORBIDDEN');
    writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ respond: { disabled: ['isolate'] } }));
    expect(
      await code(
        svc.run({ engineId: 'local', containerId: c.id, action: 'isolate', caseRef: caseId, confirm: true }, USER),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await code(
        svc.run({ engineId: 'local', containerId: c.id, action: 'unpause', caseRef: caseId, confirm: false }, USER),
      ),
    ).toBe('CONFIRMATION_REQUIRED');
    expect(custody().length).toBe(before);
    expect((await c.inspect()).State.Paused).toBe(false);
  });

  it('preserves a deleted executable byte for byte, with maps, environ, the diff, logs and a manifest', async () => {
    const original = (
      await untar(
        (await docker
          .getContainer((await runContainer({ suite: SUITE, start: false })).id)
          .getArchive({ path: '/bin/busybox' })) as unknown as Readable,
      )
    ).get('busybox')!;
    const c = await runContainer({
      suite: SUITE,
      env: ['PRESERVE_MARK=env-marker-42'],
      cmd: [
        'sh',
        '-c',
        'cp /bin/busybox /tmp/x; ln -s /tmp/x /tmp/sleep; echo dropped > /tmp/note.txt; (/tmp/sleep 3600 &); sleep 0.5; rm /tmp/x /tmp/sleep; echo log-line-$((6*7)); exec sleep 3600',
      ],
    });
    await new Promise((r) => setTimeout(r, 1500));
    const r = await svc.run(
      { engineId: 'local', containerId: c.id, action: 'preserve', caseRef: caseId, confirm: true },
      USER,
    );
    const cases = app.caseStore.get();
    const items = r.manifest!.items;
    const exes = items.filter((i) => i.kind === 'process-exe');
    const deleted = exes.find((i) => /\/tmp\/x \(deleted\)/.test(i.source));
    expect(deleted, JSON.stringify(exes)).toBeDefined();
    expect(deleted!.sha256).toBe(sha(original));
    expect(sha(cases.readEvidence(caseId, deleted!.sha256))).toBe(sha(original));
    expect(
      items.some(
        (i) =>
          i.kind === 'process-maps' && cases.readEvidence(caseId, i.sha256).toString().includes('/tmp/x (deleted)'),
      ),
    ).toBe(true);
    expect(
      items.some(
        (i) =>
          i.kind === 'process-environ' &&
          cases.readEvidence(caseId, i.sha256).toString().includes('PRESERVE_MARK=env-marker-42'),
      ),
    ).toBe(true);
    const logs = items.find((i) => i.kind === 'logs')!;
    expect(cases.readEvidence(caseId, logs.sha256).toString()).toContain('log-line-42');
    const diff = await untar(cases.readEvidence(caseId, items.find((i) => i.kind === 'fs-diff')!.sha256));
    expect(diff.get('tmp/note.txt')?.toString()).toBe('dropped\n');
    expect(diff.has('tmp/x')).toBe(false);
    // The manifest is itself evidence, and every item it lists is stored under its hash.
    const manifest = JSON.parse(cases.readEvidence(caseId, r.manifest!.sha256).toString()) as {
      items: Array<{ sha256: string; size: number }>;
    };
    expect(manifest.items.length).toBe(items.length);
    const stored = new Set(cases.listEvidence(caseId).map((e) => e.sha256));
    for (const i of manifest.items) expect(stored.has(i.sha256)).toBe(true);
    const lines = custody();
    const req = lines.findIndex((l) => l.startsWith('preserve requested'));
    const firstEvidence = lines.findIndex((l) => l.startsWith('evidence preserve-'));
    expect(req).toBeGreaterThanOrEqual(0);
    expect(firstEvidence).toBeGreaterThan(req);
    expect(lines.at(-1)).toMatch(/^preserve done: .*manifest [0-9a-f]{64}/);
  });

  it('dumps the memory of one process only on request, bounded', async () => {
    const c = await runContainer({ suite: SUITE, env: ['SECRET_IN_MEMORY=mem-marker-77'] });
    const pid = (await c.inspect()).State.Pid;
    const plain = await svc.run(
      { engineId: 'local', containerId: c.id, action: 'preserve', caseRef: caseId, confirm: true },
      USER,
    );
    expect(plain.manifest!.items.some((i) => i.kind === 'process-memory')).toBe(false);
    expect(
      await code(
        svc.run(
          { engineId: 'local', containerId: c.id, action: 'preserve', caseRef: caseId, confirm: true, memoryPid: 1 },
          USER,
        ),
      ),
    ).not.toBe('ok');
    const r = await svc.run(
      {
        engineId: 'local',
        containerId: c.id,
        action: 'preserve',
        caseRef: caseId,
        confirm: true,
        memoryPid: pid,
        memoryBytes: 4 << 20,
      },
      USER,
    );
    const mem = r.manifest!.items.find((i) => i.kind === 'process-memory')!;
    expect(mem.size).toBeGreaterThan(0);
    expect(mem.size).toBeLessThanOrEqual(4 << 20);
    expect(app.caseStore.get().readEvidence(caseId, mem.sha256).includes('mem-marker-77')).toBe(true);
  });
});
