import { inspect } from 'node:util';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshDockerClient, type SshSession } from '../../../electron/engine/ssh/ssh-docker.js';
import { runScan } from '../../../electron/engine/scan/run-scan.js';
import { createLimiter } from '../../../electron/engine/collect/limiter.js';
import { docker as local, removeSuite, runContainer } from '../../helpers/docker.js';
import { startSshd, type Sshd } from '../../helpers/sshd.js';

const SUITE = 'engines-ssh-channels';
const N = 50;
const engine = (name: string) => ({ id: name, name, endpoint: name, local: false });
// Generous per-call bounds: the shared machine can be slow, and this test is about channels, not speed.
const TIMEOUT_MS = 120_000;

/** Samples the pool while work runs: the most channels any one connection held, and the most connections. */
function watchPool(session: SshSession) {
  let maxChannels = 0;
  let maxConnections = 0;
  const t = setInterval(() => {
    const s = session.pool.stats();
    maxChannels = Math.max(maxChannels, ...s.channels, 0);
    maxConnections = Math.max(maxConnections, s.connections);
  }, 5);
  return () => {
    clearInterval(t);
    return { maxChannels, maxConnections };
  };
}

const channelTrouble = /open failed|Channel open failure|ENGINE_TIMEOUT|ENGINE_UNREACHABLE|hang up|did not answer/i;

describe('ssh channels stay within the server MaxSessions while 50 containers are scanned', () => {
  const ids: string[] = [];
  let baseline: string[];
  const servers: Sshd[] = [];

  beforeAll(async () => {
    await removeSuite(SUITE);
    const make = createLimiter(4);
    ids.push(
      ...(await Promise.all(
        Array.from({ length: N }, (_, i) =>
          make(
            async () =>
              (await runContainer({ suite: SUITE, name: `sw-sshch-${process.pid}-${i}`, cmd: ['sleep', '3600'] })).id,
          ),
        ),
      )),
    );
    const viaSocket = await runScan(
      local,
      { ...engine('local'), local: true },
      { containerIds: ids, since: '1m', callTimeoutMs: TIMEOUT_MS },
    );
    baseline = viaSocket.result.containers.map((c) => c.id).sort();
  }, 600_000);
  afterAll(async () => {
    await Promise.all([removeSuite(SUITE), ...servers.map((s) => s.stop())]);
  });

  /**
   * Scans the 50 containers over a fresh sshd while an event stream and a `logs --follow` stream stay open, as the
   * desktop app's live view keeps them; afterwards a change to a container must still arrive on the event stream.
   */
  async function scanOver(maxSessions: number | 'stock') {
    const sshd = await startSshd({ maxSessions });
    servers.push(sshd);
    const { docker, session } = createSshDockerClient(
      { type: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root' },
      { env: {}, home: sshd.home, timeoutMs: TIMEOUT_MS },
    );
    const stop = watchPool(session);
    const streams: NodeJS.ReadableStream[] = [];
    try {
      const events = (await docker.getEvents({
        filters: { label: [`stowaway.test=${SUITE}`] },
      })) as NodeJS.ReadableStream;
      streams.push(
        events,
        (await docker
          .getContainer(ids[1]!)
          .logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream,
      );
      let seen = '';
      events.on('data', (d: Buffer) => (seen += d.toString()));
      const { result } = await runScan(docker, engine('ssh'), {
        containerIds: ids,
        since: '1m',
        callTimeoutMs: TIMEOUT_MS,
      });
      const streamsDuringScan = session.pool.stats().streams.reduce((a, b) => a + b, 0);
      await local.getContainer(ids[0]!).pause();
      await local.getContainer(ids[0]!).unpause();
      await expect.poll(() => seen, { timeout: 30_000 }).toContain(ids[0]);
      // What docker-modem formats (util.inspect, every level, hidden fields) before each request it sends.
      const formattedPerRequest = inspect(
        { agent: (docker.modem as unknown as { agent: unknown }).agent },
        { showHidden: true, depth: null },
      ).length;
      return { result, ...stop(), stats: session.pool.stats(), streamsDuringScan, formattedPerRequest };
    } finally {
      stop();
      for (const st of streams) (st as unknown as { destroy(): void }).destroy();
      session.close();
    }
  }

  it('a stock sshd (MaxSessions 10): every container the socket sees, no channel errors, streams open throughout', async () => {
    expect(baseline).toEqual([...ids].sort());
    const { result, maxChannels, streamsDuringScan, formattedPerRequest } = await scanOver('stock');
    expect(result.errors.filter((e) => channelTrouble.test(`${e.code} ${e.message}`))).toEqual([]);
    expect(result.containers.map((c) => c.id).sort()).toEqual(baseline);
    expect(maxChannels).toBeLessThanOrEqual(10);
    expect(streamsDuringScan).toBe(2);
    // Formatting the pool and its ssh connections took 50-400 ms per request and stalled every channel.
    expect(formattedPerRequest).toBeLessThan(2_000);
  }, 600_000);

  it('MaxSessions 2: the pool learns the limit from the refusals and the scan completes, streams open throughout', async () => {
    const { result, maxChannels, stats, streamsDuringScan } = await scanOver(2);
    expect(result.errors.filter((e) => channelTrouble.test(`${e.code} ${e.message}`))).toEqual([]);
    expect(result.containers.map((c) => c.id).sort()).toEqual(baseline);
    expect(stats.caps.every((c) => c <= 2)).toBe(true);
    expect(streamsDuringScan).toBe(2);
    // The scan opens channels before the server has refused any; after that it holds at most the limit.
    expect(maxChannels).toBeLessThanOrEqual(8);
  }, 600_000);

  it('a burst of queued requests starts channels up to maxOpening at once, not one per served request', async () => {
    const sshd = await startSshd({ maxSessions: 'stock' });
    servers.push(sshd);
    const { docker, session } = createSshDockerClient(
      { type: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root' },
      { env: {}, home: sshd.home, timeoutMs: TIMEOUT_MS },
    );
    try {
      await session.connect();
      // docker-modem hands each request to the agent synchronously, so the pool has seen all eight here.
      const calls = ids.slice(0, 8).map((id) => docker.getContainer(id).inspect());
      expect(session.pool.stats()).toMatchObject({ channels: [2], queued: 8 });
      expect((await Promise.all(calls)).map((c) => c.Id)).toEqual(ids.slice(0, 8));
    } finally {
      session.close();
    }
  }, 600_000);

  it('MaxSessions 2: a call that gets no answer is cut at the time-out and gives its channel back', async () => {
    const sshd = await startSshd({ maxSessions: 2 });
    servers.push(sshd);
    const timeoutMs = 3_000;
    const { docker, session } = createSshDockerClient(
      { type: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root' },
      { env: {}, home: sshd.home, timeoutMs, maxChannels: 2 },
    );
    // An event query that ends in an hour: the engine sends its headers, then nothing. It is an ordinary request
    // (not a stream), so it holds a request channel, as a wedged inspect or changes would.
    const silent = () =>
      new Promise((resolve, reject) =>
        (docker.modem as unknown as { dial(o: object, cb: (e: unknown, d: unknown) => void): void }).dial(
          {
            path: '/events?',
            method: 'GET',
            options: {
              since: String(Math.floor(Date.now() / 1000)),
              until: String(Math.floor(Date.now() / 1000) + 3600),
              filters: JSON.stringify({ label: [`stowaway.test=${SUITE}-none`] }),
            },
            statusCodes: { 200: true },
          },
          (e, d) => (e ? reject(e) : resolve(d)),
        ),
      );
    try {
      const t0 = Date.now();
      const cut = await Promise.allSettled([silent(), silent(), silent()]);
      // Failed, not an empty success: the engine never finished its answer.
      expect(cut.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      // Three silent calls through two channels: each was cut after its own idle time-out, none waited for the hour.
      expect(Date.now() - t0).toBeLessThan(60_000);
      const inspected = await Promise.all(ids.map((id) => docker.getContainer(id).inspect()));
      expect(inspected.map((c) => c.Id).sort()).toEqual([...ids].sort());
      expect(session.pool.stats().channels.every((n) => n <= 2)).toBe(true);
    } finally {
      session.close();
    }
  }, 600_000);

  it('MaxSessions 2: open event and log streams do not starve requests; a further connection carries them', async () => {
    const sshd = await startSshd({ maxSessions: 2 });
    servers.push(sshd);
    const { docker, session } = createSshDockerClient(
      { type: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root' },
      { env: {}, home: sshd.home, timeoutMs: TIMEOUT_MS, maxChannels: 2 },
    );
    const streams: NodeJS.ReadableStream[] = [];
    try {
      streams.push(
        (await docker.getEvents({ filters: { label: [`stowaway.test=${SUITE}`] } })) as NodeJS.ReadableStream,
      );
      for (const id of ids.slice(0, 2))
        streams.push(
          (await docker
            .getContainer(id)
            .logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream,
        );
      const s = session.pool.stats();
      expect(s.streams.reduce((a, b) => a + b, 0)).toBe(3);
      expect(s.connections).toBe(2);
      // The first connection keeps one channel for requests: all of these finish while the streams stay open.
      const inspected = await Promise.all(ids.map((id) => (docker as Docker).getContainer(id).inspect()));
      expect(inspected.map((c) => c.Id).sort()).toEqual([...ids].sort());
      expect(session.pool.stats().channels.every((n) => n <= 2)).toBe(true);
      // The event stream is live: a change to one of the containers arrives on it.
      const seen = new Promise<string>((resolve) => streams[0]!.on('data', (d: Buffer) => resolve(d.toString())));
      await local.getContainer(ids[0]!).pause();
      await local.getContainer(ids[0]!).unpause();
      expect(await seen).toContain(ids[0]);
    } finally {
      for (const st of streams) (st as unknown as { destroy(): void }).destroy();
      session.close();
    }
  }, 600_000);
});
