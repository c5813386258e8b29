import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dockerd } from '../../helpers/dockerd.js';
import { engineWithContainers, expectCaseIntact, expectPartial, faultRig } from './fault-rig.js';

const SUITE = 'fault-engine-hang';
const N = 10;
const CALL_MS = 2_000;

describe('an engine that stops answering (dockerd frozen with SIGSTOP)', () => {
  let dockerd: Dockerd;
  let ids: string[];
  let pid: () => number;
  const resume = () => {
    try {
      process.kill(pid(), 'SIGCONT');
    } catch {
      // already gone
    }
  };

  beforeAll(async () => {
    ({ dockerd, ids, pid } = await engineWithContainers(SUITE, N));
  });
  afterAll(async () => {
    if (dockerd) resume();
    await dockerd?.destroy();
  });

  it('ends the scan within its time-outs with named errors, turns the engine lost, and recovers after SIGCONT', async () => {
    const rig = faultRig({ type: 'unix', socketPath: dockerd.socket }, { callTimeoutMs: CALL_MS, concurrency: 2 });
    try {
      expect((await rig.engines.connect('target')).status).toBe('connected');
      const kase = rig.cases.create('engine hang');

      const lost = rig.log.next((s) => s.status === 'lost');
      // Host reads need no call slot, so the freeze lands as collection starts: before the inspects, not after them.
      const froze = rig.duringCollection(0, () => process.kill(pid(), 'SIGSTOP'));
      const t0 = Date.now();
      const { result: cut } = await rig.scans.run('target');
      const took = Date.now() - t0;
      expect(froze()).toBe(true);
      // Containers in flight and queued each wait one call time-out at most, two at a time, then images and events.
      expect(took).toBeLessThan(CALL_MS * (N / 2 + 3));
      expectPartial(cut, ids, ['ENGINE_TIMEOUT', 'ENGINE_UNREACHABLE']);
      expect(cut.errors.some((e) => e.code === 'ENGINE_TIMEOUT')).toBe(true);
      rig.cases.addScan(kase.id, cut, rig.scans.latestEvidence('target')!);

      const l = await lost;
      expect(l.reason).toMatch(/did not answer/);
      expect(l.retryInMs).toBeGreaterThan(0);

      // While it is frozen, a new scan fails at once with the engine's own error instead of waiting.
      const t1 = Date.now();
      await expect(rig.scans.run('target')).rejects.toMatchObject({
        code: expect.stringMatching(/^ENGINE_(TIMEOUT|UNREACHABLE)$/),
      });
      expect(Date.now() - t1).toBeLessThan(CALL_MS * 3);

      const back = rig.log.next((s) => s.status === 'connected');
      resume();
      await back;
      const { result: full, evidence: fullEvidence } = await rig.scans.run('target');
      expect(full.containers.map((c) => c.id).sort()).toEqual([...ids].sort());
      rig.cases.addScan(kase.id, full, fullEvidence);
      await expectCaseIntact(rig.cases, kase.id, [cut, full]);
    } finally {
      resume();
      rig.dispose();
    }
  }, 60_000);
});
