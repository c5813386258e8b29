import Docker from 'dockerode';

/** The test client talks to the same local daemon the app discovers. */
export const docker = new Docker({ socketPath: process.env.STOWAWAY_TEST_SOCKET ?? '/var/run/docker.sock' });

export const TEST_LABEL = 'stowaway.test';
export const BUSYBOX = 'stowaway-test/busybox:1';
export const WEB = 'stowaway-test/web:1';

export interface RunOptions {
  suite: string;
  name?: string;
  image?: string;
  cmd?: string[];
  labels?: Record<string, string>;
  hostConfig?: Docker.HostConfig;
  start?: boolean;
  env?: string[];
  entrypoint?: string[];
  user?: string;
}

/** Creates (and by default starts) a container labelled for its suite, so cleanup finds exactly what the test made. */
export async function runContainer(o: RunOptions): Promise<Docker.Container> {
  const c = await docker.createContainer({
    name: o.name,
    Image: o.image ?? BUSYBOX,
    Cmd: o.cmd ?? ['sleep', '3600'],
    Entrypoint: o.entrypoint,
    Env: o.env,
    User: o.user,
    Labels: { [TEST_LABEL]: o.suite, ...(o.labels ?? {}) },
    HostConfig: { NetworkMode: 'none', ...(o.hostConfig ?? {}) },
  });
  if (o.start !== false) await c.start();
  return c;
}

/** Removes every container a suite created, running or not. */
export async function removeSuite(suite: string): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${suite}`] } });
  await Promise.all(
    list.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
}
