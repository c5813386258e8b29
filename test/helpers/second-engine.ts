import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { contextDirName } from '../../electron/engine/connections/docker-contexts.js';
import { disposableDockerd, type Dockerd } from './dockerd.js';
import { BUSYBOX, TEST_LABEL } from './docker.js';

/**
 * A second, disposable dockerd with the test image loaded, for scans of several engines. Its containers run with
 * `--network none` (the daemon has no bridge). With `tls`, it also listens on tcp://127.0.0.1:PORT with --tlsverify.
 */
export async function secondEngine(
  opts: Parameters<typeof disposableDockerd>[0] = {},
): Promise<{ dockerd: Dockerd; docker: Docker }> {
  const dockerd = disposableDockerd(opts);
  await dockerd.start();
  const saved = execFileSync('docker', ['save', BUSYBOX], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync('docker', ['-H', `unix://${dockerd.socket}`, 'load'], {
    input: saved,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  return { dockerd, docker: new Docker({ socketPath: dockerd.socket }) };
}

export async function runOn(
  docker: Docker,
  suite: string,
  cmd: string[] = ['sleep', '3600'],
  hostConfig: Docker.HostConfig = {},
): Promise<Docker.Container> {
  const c = await docker.createContainer({
    Image: BUSYBOX,
    Cmd: cmd,
    Labels: { [TEST_LABEL]: suite },
    HostConfig: { NetworkMode: 'none', ...hostConfig },
  });
  await c.start();
  return c;
}

/** A docker CLI config dir holding contexts that name the given sockets. */
export function dockerContexts(dir: string, contexts: Record<string, string>): string {
  for (const [name, socket] of Object.entries(contexts)) {
    const meta = path.join(dir, 'contexts/meta', contextDirName(name));
    mkdirSync(meta, { recursive: true });
    writeFileSync(
      path.join(meta, 'meta.json'),
      JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: `unix://${socket}` } } }),
    );
  }
  return dir;
}
