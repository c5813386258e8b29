import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../../electron/engine/docker/client.js';
import { runScan } from '../../../electron/engine/scan/run-scan.js';
import { runCli } from '../../helpers/cli.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';
import { freePort } from '../../helpers/ports.js';

const SUITE = 'engines-own-endpoint';

describe('each engine connects to its own endpoint, whatever DOCKER_* says', () => {
  let id: string;
  let sshUrl: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    await removeSuite(SUITE);
    id = (await runContainer({ suite: SUITE, name: `sw-own-ep-${process.pid}` })).id;
    // Nothing listens there: a client that followed DOCKER_HOST would fail.
    sshUrl = `ssh://root@127.0.0.1:${await freePort()}`;
  });
  afterEach(() => {
    for (const k of [
      'DOCKER_HOST',
      'DOCKER_TLS_VERIFY',
      'DOCKER_CERT_PATH',
      'DOCKER_PATH_PREFIX',
      'DOCKER_CLIENT_TIMEOUT',
    ]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  afterAll(() => removeSuite(SUITE));

  it('a unix-socket client scans over the socket with DOCKER_HOST=ssh://… and TLS variables exported', async () => {
    process.env.DOCKER_HOST = sshUrl;
    process.env.DOCKER_TLS_VERIFY = '1';
    process.env.DOCKER_CERT_PATH = '/nonexistent-certs';
    const docker = createDockerClient({ type: 'unix', socketPath: '/var/run/docker.sock' });
    const modem = docker.modem as unknown as { socketPath?: string; host?: string; protocol?: string };
    expect(modem).toMatchObject({ socketPath: '/var/run/docker.sock', host: undefined, protocol: 'http' });
    const { result } = await runScan(
      docker,
      { id: 'local', name: 'local', endpoint: 'unix:///var/run/docker.sock', local: true },
      { containerIds: [id], since: '1m', callTimeoutMs: 60_000 },
    );
    expect(result.containers.map((c) => c.id)).toEqual([id]);
    expect(result.errors.filter((e) => /ssh|ENGINE_UNREACHABLE|SSH_/.test(`${e.code} ${e.message}`))).toEqual([]);
  });

  it('`stowaway contexts --check`: the local engine connects over the socket, the DOCKER_HOST one fails on its own, no URL warning', async () => {
    const r = await runCli(['contexts', '--check', '--format', 'json', '--timeout', '20000'], {
      env: { DOCKER_HOST: sshUrl, DOCKER_CONTEXT: '', HOME: '/nonexistent-home' },
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const engines = (
      JSON.parse(r.stdout) as { engines: { id: string; url: string; state?: { status: string; reason?: string } }[] }
    ).engines;
    const local = engines.find((e) => e.id === 'local');
    expect(local?.url).toBe('unix:///var/run/docker.sock');
    expect(local?.state?.status, local?.state?.reason).toBe('connected');
    const env = engines.find((e) => e.id === 'env');
    expect(env?.url).toBe(sshUrl);
    expect(env?.state?.status).not.toBe('connected');
    expect(r.stderr).not.toMatch(/DEP0170|is invalid/);
  });
});
