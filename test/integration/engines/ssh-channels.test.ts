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
    ids.push(...(await Promise.all(Array.from({ length: N }, (_, i) => make(async () => (await runContainer({ suite: SUITE, name: `sw-sshch-${process.pid}-${i}`, cmd: ['sleep', '3600'] })).id)))));
    const viaSocket = await runScan(local, { ...engine('local'), local: true }, { containerIds: ids, since: '1m', callTimeoutMs: TIMEOUT_MS });
    baseline = viaSocket.result.containers.map((c) => c.id).sort();
  }, 600_000);
  afterAll(async () => {
    await Promise.all([removeSuite(SUITE), ...servers.map((s) => s.stop())]);
  });

  async function scanOver(maxSessions: number | 'stock') {
    const sshd = await startSshd({ maxSessions });
    servers.push(sshd);
    const { docker, session } = createSshDockerClient({ type: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root' }, { env: {}, home: sshd.home, timeoutMs: TIMEOUT_MS });
    const stop = watchPool(session);
    try {
      const { result } = await runScan(docker, engine('ssh'), { containerIds: ids, since: '1m', callTimeoutMs: TIMEOUT_MS });
      return { result, ...stop(), stats: session.pool.stats() };
    } finally {
      stop();
      session.close();
    }
  }

  it('a stock sshd (MaxSessions 10): every container the socket sees, no channel errors', async () => {
    expect(baseline).toEqual([...ids].sort());
    const { result, maxChannels } = await scanOver('stock');
    expect(result.errors.filter((e) => channelTrouble.test(`${e.code} ${e.message}`))).toEqual([]);
    expect(result.containers.map((c) => c.id).sort()).toEqual(baseline);
    expect(maxChannels).toBeLessThanOrEqual(10);
  }, 600_000);

  it('MaxSessions 2: the pool learns the limit from the refusals and the scan completes', async () => {
    const { result, maxChannels, stats } = await scanOver(2);
    expect(result.errors.filter((e) => channelTrouble.test(`${e.code} ${e.message}`))).toEqual([]);
    expect(result.containers.map((c) => c.id).sort()).toEqual(baseline);
    expect(stats.caps.every((c) => c <= 2)).toBe(true);
    // The scan opens channels before the server has refused any; after that it holds at most the limit.
    expect(maxChannels).toBeLessThanOrEqual(8);
  }, 600_000);

  it('MaxSessions 2: open event and log streams do not starve requests; a further connection carries them', async () => {
    const sshd = await startSshd({ maxSessions: 2 });
    servers.push(sshd);
    const { docker, session } = createSshDockerClient({ type: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root' }, { env: {}, home: sshd.home, timeoutMs: TIMEOUT_MS, maxChannels: 2 });
    const streams: NodeJS.ReadableStream[] = [];
    try {
      streams.push((await docker.getEvents({ filters: { label: [`stowaway.test=${SUITE}`] } })) as NodeJS.ReadableStream);
      for (const id of ids.slice(0, 2)) streams.push((await docker.getContainer(id).logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream);
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
