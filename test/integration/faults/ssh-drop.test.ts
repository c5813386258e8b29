import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineState } from '@shared/domain/engine.js';
import type { Dockerd } from '../../helpers/dockerd.js';
import { startSshd, type Sshd } from '../../helpers/sshd.js';
import { ENGINE_FAULT_CODES, engineWithContainers, expectCaseIntact, faultRig } from './fault-rig.js';

const SUITE = 'fault-ssh-drop';
const N = 5;
const CALL_MS = 15_000;

describe('an ssh connection dropped mid-scan (the per-connection sshd killed, the listener left up)', () => {
  let dockerd: Dockerd;
  let ids: string[];
  let sshd: Sshd;

  beforeAll(async () => {
    ({ dockerd, ids } = await engineWithContainers(SUITE, N));
    // The remote `docker system dial-stdio` reaches the disposable daemon, whose containers are exactly ours.
    sshd = await startSshd({ sessionEnv: { DOCKER_HOST: `unix://${dockerd.socket}` } });
  });
  afterAll(async () => {
    await sshd?.stop();
    await dockerd?.destroy();
  });

  it('ends the scan at once with every unread container named, turns lost, reconnects, and the case keeps the cut scan', async () => {
    const rig = faultRig(
      { type: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root' },
      { callTimeoutMs: CALL_MS, concurrency: 2, home: sshd.home },
    );
    try {
      const st = await rig.engines.connect('target');
      expect(st.status, st.reason).toBe('connected');
      const kase = rig.cases.create('ssh drop');

      // The drop comes as soon as the containers are listed, while the event history is being read: remote collection
      // reads each container through many Engine API calls, too slow on a busy machine to wait for one to finish.
      let dropped = 0;
      let droppedAt = 0;
      let lost: Promise<EngineState> | undefined;
      const fired = rig.duringCollection(0, () => {
        lost = rig.log.next((s) => s.status === 'lost', 30_000);
        dropped = sshd.dropSessions();
        droppedAt = Date.now();
      });
      const { result: cut } = await rig.scans.run('target');
      expect(fired()).toBe(true);
      expect(dropped).toBeGreaterThan(0);
      // Nothing waits on the dead connection: what was in flight or queued fails at once, not after its time-out.
      expect(Date.now() - droppedAt).toBeLessThan(CALL_MS);
      const l = await lost!;
      expect(l.reason).toContain(`ssh://root@127.0.0.1:${sshd.port}`);

      // What was listed is named: every container it could not read has an error of a transport fault, none unnamed.
      const got = new Set(cut.containers.map((c) => c.id));
      expect(got.size).toBeLessThan(N);
      for (const id of ids)
        if (!got.has(id))
          expect(
            cut.errors.filter((e) => e.containerId === id).map((e) => e.code),
            `missing ${id.slice(0, 12)} without a named error`,
          ).toEqual([expect.stringMatching(/^ENGINE_(UNREACHABLE|TIMEOUT)$/)]);
      for (const e of cut.errors) expect(ENGINE_FAULT_CODES, JSON.stringify(e)).toContain(e.code);
      expect(cut.errors.some((e) => e.call === 'events')).toBe(true);
      rig.cases.addScan(kase.id, cut, rig.scans.latestEvidence('target')!);

      // The registry reconnects by itself (the listener is still up), and the new session answers.
      await rig.log.next((s) => s.status === 'connected', 60_000);
      const docker = await rig.engines.client('target');
      expect(await docker.ping()).toBeTruthy();
      const listed = await docker.listContainers({ all: true });
      expect(listed.map((c) => c.Id).sort()).toEqual([...ids].sort());
      await expectCaseIntact(rig.cases, kase.id, [cut]);
    } finally {
      rig.dispose();
    }
  }, 120_000);
});
