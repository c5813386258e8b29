import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanResultSchema } from '@shared/domain/scan.js';
import { runCli } from '../helpers/cli.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'cli-scan';

describe('stowaway CLI', () => {
  const ids: string[] = [];
  beforeAll(async () => {
    await removeSuite(SUITE);
    ids.push((await runContainer({ suite: SUITE, name: `sw-cli-run-${process.pid}` })).id);
    ids.push((await runContainer({ suite: SUITE, name: `sw-cli-stopped-${process.pid}`, start: false })).id);
  });
  afterAll(() => removeSuite(SUITE));

  it('prints its version and help', async () => {
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await runCli(['--help']);
    expect(h.stdout).toContain('serve');
    expect(h.stdout).toContain('scan');
  });

  it('scan --format json lists running and stopped containers of the local engine', async () => {
    const r = await runCli(['scan', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const result = ScanResultSchema.parse(JSON.parse(r.stdout));
    const mine = result.containers.filter((c) => ids.includes(c.id));
    expect(mine.map((c) => c.state).sort()).toEqual(['created', 'running']);
    expect(result.engine.endpoint).toMatch(/^unix:\/\//);
  });

  it('scan prints a table and exits 2 when the engine cannot be reached', async () => {
    const table = await runCli(['scan']);
    expect(table.stdout).toContain(`sw-cli-run-${process.pid}`);
    const down = await runCli(['scan'], { env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('SOCKET_MISSING');
  });
});
