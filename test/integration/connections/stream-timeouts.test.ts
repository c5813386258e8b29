import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../../electron/engine/docker/client.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';

const SUITE = 'engines-streams';

describe('call time-outs and long-lived streams', () => {
  afterAll(() => removeSuite(SUITE));

  it('a quiet logs --follow stream outlives the per-call time-out', async () => {
    const c = await runContainer({ suite: SUITE, cmd: ['sh', '-c', 'echo first; sleep 2; echo later; sleep 600'] });
    const docker = createDockerClient({ type: 'unix', socketPath: '/var/run/docker.sock' }, 700);
    const stream = (await docker
      .getContainer(c.id)
      .logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream & { destroy(): void };
    let out = '';
    let closed = false;
    stream.on('data', (b: Buffer) => (out += b.toString('latin1')));
    stream.on('close', () => (closed = true));
    stream.on('error', () => (closed = true));
    await new Promise((r) => setTimeout(r, 3_000));
    stream.destroy();
    expect(out).toContain('first');
    expect(out).toContain('later');
    expect(closed).toBe(false);
  });

  it('ordinary calls and streams whose headers never come are still cut at the time-out', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sw-silent-'));
    const sock = path.join(dir, 'silent.sock');
    const held = new Set<net.Socket>();
    const server = net.createServer((s) => held.add(s));
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const docker = createDockerClient({ type: 'unix', socketPath: sock }, 700);
      let t0 = Date.now();
      await expect(docker.listContainers()).rejects.toThrow();
      expect(Date.now() - t0).toBeLessThan(2_000);
      t0 = Date.now();
      await expect(docker.getEvents({})).rejects.toThrow();
      expect(Date.now() - t0).toBeLessThan(2_000);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
