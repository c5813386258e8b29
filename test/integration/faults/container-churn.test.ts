import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScan } from '../../../electron/engine/scan/run-scan.js';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { tempDataDir } from '../../helpers/case-fixtures.js';
import { docker, removeSuite, runContainer } from '../../helpers/docker.js';
import { expectCaseIntact, QUICK_STOP } from './fault-rig.js';

const SUITE = 'fault-container-churn';
const sh = (...args: string[]) =>
  execFileSync('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    .toString()
    .trim();

describe('containers removed, paused and restarted while a scan collects them', () => {
  const ids = { steady: '', removed: '', paused: '', restarted: '' };
  const data = tempDataDir('sw-faults-churn-');

  beforeAll(async () => {
    await removeSuite(SUITE);
    for (const k of Object.keys(ids) as Array<keyof typeof ids>)
      ids[k] = (await runContainer({ suite: SUITE, name: `sw-churn-${k}-${process.pid}`, cmd: QUICK_STOP })).id;
  });
  afterAll(async () => {
    execFileSync('docker', ['unpause', ids.paused], { stdio: 'ignore' });
    await removeSuite(SUITE);
    data.cleanup();
  });

  it('goes on past each change, reads the containers as they are now and names the one that is gone', async () => {
    const oldPid = Number(sh('inspect', '-f', '{{.State.Pid}}', ids.restarted));
    let acted = false;
    // Between listing and reading (the engine's process table is already indexed), the containers change under the scan.
    const outcome = await runScan(
      docker,
      { id: 'local', name: 'local', endpoint: 'unix:///var/run/docker.sock', local: true },
      {
        local: true,
        containerIds: [ids.steady, ids.removed, ids.paused, ids.restarted],
        concurrency: 1,
        callTimeoutMs: 10_000,
        since: '1m',
        onProgress: (p) => {
          if (acted || p.phase !== 'collecting' || p.done !== 0 || p.total !== 4) return;
          acted = true;
          sh('rm', '-f', ids.removed);
          sh('pause', ids.paused);
          sh('restart', '-t', '0', ids.restarted);
        },
      },
    );
    expect(acted).toBe(true);
    const { result, evidence } = outcome;
    const byId = new Map(evidence.containers.map((c) => [c.container.id, c]));

    expect(byId.has(ids.removed)).toBe(false);
    expect(result.errors.filter((e) => e.containerId === ids.removed)).toEqual([
      expect.objectContaining({ call: 'inspect', code: 'NOT_FOUND' }),
    ]);

    expect(byId.get(ids.paused)?.container.state).toBe('paused');
    expect(byId.get(ids.paused)?.processes.host?.processes.length).toBeGreaterThan(0);

    const restarted = byId.get(ids.restarted)!;
    const newPid = Number(sh('inspect', '-f', '{{.State.Pid}}', ids.restarted));
    expect(newPid).not.toBe(oldPid);
    expect(restarted.container.state).toBe('running');
    expect(restarted.container.startedAt).toBe(sh('inspect', '-f', '{{.State.StartedAt}}', ids.restarted));
    // Its processes are the new run's, not those of the run the scan listed.
    const pids = restarted.processes.host?.processes.map((p) => p.pid) ?? [];
    expect(pids).toContain(newPid);
    expect(pids).not.toContain(oldPid);

    expect(byId.has(ids.steady)).toBe(true);
    expect(result.errors.filter((e) => e.containerId && e.containerId !== ids.removed)).toEqual([]);
    for (const e of result.errors) expect(e.code).not.toBe('INTERNAL');

    const cases = new CaseService(data.dir, 'analyst');
    try {
      const kase = cases.create('containers changing under a scan');
      cases.addScan(kase.id, result, evidence);
      await expectCaseIntact(cases, kase.id, [result]);
      expect(cases.containers(kase.id).find((c) => c.id === ids.paused)?.state).toBe('paused');
    } finally {
      cases.dispose();
    }
  }, 30_000);
});
