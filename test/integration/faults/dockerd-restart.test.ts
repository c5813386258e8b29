import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import type { EngineEvent } from '@shared/domain/event.js';
import { LiveEvents } from '../../../electron/engine/investigate/live-events.js';
import type { Dockerd } from '../../helpers/dockerd.js';
import { runOn } from '../../helpers/second-engine.js';
import {
  ENGINE_FAULT_CODES,
  engineWithContainers,
  expectCaseIntact,
  expectPartial,
  faultRig,
  QUICK_STOP,
  stopDaemonNow,
} from './fault-rig.js';

const SUITE = 'fault-dockerd-restart';
const N = 10;

describe('dockerd restarted during a scan and during an open view', () => {
  let dockerd: Dockerd;
  let docker: Docker;
  let ids: string[];
  let pid: () => number;

  beforeAll(async () => {
    ({ dockerd, docker, ids, pid } = await engineWithContainers(SUITE, N));
  });
  afterAll(async () => {
    await dockerd?.destroy();
  });

  it('a scan cut by a daemon restart keeps what it read, names what it missed, and the case keeps both scans', async () => {
    const rig = faultRig({ type: 'unix', socketPath: dockerd.socket }, { concurrency: 1 });
    try {
      expect((await rig.engines.connect('target')).status).toBe('connected');
      const kase = rig.cases.create('dockerd restart');
      const { result: before, evidence: beforeEvidence } = await rig.scans.run('target');
      expect(before.containers).toHaveLength(N);
      rig.cases.addScan(kase.id, before, beforeEvidence);

      // The daemon is stopped (as `systemctl restart docker` does first) after three containers were read.
      const lost = rig.log.next((s) => s.status === 'lost');
      const killed = rig.duringCollection(3, () => stopDaemonNow(pid()));
      const t0 = Date.now();
      const { result: cut } = await rig.scans.run('target');
      expect(killed()).toBe(true);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(cut.containers.length).toBeGreaterThanOrEqual(3);
      expectPartial(cut, ids);
      // Engine info, images and events are read beside the containers: whichever calls were still open name the fault.
      expect(cut.errors.some((e) => ENGINE_FAULT_CODES.includes(e.code))).toBe(true);
      rig.cases.addScan(kase.id, cut, rig.scans.latestEvidence('target')!);

      expect((await lost).reason).toBeTruthy();
      await dockerd.stop();
      const back = rig.log.next((s) => s.status === 'connected');
      await dockerd.start();
      await back;
      // The restarted daemon kept every container (stopped now): a new scan reads them all again.
      const { result: after, evidence: afterEvidence } = await rig.scans.run('target');
      expect(after.containers.map((c) => c.id).sort()).toEqual([...ids].sort());
      expect(after.errors.filter((e) => e.containerId)).toEqual([]);
      rig.cases.addScan(kase.id, after, afterEvidence);

      await expectCaseIntact(rig.cases, kase.id, [before, cut, after]);
      expect(
        rig.cases
          .custody(kase.id)
          .filter((l) => l.action === 'scan')
          .map((l) => l.detail),
      ).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(`: ${cut.containers.length} containers, \\d+ findings, ${cut.errors.length} errors`),
          ),
        ]),
      );
    } finally {
      rig.dispose();
    }
  }, 45_000);

  it('the live event view resumes after a daemon restart and shows containers started after it', async () => {
    const rig = faultRig({ type: 'unix', socketPath: dockerd.socket });
    const live = new LiveEvents(rig.engines, rig.bus);
    const events: EngineEvent[] = [];
    rig.bus.onAny((event, payload) => {
      if (event === 'engine.event') events.push(payload as EngineEvent);
    });
    try {
      expect((await rig.engines.connect('target')).status).toBe('connected');
      const first = await runOn(docker, SUITE, QUICK_STOP);
      await expect
        .poll(() => events.some((e) => e.actorId === first.id && e.action === 'start'), { timeout: 10_000 })
        .toBe(true);

      // A graceful restart, as `systemctl restart docker` does it.
      const lost = rig.log.next((s) => s.status === 'lost');
      await dockerd.stop();
      await lost;
      const back = rig.log.next((s) => s.status === 'connected');
      await dockerd.start();
      await back;

      const second = await runOn(docker, SUITE, QUICK_STOP);
      await expect
        .poll(() => events.some((e) => e.actorId === second.id && e.action === 'start'), { timeout: 10_000 })
        .toBe(true);
      expect(rig.engines.state('target').status).toBe('connected');
    } finally {
      live.dispose();
      rig.dispose();
    }
  }, 45_000);
});
