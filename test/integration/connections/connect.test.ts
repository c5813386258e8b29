import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineConfig, EngineState } from '@shared/domain/engine.js';
import { EngineRegistry } from '../../../electron/engine/connections/registry.js';
import { EventBus } from '../../../electron/engine/event-bus.js';
import { removeSuite, runContainer, TEST_LABEL } from '../../helpers/docker.js';
import { makeCerts, type Certs } from '../../helpers/certs.js';
import { startSshd, type Sshd } from '../../helpers/sshd.js';
import { startTlsProxy } from '../../helpers/tls-proxy.js';
import { waitForListener } from '../../helpers/ports.js';

const SUITE = 'engines-connect';

const engine = (id: string, endpoint: EngineConfig['endpoint']): EngineConfig => ({
  id,
  name: id,
  kind: 'docker',
  source: 'cli',
  endpoint,
  current: false,
});

async function suiteIds(reg: EngineRegistry, id: string): Promise<string[]> {
  const list = await (
    await reg.client(id)
  ).listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${SUITE}`] } });
  return list.map((c) => c.Id).sort();
}

describe('connecting to the same dockerd over unix socket, ssh and tcp+TLS', () => {
  let sshd: Sshd;
  let certs: Certs;
  let proxy: Awaited<ReturnType<typeof startTlsProxy>>;
  const made: string[] = [];
  const reg = new EngineRegistry(new EventBus(), { healthIntervalMs: 0, sshHealthIntervalMs: 0 });

  beforeAll(async () => {
    await removeSuite(SUITE);
    made.push((await runContainer({ suite: SUITE, name: `sw-eng-a-${process.pid}` })).id);
    made.push((await runContainer({ suite: SUITE, name: `sw-eng-b-${process.pid}`, start: false })).id);
    made.sort();
    [sshd, certs] = await Promise.all([startSshd(), Promise.resolve(makeCerts())]);
    proxy = await startTlsProxy({ ca: path.join(certs.dir, 'ca.pem'), cert: certs.serverCert, key: certs.serverKey });
  });
  afterAll(async () => {
    reg.dispose();
    await Promise.all([removeSuite(SUITE), sshd?.stop(), proxy?.close()]);
  });

  it('unix socket: connects, reports the engine version and lists the containers', async () => {
    reg.add(engine('unix', { type: 'unix', socketPath: '/var/run/docker.sock' }));
    const st = await reg.connect('unix');
    expect(st).toMatchObject({ status: 'connected', os: 'linux' });
    expect(st.apiVersion).toMatch(/^1\.\d+$/);
    expect(await suiteIds(reg, 'unix')).toEqual(made);
  });

  it('ssh://root@127.0.0.1:PORT with a key file and known_hosts: same containers, one persistent session', async () => {
    const reg2 = new EngineRegistry(new EventBus(), {
      healthIntervalMs: 0,
      sshHealthIntervalMs: 0,
      env: { USER: 'root' },
      home: sshd.home,
    });
    reg2.add(engine('ssh', { type: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root' }));
    try {
      const st = await reg2.connect('ssh');
      expect(st.status, st.reason).toBe('connected');
      expect(await suiteIds(reg2, 'ssh')).toEqual(made);
      // Calls after the handshake reuse the session: ten calls take far less than ten handshakes.
      const t0 = performance.now();
      const docker = await reg2.client('ssh');
      for (let i = 0; i < 10; i++) await docker.ping();
      const perCall = (performance.now() - t0) / 10;
      expect(perCall).toBeLessThan(250);
      // Concurrent requests each get their own dial-stdio channel on the same session.
      const many = await Promise.all(made.map((id) => docker.getContainer(id).inspect()));
      expect(many.map((c) => c.Id).sort()).toEqual(made);
    } finally {
      reg2.dispose();
    }
  });

  it('ssh with an explicit identity file and known_hosts path', async () => {
    const reg3 = new EngineRegistry(new EventBus(), {
      healthIntervalMs: 0,
      sshHealthIntervalMs: 0,
      env: {},
      home: '/nonexistent-home',
    });
    reg3.add(
      engine('ssh-id', {
        type: 'ssh',
        host: '127.0.0.1',
        port: sshd.port,
        user: 'root',
        identityFile: path.join(sshd.home, '.ssh/id_ed25519'),
        knownHostsPath: path.join(sshd.home, '.ssh/known_hosts'),
      }),
    );
    try {
      const st = await reg3.connect('ssh-id');
      expect(st.status, st.reason).toBe('connected');
      expect(await suiteIds(reg3, 'ssh-id')).toEqual(made);
    } finally {
      reg3.dispose();
    }
  });

  it('ssh with the key only in ssh-agent (SSH_AUTH_SOCK), none on disk', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sw-agent-'));
    const sock = path.join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      await waitForListener({ path: sock });
      execFileSync('ssh-add', ['-q', path.join(sshd.home, '.ssh/id_ed25519')], {
        env: { ...process.env, SSH_AUTH_SOCK: sock },
        stdio: 'ignore',
      });
      const home = path.join(dir, 'home');
      mkdirSync(path.join(home, '.ssh'), { recursive: true });
      copyFileSync(path.join(sshd.home, '.ssh/known_hosts'), path.join(home, '.ssh/known_hosts'));
      const reg4 = new EngineRegistry(new EventBus(), {
        healthIntervalMs: 0,
        sshHealthIntervalMs: 0,
        env: { SSH_AUTH_SOCK: sock },
        home,
      });
      reg4.add(engine('ssh-agent', { type: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root' }));
      try {
        const st = await reg4.connect('ssh-agent');
        expect(st.status, st.reason).toBe('connected');
        expect(await suiteIds(reg4, 'ssh-agent')).toEqual(made);
      } finally {
        reg4.dispose();
      }
    } finally {
      agent.kill('SIGTERM');
    }
  });

  it('ssh://alias resolved through ~/.ssh/config (HostName, Port, User, IdentityFile), as the docker CLI would', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'sw-sshcfg-'));
    mkdirSync(path.join(home, '.ssh', 'keys'), { recursive: true });
    copyFileSync(path.join(sshd.home, '.ssh/id_ed25519'), path.join(home, '.ssh/keys/lab'));
    copyFileSync(path.join(sshd.home, '.ssh/known_hosts'), path.join(home, '.ssh/known_hosts'));
    writeFileSync(
      path.join(home, '.ssh/config'),
      `Host lab-box\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ~/.ssh/keys/lab\n`,
    );
    const regC = new EngineRegistry(new EventBus(), { healthIntervalMs: 0, sshHealthIntervalMs: 0, env: {}, home });
    regC.add(engine('alias', { type: 'ssh', host: 'lab-box', port: 22 }));
    try {
      const st = await regC.connect('alias');
      expect(st.status, st.reason).toBe('connected');
      expect(await suiteIds(regC, 'alias')).toEqual(made);
    } finally {
      regC.dispose();
    }
  });

  it('removing or reconnecting an engine during its ssh handshake leaves no session behind', async () => {
    const regR = new EngineRegistry(new EventBus(), {
      healthIntervalMs: 0,
      sshHealthIntervalMs: 0,
      env: {},
      home: sshd.home,
    });
    const ep = { type: 'ssh' as const, host: '127.0.0.1', port: sshd.port, user: 'root' };
    regR.add(engine('racy', ep));
    const pending = regR.connect('racy');
    regR.remove('racy');
    await pending;
    regR.add(engine('again', ep));
    const first = regR.connect('again');
    const second = regR.reconnect('again');
    await first;
    expect((await second).status).toBe('connected');
    await expect.poll(() => sshd.sessions(), { timeout: 5_000 }).toBe(1);
    regR.dispose();
    await expect.poll(() => sshd.sessions(), { timeout: 5_000 }).toBe(0);
  });

  it('tcp+TLS with CA, client cert and key: same containers', async () => {
    reg.add(
      engine('tls', {
        type: 'tcp',
        host: '127.0.0.1',
        port: proxy.port,
        allowInsecure: false,
        tls: {
          verify: true,
          caPath: path.join(certs.dir, 'ca.pem'),
          certPath: path.join(certs.dir, 'cert.pem'),
          keyPath: path.join(certs.dir, 'key.pem'),
        },
      }),
    );
    const st = await reg.connect('tls');
    expect(st.status, st.reason).toBe('connected');
    expect(await suiteIds(reg, 'tls')).toEqual(made);
  });

  it('keeps several engines at once, each with its own state', async () => {
    reg.add(engine('dead', { type: 'unix', socketPath: '/nonexistent/docker.sock' }));
    const states: EngineState[] = await Promise.all(['unix', 'tls', 'dead'].map((id) => reg.connect(id)));
    expect(states.map((s) => s.status)).toEqual(['connected', 'connected', 'failed']);
    expect(reg.state('unix').status).toBe('connected');
    expect(reg.list().map((e) => e.id)).toEqual(['unix', 'tls', 'dead']);
  });
});
