import { createHash } from 'node:crypto';
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEvents } from '../../electron/engine/collect/events.js';
import { docker, removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'collect-events-digest';
const SOCKET = process.env.STOWAWAY_TEST_SOCKET ?? '/var/run/docker.sock';

/** The same window of history, read with no client library: the bytes the daemon sends. */
const rawEvents = (since: number, until: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    http
      .get({ socketPath: SOCKET, path: `/events?since=${since.toFixed(3)}&until=${until.toFixed(3)}` }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('end', () => resolve(Buffer.concat(parts)));
        res.on('error', reject);
      })
      .on('error', reject);
  });

afterAll(() => removeSuite(SUITE));

describe('event history', () => {
  it('hashes the exact bytes of the response as they stream in, multi-byte text split across chunks included', async () => {
    const since = Date.now() / 1000 - 1;
    // A label of multi-byte characters over several read chunks: events carry it in their attributes.
    const label = 'ü✓'.repeat(40_000);
    const c = await runContainer({ suite: SUITE, labels: { 'stowaway.note': label } });
    await c.stop({ t: 0 });
    const until = Date.now() / 1000 + 0.5;
    await new Promise((r) => setTimeout(r, 800));

    const { events, body } = await collectEvents(docker, 'local', since, until);
    const raw = await rawEvents(since, until);
    expect(raw.length).toBeGreaterThan(3 * 64 * 1024);
    expect(body).toEqual({ sha256: createHash('sha256').update(raw).digest('hex'), size: raw.length });
    const mine = events.filter((e) => e.actorId === c.id).map((e) => e.action);
    expect(mine).toEqual(expect.arrayContaining(['create', 'start', 'die']));
  });
});
