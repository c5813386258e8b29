import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineConfig } from '@shared/domain/engine.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { withTimeout } from '../../../electron/engine/collect/timeout.js';
import { enrichExec } from '../../../electron/engine/collect/events.js';
import { createDockerClient } from '../../../electron/engine/docker/client.js';
import { collectIncremental } from '../../../electron/engine/scan/incremental.js';
import { observeEngine } from '../../../electron/engine/scan/observe.js';
import { EngineRegistry } from '../../../electron/engine/connections/registry.js';
import { EventBus } from '../../../electron/engine/event-bus.js';
import { stalledEngine, type SeenRequest } from '../../helpers/stalled-engine.js';

const CALL_MS = 300;
// Generous: the abort closes the socket at once, a leak never does.
const CLOSE_WITHIN_MS = 3_000;

async function expectClosed(req: SeenRequest | undefined): Promise<void> {
  expect(req).toBeDefined();
  const closed = await Promise.race([
    req!.whenClosed.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CLOSE_WITHIN_MS)),
  ]);
  expect(closed, `connection of ${req!.path} still open after the time-out`).toBe(true);
}

describe('a call that times out lets go of its request', () => {
  let engine: Awaited<ReturnType<typeof stalledEngine>> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('withTimeout aborts a call it is given as a function, over a unix socket', async () => {
    engine = await stalledEngine();
    const docker = new Docker({ socketPath: engine.socketPath });
    await expect(
      withTimeout((signal) => docker.getContainer('c1').inspect({ abortSignal: signal }), CALL_MS, 'inspect'),
    ).rejects.toMatchObject({ code: 'ENGINE_TIMEOUT', message: expect.stringMatching(/inspect did not answer/) });
    await expectClosed(engine.seen.find((r) => r.path === '/containers/c1/json'));
  });

  it('an exec lookup takes the signal too', async () => {
    engine = await stalledEngine();
    const docker = createDockerClient({ type: 'unix', socketPath: engine.socketPath }, 60_000);
    const rec = { execId: 'e1', containerId: 'c1', time: new Date().toISOString(), command: 'sh' };
    await expect(
      withTimeout((signal) => enrichExec(docker, rec, signal), CALL_MS, 'exec inspect'),
    ).rejects.toMatchObject({ code: 'ENGINE_TIMEOUT' });
    await expectClosed(engine.seen.find((r) => r.path === '/exec/e1/json'));
  });

  it('withTimeout still takes a promise (callers that hold their own request)', async () => {
    engine = await stalledEngine({ '/_ping': 'OK' });
    const docker = new Docker({ socketPath: engine.socketPath });
    await expect(withTimeout(docker.ping(), CALL_MS, 'ping')).resolves.toBeDefined();
    await expect(withTimeout(new Promise(() => {}), CALL_MS, 'never')).rejects.toMatchObject({
      code: 'ENGINE_TIMEOUT',
    });
  });

  it('an incremental rescan closes an event history that stalls after its headers', async () => {
    engine = await stalledEngine({ '/containers/json': '[]' });
    const endpoint = { type: 'unix' as const, socketPath: engine.socketPath };
    // The project's own client: streams lose the idle time-out once their headers arrive.
    const docker = createDockerClient(endpoint, 60_000);
    const prev = {
      collectedAt: new Date(Date.now() - 60_000).toISOString(),
      containers: [],
      events: [],
      execs: [],
      images: [],
      artifacts: [],
    } as unknown as EngineEvidence;
    const out = await collectIncremental(docker, {
      engine: { id: 'stalled', name: 'stalled', endpoint: 'unix://stalled' } as unknown as EngineEvidence['engine'],
      eventsTimeoutMs: CALL_MS,
      callTimeoutMs: CALL_MS,
      basis: { evidence: prev, signatures: new Map() },
    });
    expect(out.evidence.containers).toEqual([]);
    await expectClosed(engine.seen.find((r) => r.path === '/events'));
  });

  it('an observation closes top and stats calls that trickle past their time-out', async () => {
    engine = await stalledEngine();
    const docker = createDockerClient({ type: 'unix', socketPath: engine.socketPath }, 60_000);
    const id = 'a'.repeat(64);
    const evidence = {
      engine: { id: 'stalled', local: false },
      containers: [
        {
          container: { id, state: 'running' },
          access: 'api',
          processes: {},
          sockets: [],
          stats: [],
          artifacts: [],
          errors: [],
        },
      ],
      errors: [],
    } as unknown as EngineEvidence;
    await observeEngine(docker, evidence, { durationMs: 0, callTimeoutMs: CALL_MS });
    expect(evidence.errors).toEqual([expect.objectContaining({ containerId: id, code: 'ENGINE_TIMEOUT' })]);
    await expectClosed(engine.seen.find((r) => r.path === `/containers/${id}/top`));
    await expectClosed(engine.seen.find((r) => r.path === `/containers/${id}/stats`));
  });

  it('connecting to an engine whose ping trickles closes the ping', async () => {
    engine = await stalledEngine();
    const registry = new EngineRegistry(new EventBus(), {
      callTimeoutMs: CALL_MS,
      healthIntervalMs: 0,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
    });
    try {
      registry.add({
        id: 'stalled',
        name: 'stalled',
        endpoint: { type: 'unix', socketPath: engine.socketPath },
      } as unknown as EngineConfig);
      const st = await registry.connect('stalled');
      expect(st).toMatchObject({ status: expect.not.stringMatching(/^connected$/), errorCode: 'ENGINE_TIMEOUT' });
      await expectClosed(engine.seen.find((r) => r.path === '/_ping'));
    } finally {
      registry.dispose();
    }
  });
});
