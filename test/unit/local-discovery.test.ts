import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  discoverLocalEngines,
  localSocketCandidates,
  parseDockerHost,
} from '../../electron/engine/connections/local-discovery.js';

describe('local engine discovery', () => {
  it('parses DOCKER_HOST forms the docker CLI accepts', () => {
    expect(parseDockerHost('unix:///var/run/docker.sock')).toEqual({
      type: 'unix',
      socketPath: '/var/run/docker.sock',
    });
    expect(parseDockerHost('npipe:////./pipe/docker_engine')).toEqual({
      type: 'npipe',
      pipePath: '\\\\.\\pipe\\docker_engine',
    });
    expect(parseDockerHost('tcp://10.0.0.5')).toMatchObject({ type: 'tcp', host: '10.0.0.5', port: 2375 });
    expect(parseDockerHost('tcp://h:2376', { verify: true, certPath: '/c' })).toMatchObject({
      port: 2376,
      tls: { caPath: '/c/ca.pem', certPath: '/c/cert.pem', keyPath: '/c/key.pem' },
    });
    expect(parseDockerHost('ssh://ops@host:2222')).toEqual({ type: 'ssh', host: 'host', port: 2222, user: 'ops' });
    expect(() => parseDockerHost('ftp://x')).toThrow(/Unsupported/);
    expect(() => parseDockerHost('/var/run/docker.sock')).toThrow(/Not a Docker host URL/);
  });

  it('uses the Windows named pipe on win32 and rootless/Desktop sockets elsewhere', () => {
    expect(localSocketCandidates('win32', 'C:/Users/a', {})).toEqual([
      { type: 'npipe', pipePath: '//./pipe/docker_engine' },
    ]);
    const linux = localSocketCandidates('linux', '/home/a', { XDG_RUNTIME_DIR: '/run/user/1000' }).map((c) =>
      c.type === 'unix' ? c.socketPath : '',
    );
    expect(linux).toEqual([
      '/var/run/docker.sock',
      '/run/user/1000/docker.sock',
      '/home/a/.docker/run/docker.sock',
      '/home/a/.docker/desktop/docker.sock',
    ]);
  });

  it('prefers DOCKER_HOST with TLS material from DOCKER_CERT_PATH', () => {
    const engines = discoverLocalEngines(
      { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
      '/home/a',
      'linux',
    );
    expect(engines[0]).toMatchObject({
      id: 'env',
      current: true,
      endpoint: { type: 'tcp', tls: { caPath: '/certs/ca.pem' } },
    });
    expect(engines[1]).toMatchObject({ id: 'local', current: false });
  });

  it('finds a rootless socket that exists when the system one does not', () => {
    const run = mkdtempSync(path.join(os.tmpdir(), 'sw-xdg-'));
    mkdirSync(run, { recursive: true });
    writeFileSync(path.join(run, 'docker.sock'), '');
    const engines = discoverLocalEngines({ XDG_RUNTIME_DIR: run }, '/nonexistent', 'linux');
    const local = engines.find((e) => e.id === 'local')!;
    // /var/run/docker.sock may exist on this machine; either way the pick is a socket that exists.
    expect(local.endpoint.type).toBe('unix');
    expect(['/var/run/docker.sock', path.join(run, 'docker.sock')]).toContain(
      (local.endpoint as { socketPath: string }).socketPath,
    );
  });
});
