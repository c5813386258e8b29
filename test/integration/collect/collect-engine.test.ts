import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineEvidenceSchema } from '@shared/domain/evidence-set.js';
import { collectEngineEvidence } from '../../../electron/engine/collect/engine-evidence.js';
import { BUSYBOX, docker, removeSuite, runContainer } from '../../helpers/docker.js';

const SUITE = 'collect-engine';
const engine = { id: 'local', name: 'local', endpoint: 'unix:///var/run/docker.sock', local: true };

describe('engine collection', () => {
  let kept = '';
  let doomed = '';
  let stopped = '';
  beforeAll(async () => {
    await removeSuite(SUITE);
    kept = (await runContainer({ suite: SUITE, name: `sw-col-kept-${process.pid}` })).id;
    doomed = (await runContainer({ suite: SUITE, name: `sw-col-doomed-${process.pid}` })).id;
    stopped = (await runContainer({ suite: SUITE, name: `sw-col-created-${process.pid}`, start: false })).id;
    // An analyst's (or intruder's) exec leaves an exec_create event with its command and exec ID.
    const exec = await docker
      .getContainer(kept)
      .exec({ Cmd: ['sh', '-c', 'id -u > /tmp/who'], User: 'nobody', AttachStdout: true });
    const stream = await exec.start({ hijack: true });
    await new Promise((r) => stream.on('end', r).resume());
  }, 60_000);
  afterAll(() => removeSuite(SUITE));

  it('collects every listed container, images, events and exec records, and survives a container that vanishes', async () => {
    const ev = await collectEngineEvidence(docker, {
      engine,
      local: true,
      since: '10m',
      concurrency: 1,
      containerIds: [kept, doomed, stopped],
      onProgress: (done, _total, message) => {
        // Removed after listing, before its inspect: exactly the race a live engine produces.
        if (done === 0 && message.startsWith('collecting'))
          execFileSync('docker', ['rm', '-f', doomed], { stdio: 'ignore' });
      },
    });
    EngineEvidenceSchema.parse(ev);
    expect(ev.containers.map((c) => c.container.id).sort()).toEqual([kept, stopped].sort());
    expect(ev.errors).toContainEqual(
      expect.objectContaining({ containerId: doomed, call: 'inspect', code: 'NOT_FOUND' }),
    );
    expect(ev.containers.find((c) => c.container.id === stopped)?.container.state).toBe('created');

    const image = ev.images.find((i) => i.repoTags.includes(BUSYBOX))!;
    expect(image.repoDigests).toEqual([]);
    expect(image.history.length).toBeGreaterThan(0);

    expect(ev.events.some((e) => e.type === 'container' && e.action === 'start' && e.actorId === kept)).toBe(true);
    const rec = ev.execs.find((x) => x.containerId === kept)!;
    expect(rec.command).toBe('sh -c id -u > /tmp/who');
    expect(rec.execId).toMatch(/^[0-9a-f]{64}$/);
    expect(rec.user).toBe('nobody');
    expect(ev.artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(['image', 'events', 'exec']));
    expect(Date.parse(ev.since!)).toBeLessThan(Date.parse(ev.collectedAt));
  });

  it('fails as a whole only when the engine itself cannot be reached', async () => {
    const Docker = (await import('dockerode')).default;
    const gone = new Docker({ socketPath: '/nonexistent/docker.sock' });
    await expect(collectEngineEvidence(gone, { engine, local: true })).rejects.toMatchObject({
      code: 'SOCKET_MISSING',
    });
  });

  it('reads the engine settings once for scans that follow each other closely, and keeps the first read as evidence', async () => {
    const client = new Docker({ socketPath: (docker.modem as unknown as { socketPath: string }).socketPath });
    let infos = 0;
    const modem = client.modem as unknown as { dial: (o: { path?: string }, cb: unknown) => unknown };
    const dial = modem.dial.bind(modem);
    modem.dial = (o, cb) => {
      if (/\/info$/.test(o.path ?? '')) infos++;
      return dial(o, cb);
    };
    const collect = () => collectEngineEvidence(client, { engine, local: true, containerIds: [kept], since: '1m' });
    const first = await collect();
    const second = await collect();
    expect(infos).toBe(1);
    expect(second.info).toEqual(first.info);
    const at = (ev: typeof first) => ev.artifacts.find((a) => a.sourceCall.startsWith('GET /info'))?.collectedAt;
    expect(at(second)).toBe(at(first));
  });

  it('lists only the containers asked for, by the ID prefixes given', async () => {
    const client = new Docker({ socketPath: (docker.modem as unknown as { socketPath: string }).socketPath });
    const lists: string[] = [];
    const modem = client.modem as unknown as {
      dial: (o: { path?: string; options?: unknown }, cb: unknown) => unknown;
    };
    const dial = modem.dial.bind(modem);
    modem.dial = (o, cb) => {
      if (/\/containers\/json/.test(o.path ?? '')) lists.push(JSON.stringify(o.options));
      return dial(o, cb);
    };
    const ev = await collectEngineEvidence(client, {
      engine,
      local: true,
      containerIds: [kept.slice(0, 12)],
      since: '1m',
    });
    expect(ev.containers.map((c) => c.container.id)).toEqual([kept]);
    expect(lists).toHaveLength(1);
    expect(JSON.parse(lists[0]!)).toMatchObject({ filters: { id: [kept.slice(0, 12)] } });
  });
});
