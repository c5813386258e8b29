import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineConfig } from '@shared/domain/engine.js';
import { EngineRegistry } from '../../../electron/engine/connections/registry.js';
import { EventBus } from '../../../electron/engine/event-bus.js';
import { makeCerts, type Certs } from '../../helpers/certs.js';
import { disposableDockerd, type Dockerd } from '../../helpers/dockerd.js';
import { freePort } from '../../helpers/ports.js';
import { startSshd } from '../../helpers/sshd.js';
import { stateLog } from '../../helpers/engine-state-log.js';

describe('a second dockerd: tcp+TLS, restart and reconnect with backoff', () => {
  let dd: Dockerd;
  let certs: Certs;
  let port: number;

  beforeAll(async () => {
    certs = makeCerts();
    port = await freePort();
    dd = disposableDockerd({
      tls: { port, ca: path.join(certs.dir, 'ca.pem'), cert: certs.serverCert, key: certs.serverKey },
    });
    await dd.start();
  });
  afterAll(() => dd?.destroy());

  it('connects over tcp+TLS with --tlsverify, and plain http to the TLS port says TLS is required', async () => {
    const reg = new EngineRegistry(new EventBus(), { healthIntervalMs: 0 });
    const tls: EngineConfig = {
      id: 'tls',
      name: 'tls',
      kind: 'docker',
      source: 'cli',
      current: false,
      endpoint: {
        type: 'tcp',
        host: '127.0.0.1',
        port,
        allowInsecure: false,
        tls: {
          verify: true,
          caPath: path.join(certs.dir, 'ca.pem'),
          certPath: path.join(certs.dir, 'cert.pem'),
          keyPath: path.join(certs.dir, 'key.pem'),
        },
      },
    };
    const plain: EngineConfig = {
      ...tls,
      id: 'plain',
      endpoint: { type: 'tcp', host: '127.0.0.1', port, allowInsecure: true },
    };
    reg.add(tls);
    reg.add(plain);
    try {
      const st = await reg.connect('tls');
      expect(st.status, st.reason).toBe('connected');
      const viaTls = (await (await reg.client('tls')).info()) as { DockerRootDir: string };
      expect(viaTls.DockerRootDir).toBe(path.join(dd.dir, 'data'));
      const p = await reg.connect('plain');
      expect(p.errorCode).toBe('TLS_REQUIRED');
      expect(p.reason).toContain('speaks TLS');
    } finally {
      reg.dispose();
    }
  });

  it('turns lost when dockerd stops, publishes retryInMs, and reconnects after it restarts', async () => {
    const bus = new EventBus();
    const log = stateLog(bus);
    const reg = new EngineRegistry(bus, {
      healthIntervalMs: 200,
      backoff: { initialMs: 300, maxMs: 1_500 },
      callTimeoutMs: 2_000,
    });
    reg.add({
      id: 'dd',
      name: 'second',
      kind: 'docker',
      source: 'cli',
      current: false,
      endpoint: { type: 'unix', socketPath: dd.socket },
    });
    try {
      expect((await reg.connect('dd')).status).toBe('connected');
      const lost = log.next((s) => s.status === 'lost');
      await dd.stop();
      const l = await lost;
      expect(l.retryInMs).toBeGreaterThan(0);
      expect(l.reason).toBeTruthy();
      // While it stays down, the delay between attempts grows up to the cap.
      const retries = await Promise.all([
        log.next((s) => s.status === 'lost' && s !== l),
        new Promise((r) => setTimeout(r, 2_500)),
      ]);
      const delays = log.seen.filter((s) => s.status === 'lost').map((s) => s.retryInMs!);
      expect(delays.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...delays)).toBeGreaterThan(delays[0]!);
      expect(Math.max(...delays)).toBeLessThanOrEqual(1_500);
      expect(retries[0]).toBeTruthy();
      const back = log.next((s) => s.status === 'connected');
      await dd.start();
      expect((await back).status).toBe('connected');
      expect(reg.state('dd').status).toBe('connected');
      expect(await (await reg.client('dd')).ping()).toBeTruthy();
    } finally {
      reg.dispose();
    }
  });

  it('an ssh engine whose host goes away turns lost at once and reconnects when sshd is back', async () => {
    const sshd = await startSshd();
    const bus = new EventBus();
    const log = stateLog(bus);
    const reg = new EngineRegistry(bus, {
      healthIntervalMs: 0,
      sshHealthIntervalMs: 0,
      backoff: { initialMs: 300, maxMs: 1_000 },
      callTimeoutMs: 15_000,
      env: {},
      home: sshd.home,
    });
    reg.add({
      id: 'remote',
      name: 'remote',
      kind: 'docker',
      source: 'cli',
      current: false,
      endpoint: { type: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root' },
    });
    try {
      expect((await reg.connect('remote')).status).toBe('connected');
      // No pinging here: the closed session alone must be noticed.
      const lost = log.next((s) => s.status === 'lost');
      await sshd.stop();
      const l = await lost;
      expect(l.reason).toContain(`ssh connection to ssh://root@127.0.0.1:${sshd.port} closed`);
      expect(l.retryInMs).toBeGreaterThan(0);
      const back = log.next((s) => s.status === 'connected');
      await sshd.start();
      await back;
      expect(await (await reg.client('remote')).ping()).toBeTruthy();
    } finally {
      reg.dispose();
      await sshd.stop();
    }
  });
});
