import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contextDirName } from '../../../electron/engine/connections/docker-contexts.js';
import { CLI, runCli, type CliResult } from '../../helpers/cli.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';
import { makeCerts, type Certs } from '../../helpers/certs.js';
import { startSshd, type Sshd } from '../../helpers/sshd.js';
import { startTlsProxy } from '../../helpers/tls-proxy.js';

// Whole-engine scans over ssh read every container the shared daemon holds, however many other suites run:
// their time is bounded by each CLI call's own time-out, not by the default per-test limit.
vi.setConfig({ testTimeout: 300_000 });

const SUITE = 'engines-cli';

/** Ids of this suite's containers in a `scan --format json` result. */
function suiteIds(r: CliResult, ids: string[]): string[] {
  expect(r.code, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout) as { containers: Array<{ id: string }>; engine: { endpoint: string } };
  return result.containers
    .map((c) => c.id)
    .filter((id) => ids.includes(id))
    .sort();
}

/** A plain (no TLS) tcp listener on loopback that forwards to the local dockerd, as `dockerd -H tcp://` would. */
async function plainTcpProxy(): Promise<{ port: number; close(): Promise<void> }> {
  const socks = new Set<net.Socket>();
  const server = net.createServer((c) => {
    const up = net.connect('/var/run/docker.sock');
    socks.add(c).add(up);
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy()).on('close', () => up.destroy());
    up.on('error', () => c.destroy()).on('close', () => c.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise((r) => (socks.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

describe('stowaway CLI against remote engines', () => {
  let sshd: Sshd;
  let certs: Certs;
  let tlsProxy: Awaited<ReturnType<typeof startTlsProxy>>;
  let plain: Awaited<ReturnType<typeof plainTcpProxy>>;
  const ids: string[] = [];
  const data = mkdtempSync(path.join(os.tmpdir(), 'sw-cli-data-'));

  beforeAll(async () => {
    await removeSuite(SUITE);
    ids.push((await runContainer({ suite: SUITE, name: `sw-engcli-run-${process.pid}` })).id);
    ids.push((await runContainer({ suite: SUITE, name: `sw-engcli-stopped-${process.pid}`, start: false })).id);
    ids.sort();
    certs = makeCerts();
    [sshd, tlsProxy, plain] = await Promise.all([
      startSshd(),
      startTlsProxy({ ca: path.join(certs.dir, 'ca.pem'), cert: certs.serverCert, key: certs.serverKey }),
      plainTcpProxy(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([removeSuite(SUITE), sshd?.stop(), tlsProxy?.close(), plain?.close()]);
  });

  const base = () => ({
    STOWAWAY_DATA_DIR: data,
    DOCKER_HOST: '',
    DOCKER_CONTEXT: '',
    DOCKER_TLS_VERIFY: '',
    DOCKER_CERT_PATH: '',
    KUBECONFIG: '',
  });

  it('scan --host ssh://root@127.0.0.1:PORT and a TLS DOCKER_HOST return the same containers as the local socket', async () => {
    const [local, ssh, tls] = await Promise.all([
      runCli(['scan', '--format', 'json', '--since', '1m'], { env: base() }),
      runCli(['scan', '--format', 'json', '--since', '1m', '--host', `ssh://root@127.0.0.1:${sshd.port}`], {
        env: { ...base(), HOME: sshd.home, SSH_AUTH_SOCK: '' },
        timeoutMs: 120_000,
      }),
      runCli(['scan', '--format', 'json', '--since', '1m'], {
        env: {
          ...base(),
          DOCKER_HOST: `tcp://127.0.0.1:${tlsProxy.port}`,
          DOCKER_TLS_VERIFY: '1',
          DOCKER_CERT_PATH: certs.dir,
        },
      }),
    ]);
    expect(suiteIds(local, ids)).toEqual(ids);
    expect(suiteIds(ssh, ids)).toEqual(ids);
    expect(suiteIds(tls, ids)).toEqual(ids);
    expect(JSON.parse(ssh.stdout).engine.endpoint).toBe(`ssh://root@127.0.0.1:${sshd.port}`);
    expect(JSON.parse(tls.stdout).engine.endpoint).toBe(`tcp://127.0.0.1:${tlsProxy.port}`);
  });

  it('plain tcp needs --allow-insecure and then warns', async () => {
    const refused = await runCli(
      ['scan', '--format', 'json', '--since', '1m', '--host', `tcp://127.0.0.1:${plain.port}`],
      { env: base() },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('INSECURE_NOT_ALLOWED');
    const allowed = await runCli(
      ['scan', '--format', 'json', '--since', '1m', '--allow-insecure', '--host', `tcp://127.0.0.1:${plain.port}`],
      { env: base() },
    );
    expect(suiteIds(allowed, ids)).toEqual(ids);
    expect(allowed.stderr).toContain(`warning: tcp://127.0.0.1:${plain.port} is plain tcp without TLS`);
  });

  it('--context picks a docker context over DOCKER_HOST; an unknown one is a usage error', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'sw-cli-home-'));
    const meta = path.join(home, '.docker/contexts/meta', contextDirName('via-ssh'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(
      path.join(meta, 'meta.json'),
      JSON.stringify({
        Name: 'via-ssh',
        Metadata: {},
        Endpoints: { docker: { Host: `ssh://root@127.0.0.1:${sshd.port}` } },
      }),
    );
    mkdirSync(path.join(home, '.ssh'));
    for (const f of ['id_ed25519', 'known_hosts'])
      writeFileSync(
        path.join(home, '.ssh', f),
        await import('node:fs').then((fs) => fs.readFileSync(path.join(sshd.home, '.ssh', f))),
        { mode: 0o600 },
      );
    const env = { ...base(), HOME: home, SSH_AUTH_SOCK: '', DOCKER_HOST: 'unix:///nonexistent.sock' };
    const r = await runCli(['scan', '--format', 'json', '--since', '1m', '--context', 'via-ssh'], {
      env,
      timeoutMs: 120_000,
    });
    expect(suiteIds(r, ids)).toEqual(ids);
    const bad = await runCli(['scan', '--context', 'nope'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('No context named "nope". Known contexts: default, via-ssh');

    const list = await runCli(['contexts'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/\*\s+DOCKER_HOST\s+docker\s+env\s+unix:\/\/\/nonexistent\.sock/);
    expect(list.stdout).toMatch(/via-ssh\s+docker\s+context\s+ssh:\/\/root@127\.0\.0\.1:\d+/);
    expect(list.stdout).toContain('current engine chosen by: DOCKER_HOST');
    const json = await runCli(['contexts', '--format', 'json', '--check'], {
      env: { ...env, DOCKER_HOST: '', DOCKER_CONTEXT: 'via-ssh' },
      timeoutMs: 60_000,
    });
    const parsed = JSON.parse(json.stdout) as {
      currentBy: string;
      engines: Array<{ name: string; current: boolean; state: { status: string } }>;
    };
    expect(parsed.currentBy).toBe('DOCKER_CONTEXT');
    expect(parsed.engines.find((e) => e.name === 'via-ssh')).toMatchObject({
      current: true,
      state: { status: 'connected' },
    });
  });

  it('permission denied on the socket, for a user outside the docker group', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sw-perm-'));
    chmodSync(dir, 0o755);
    const sock = path.join(dir, 'docker.sock');
    const server = net.createServer((c) => c.pipe(net.connect('/var/run/docker.sock')).pipe(c));
    await new Promise<void>((r) => server.listen(sock, r));
    chmodSync(sock, 0o600);
    try {
      const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'contexts', '--check', '--format', 'json'], {
          uid: 65534,
          gid: 65534,
          env: { PATH: process.env.PATH, HOME: dir, DOCKER_HOST: `unix://${sock}`, STOWAWAY_DATA_DIR: dir },
          cwd: dir,
        });
        let stdout = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.on('close', (code) => resolve({ code, stdout }));
      });
      expect(out.code).toBe(0);
      const env = (
        JSON.parse(out.stdout) as { engines: Array<{ id: string; state: { errorCode: string; reason: string } }> }
      ).engines.find((e) => e.id === 'env')!;
      expect(env.state.errorCode).toBe('PERMISSION_DENIED');
      expect(env.state.reason).toContain(
        `Permission denied on engine "DOCKER_HOST" at unix://${sock} (${sock}). Add your user to the docker group`,
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
