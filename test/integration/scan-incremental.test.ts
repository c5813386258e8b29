import type Docker from 'dockerode';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../electron/engine/app.js';
import type { ScanResult } from '@shared/domain/scan.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'scan-incremental';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rescans through the service the desktop app and serve use, against real containers of the local engine. */
describe('incremental rescans', () => {
  let app: App;
  let dataDir = '';
  let dropper: Docker.Container;
  let quiet: Docker.Container;
  let privileged: Docker.Container;
  const evidenceOf = (id: string) => app.scans.latestEvidence('local')!.containers.find((c) => c.container.id === id);
  const findingsOf = (r: ScanResult, id: string) =>
    r.findings
      .filter((f) => f.container?.id === id)
      .map((f) => `${f.detector} ${f.id}`)
      .sort();

  beforeAll(async () => {
    await removeSuite(SUITE);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-incr-'));
    // Drops a hidden executable in /tmp when told to through a bind-mounted directory: no exec, no engine event.
    mkdirSync(path.join(dataDir, 'signal'));
    // A fifo: the shell blocks reading it, so no process comes or goes until the signal.
    execFileSync('mkfifo', [path.join(dataDir, 'signal', 'go')]);
    dropper = await runContainer({
      suite: SUITE,
      hostConfig: { Binds: [`${path.join(dataDir, 'signal')}:/signal`] },
      cmd: ['sh', '-c', 'read x < /signal/go; cp /bin/busybox /tmp/.kworker; touch /signal/done; exec sleep 3600'],
    });
    quiet = await runContainer({ suite: SUITE });
    privileged = await runContainer({ suite: SUITE, hostConfig: { LogConfig: { Type: 'none', Config: {} } } });
    app = createApp({ dataDir });
  });
  afterAll(async () => {
    await app?.dispose();
    await removeSuite(SUITE);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reuses the evidence of unchanged containers, which keep their findings', async () => {
    const { result: first } = await app.scans.run('local', '10m');
    expect(first.incremental).toBeUndefined();
    const before = new Map([quiet.id, privileged.id, dropper.id].map((id) => [id, evidenceOf(id)]));
    expect(findingsOf(first, privileged.id).some((f) => f.startsWith('logging-disabled'))).toBe(true);
    const { result: second } = await app.scans.run('local', '10m');
    expect(second.incremental?.reused).toBeGreaterThanOrEqual(3);
    for (const [id, ev] of before) expect(evidenceOf(id), id).toBe(ev);
    for (const id of before.keys()) expect(findingsOf(second, id)).toEqual(findingsOf(first, id));
  }, 120_000);

  it('reads again a container with a new file, and its new finding appears; the others stand', async () => {
    const quietBefore = evidenceOf(quiet.id);
    const privFindings = findingsOf(app.scans.latest('local')!, privileged.id);
    writeFileSync(path.join(dataDir, 'signal', 'go'), 'go\n');
    for (let i = 0; i < 100 && !existsSync(path.join(dataDir, 'signal', 'done')); i++) await sleep(100);
    const { result: third } = await app.scans.run('local', '10m');
    const drop = evidenceOf(dropper.id)!;
    expect(drop.files.some((f) => f.path === '/tmp/.kworker')).toBe(true);
    expect(third.findings.filter((f) => f.container?.id === dropper.id).map((f) => f.detector)).toEqual(
      expect.arrayContaining(['dropped-executable', 'hidden-files']),
    );
    expect(evidenceOf(quiet.id)).toBe(quietBefore);
    expect(findingsOf(third, privileged.id)).toEqual(privFindings);
  }, 120_000);

  it('reads again a container with a new process', async () => {
    const before = evidenceOf(quiet.id)!;
    const x = await quiet.exec({ Cmd: ['sh', '-c', 'exec sleep 1234'], AttachStdout: false, AttachStderr: false });
    await x.start({ Detach: true });
    // The exec is under way once the engine shows it; a rescan before the shell has exec'd would see only `sh`.
    const running = async () =>
      ((await quiet.top()).Processes ?? []).some((p: string[]) => p[p.length - 1] === 'sleep 1234');
    for (let i = 0; i < 100 && !(await running()); i++) await sleep(100);
    await app.scans.run('local', '10m');
    const after = evidenceOf(quiet.id)!;
    expect(after).not.toBe(before);
    expect(after.processes.host?.processes.some((p) => p.cmdline === 'sleep 1234')).toBe(true);
  }, 120_000);
});
