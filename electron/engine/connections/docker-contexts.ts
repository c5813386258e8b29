import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EngineConfig } from '@shared/domain/engine.js';
import { dockerConfigDir } from './docker-config.js';
import { parseDockerHost } from './local-discovery.js';

/** One docker CLI context as stored under ~/.docker/contexts, or the reason it could not be read. */
export interface DockerContext {
  name: string;
  description?: string;
  host?: string;
  skipTlsVerify: boolean;
  tlsDir?: string;
  error?: string;
}

/** The docker CLI names context directories by the sha256 of the context name. */
export const contextDirName = (name: string) => createHash('sha256').update(name).digest('hex');

/** Reads every context the docker CLI knows; unreadable ones are reported, not dropped silently. */
export function readDockerContexts(env: NodeJS.ProcessEnv, home: string): DockerContext[] {
  const root = path.join(dockerConfigDir(env, home), 'contexts');
  const metaRoot = path.join(root, 'meta');
  let dirs: string[];
  try {
    dirs = readdirSync(metaRoot);
  } catch {
    return [];
  }
  const out: DockerContext[] = [];
  for (const dir of dirs.sort()) {
    const file = path.join(metaRoot, dir, 'meta.json');
    try {
      const meta = JSON.parse(readFileSync(file, 'utf8')) as {
        Name?: unknown;
        Metadata?: { Description?: unknown };
        Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } };
      };
      if (typeof meta.Name !== 'string' || !meta.Name) throw new Error('no Name');
      const docker = meta.Endpoints?.docker;
      const tlsDir = path.join(root, 'tls', dir, 'docker');
      out.push({
        name: meta.Name,
        description: typeof meta.Metadata?.Description === 'string' ? meta.Metadata.Description : undefined,
        host: typeof docker?.Host === 'string' ? docker.Host : undefined,
        skipTlsVerify: docker?.SkipTLSVerify === true,
        tlsDir: existsSync(tlsDir) ? tlsDir : undefined,
      });
    } catch (e) {
      out.push({
        name: dir.slice(0, 64),
        skipTlsVerify: false,
        error: `unreadable context ${file}: ${(e as Error).message}`,
      });
    }
  }
  return out;
}

/** Turns a docker context into an engine; contexts without a docker endpoint (or unreadable) are skipped. */
export function contextToEngine(ctx: DockerContext): EngineConfig | undefined {
  if (ctx.error || !ctx.host) return undefined;
  const tls = ctx.tlsDir
    ? {
        verify: !ctx.skipTlsVerify,
        caPath: fileIn(ctx.tlsDir, 'ca.pem'),
        certPath: fileIn(ctx.tlsDir, 'cert.pem'),
        keyPath: fileIn(ctx.tlsDir, 'key.pem'),
      }
    : undefined;
  let endpoint = parseDockerHost(ctx.host);
  if (endpoint.type === 'tcp' && tls)
    endpoint = { ...endpoint, tls, port: new URL(ctx.host.replace(/^\w+:/, 'tcp:')).port ? endpoint.port : 2376 };
  else if (endpoint.type === 'tcp' && ctx.skipTlsVerify)
    endpoint = { ...endpoint, tls: { verify: false }, port: endpoint.port };
  return {
    id: `ctx:${ctx.name}`.slice(0, 128),
    name: ctx.name,
    kind: 'docker',
    source: 'context',
    endpoint,
    current: false,
    description: (ctx.description ? `${ctx.description} (${ctx.host})` : ctx.host).slice(0, 1024),
  };
}

const fileIn = (dir: string, name: string) => (existsSync(path.join(dir, name)) ? path.join(dir, name) : undefined);
