import Docker from 'dockerode';
import { collectContainerEvidence } from '../../electron/engine/collect/container-evidence.js';
import { collectEngineEvidence } from '../../electron/engine/collect/engine-evidence.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { docker, runContainer, TEST_LABEL, type RunOptions } from '../helpers/docker.js';

/**
 * Helpers for adversary-emulation scenarios: containers are created through runContainer (so they carry
 * the suite label), set-up scripts signal readiness on stdout, and evidence is collected with the same
 * collectors a scan uses, restricted to the scenario's containers.
 */

export const ENGINE = { id: 'local', name: 'local', endpoint: 'unix:///var/run/docker.sock', local: true };
export const READY = 'SCENARIO-READY';

/** `sh -c` script that runs `setup`, prints the ready marker, then runs `then` (default: sleep). */
export const script = (setup: string, then = 'exec sleep 3600'): string[] => [
  'sh',
  '-c',
  `${setup}\necho ${READY}\n${then}`,
];

export async function waitReady(c: Docker.Container, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const logs = (await c.logs({ stdout: true, stderr: true })).toString('utf8');
    if (logs.includes(READY)) return;
    const info = await c.inspect();
    if (!info.State.Running) throw new Error(`container ${info.Name} stopped before it was ready: ${logs.slice(-500)}`);
    if (Date.now() > end)
      throw new Error(`container ${info.Name} not ready after ${timeoutMs} ms: ${logs.slice(-500)}`);
    await sleep(150);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function start(o: RunOptions & { ready?: boolean }): Promise<Docker.Container> {
  const c = await runContainer(o);
  if (o.ready) await waitReady(c);
  return c;
}

/** Waits for containers started together and names each by its key, as the scenarios refer to them. */
export async function startAll(
  runs: Record<string, Promise<Docker.Container>>,
): Promise<Record<string, Docker.Container>> {
  return Object.fromEntries(await Promise.all(Object.entries(runs).map(async ([k, p]) => [k, await p] as const)));
}

/** Collects the given containers (and the engine's recent events) as `stowaway scan` would on a local engine. */
export async function collect(ids: string[], since: Date, extra: { stats?: boolean } = {}): Promise<EngineEvidence> {
  return collectEngineEvidence(docker, {
    engine: ENGINE,
    local: true,
    containerIds: ids,
    since: since.toISOString(),
    stats: extra.stats,
    eventsTimeoutMs: 20_000,
  });
}

/** Adds repeated socket snapshots of one container to the evidence, as watch mode does, to show rhythm over time. */
export async function addSocketSnapshots(ev: EngineEvidence, id: string, count: number, gapMs: number): Promise<void> {
  const target = ev.containers.find((c) => c.container.id === id);
  if (!target) throw new Error(`container ${id} not in evidence`);
  for (let i = 0; i < count; i++) {
    await sleep(gapMs);
    const again = await collectContainerEvidence(docker, id, { engineId: ENGINE.id, local: true });
    target.sockets.push(...again.sockets);
  }
}

export async function execIn(
  c: Docker.Container,
  cmd: string[],
  opts: { tty?: boolean; privileged?: boolean } = {},
): Promise<void> {
  const x = await c.exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    Tty: opts.tty ?? false,
    Privileged: opts.privileged ?? false,
  });
  const stream = await x.start({ hijack: true, stdin: false, Tty: opts.tty ?? false });
  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
    stream.resume();
  });
}

export async function createNetwork(suite: string): Promise<Docker.Network> {
  const name = `${suite}-net-${Math.random().toString(36).slice(2, 8)}`;
  // Internal: no route off the host; the scenario's traffic stays between the containers it creates.
  return docker.createNetwork({ Name: name, Internal: true, Labels: { [TEST_LABEL]: suite } });
}

export async function removeNetworks(suite: string): Promise<void> {
  const nets = await docker.listNetworks({ filters: { label: [`${TEST_LABEL}=${suite}`] } });
  await Promise.all(
    nets.map((n) =>
      docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined),
    ),
  );
}

export async function ipOf(c: Docker.Container): Promise<string> {
  const info = await c.inspect();
  return Object.values(info.NetworkSettings.Networks)[0]?.IPAddress ?? '';
}
