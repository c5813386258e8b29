import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineConfig, Endpoint } from '@shared/domain/engine.js';
import { AppError } from '@shared/errors.js';

/** Where the local engine lives on each platform, in the order the docker CLI and Docker Desktop use them. */
export function localSocketCandidates(platform: NodeJS.Platform, home: string, env: NodeJS.ProcessEnv): Endpoint[] {
  if (platform === 'win32') return [{ type: 'npipe', pipePath: '//./pipe/docker_engine' }];
  const list: string[] = ['/var/run/docker.sock'];
  if (env.XDG_RUNTIME_DIR) list.push(path.join(env.XDG_RUNTIME_DIR, 'docker.sock'));
  list.push(path.join(home, '.docker/run/docker.sock'), path.join(home, '.docker/desktop/docker.sock'));
  if (platform === 'darwin')
    list.push(path.join(home, '.colima/default/docker.sock'), path.join(home, '.rd/docker.sock'));
  return list.map((socketPath) => ({ type: 'unix' as const, socketPath }));
}

/** Parses a DOCKER_HOST-style URL into an endpoint, exactly as the docker CLI reads it. */
export function parseDockerHost(url: string, tls?: { verify: boolean; certPath?: string }): Endpoint {
  const m = /^([a-z]+):\/\/(.*)$/i.exec(url.trim());
  if (!m)
    throw new AppError(
      'VALIDATION',
      `Not a Docker host URL: ${url.slice(0, 200)} (expected unix://, npipe://, tcp:// or ssh://)`,
    );
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  if (scheme === 'unix') return { type: 'unix', socketPath: rest.startsWith('/') ? rest : `/${rest}` };
  if (scheme === 'npipe') return { type: 'npipe', pipePath: rest.replace(/\//g, '\\').replace(/^\\*/, '\\\\') };
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    const u = new URL(`tcp://${rest}`);
    const port = u.port ? Number(u.port) : tls || scheme === 'https' ? 2376 : 2375;
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (tls) {
      const dir = tls.certPath;
      return {
        type: 'tcp',
        host,
        port,
        allowInsecure: false,
        tls: {
          verify: tls.verify,
          caPath: dir ? path.join(dir, 'ca.pem') : undefined,
          certPath: dir ? path.join(dir, 'cert.pem') : undefined,
          keyPath: dir ? path.join(dir, 'key.pem') : undefined,
        },
      };
    }
    return { type: 'tcp', host, port, allowInsecure: false };
  }
  if (scheme === 'ssh') {
    const u = new URL(`ssh://${rest}`);
    return {
      type: 'ssh',
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port ? Number(u.port) : 22,
      user: u.username ? decodeURIComponent(u.username) : undefined,
    };
  }
  throw new AppError('VALIDATION', `Unsupported Docker host scheme ${scheme}://`);
}

/** The engine the docker CLI would talk to without a context: DOCKER_HOST, else the first local socket that exists. */
export function discoverLocalEngines(
  env: NodeJS.ProcessEnv = process.env,
  home = os.homedir(),
  platform = process.platform,
): EngineConfig[] {
  const engines: EngineConfig[] = [];
  if (env.DOCKER_HOST) {
    const tlsOn = Boolean(env.DOCKER_TLS_VERIFY) && env.DOCKER_TLS_VERIFY !== '0';
    const certPath = env.DOCKER_CERT_PATH || (tlsOn ? path.join(home, '.docker') : undefined);
    engines.push({
      id: 'env',
      name: 'DOCKER_HOST',
      kind: 'docker',
      source: 'env',
      endpoint: parseDockerHost(env.DOCKER_HOST, tlsOn ? { verify: true, certPath } : undefined),
      current: true,
      description: env.DOCKER_HOST,
    });
  }
  const candidates = localSocketCandidates(platform, home, env);
  const found =
    candidates.find((c) => c.type === 'npipe' || (c.type === 'unix' && existsSync(c.socketPath))) ?? candidates[0]!;
  engines.push({
    id: 'local',
    name: 'local',
    kind: 'docker',
    source: 'default',
    endpoint: found,
    current: !env.DOCKER_HOST,
    description: 'Local engine',
  });
  return engines;
}
