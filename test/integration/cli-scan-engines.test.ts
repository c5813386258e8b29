import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanResultSchema } from '@shared/domain/scan.js';
import { runCli } from '../helpers/cli.js';
import { removeSuite, runContainer } from '../helpers/docker.js';
import { dockerContexts, runOn, secondEngine } from '../helpers/second-engine.js';
import type { Dockerd } from '../helpers/dockerd.js';

const SUITE = 'cli-scan-engines';

/** Several engines in one scan: the shared dockerd, a disposable second one, and a context whose engine is gone. */
describe('stowaway scan with several engines', () => {
  let dockerd: Dockerd;
  let mainC: Docker.Container;
  let secondC: Docker.Container;
  let home = '';
  let env: NodeJS.ProcessEnv = {};
  beforeAll(async () => {
    await removeSuite(SUITE);
    home = mkdtempSync(path.join(os.tmpdir(), 'sw-engines-'));
    const second = await secondEngine();
    dockerd = second.dockerd;
    // The same shape on both engines: logging switched off, which the logging-disabled detector reports.
    const noLogs = { LogConfig: { Type: 'none', Config: {} } };
    mainC = await runContainer({ suite: SUITE, hostConfig: noLogs });
    secondC = await runOn(second.docker, SUITE, ['sleep', '3600'], noLogs);
    const config = dockerContexts(path.join(home, '.docker'), {
      second: dockerd.socket,
      gone: path.join(home, 'nothing-here.sock'),
    });
    env = {
      HOME: home,
      DOCKER_CONFIG: config,
      STOWAWAY_DATA_DIR: path.join(home, 'data'),
      DOCKER_HOST: '',
      DOCKER_CONTEXT: '',
      KUBECONFIG: path.join(home, 'none'),
    };
  }, 120_000);
  afterAll(async () => {
    await removeSuite(SUITE);
    await dockerd?.destroy();
    rmSync(home, { recursive: true, force: true });
  });

  const noLogsOn = (r: ReturnType<typeof ScanResultSchema.parse>, id: string) =>
    r.findings.filter((f) => f.detector === 'logging-disabled' && f.container?.id === id);

  it('scans two engines at once into one result; each finding and container names its engine', async () => {
    const r = await runCli(
      ['scan', '--context', 'default', '--context', 'second', '--format', 'json', '--since', '10m'],
      { env, timeoutMs: 180_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const result = ScanResultSchema.parse(JSON.parse(r.stdout));
    expect(result.engines?.map((e) => [e.name, e.status])).toEqual([
      ['local', 'scanned'],
      ['second', 'scanned'],
    ]);
    const [main, second] = result.engines!;
    expect(noLogsOn(result, mainC.id).map((f) => f.engineId)).toEqual([main!.id]);
    expect(noLogsOn(result, secondC.id).map((f) => f.engineId)).toEqual([second!.id]);
    expect(result.containers.find((c) => c.id === secondC.id)?.engineId).toBe(second!.id);
    expect(second!.containers).toBe(1);
    expect(result.findings.every((f) => f.engineId === main!.id || f.engineId === second!.id)).toBe(true);
  }, 200_000);

  it("an engine that is gone is an error entry, the other engine's findings stand, and the exit code is 2", async () => {
    const r = await runCli(['scan', '--context', 'second', '--context', 'gone', '--format', 'json', '--since', '10m'], {
      env,
      timeoutMs: 180_000,
    });
    expect(r.code).toBe(2);
    const result = ScanResultSchema.parse(JSON.parse(r.stdout));
    const gone = result.engines!.find((e) => e.name === 'gone')!;
    expect(gone.status).toBe('failed');
    expect(gone.error?.code).toBe('SOCKET_MISSING');
    expect(result.errors.filter((e) => e.engineId === gone.id).map((e) => e.code)).toEqual(['SOCKET_MISSING']);
    expect(noLogsOn(result, secondC.id)).toHaveLength(1);
    expect(r.stderr).toContain('gone');
  }, 200_000);

  it('--fail-on counts findings of every engine; --all-contexts takes each engine found', async () => {
    const failOn = await runCli(
      ['scan', '--context', 'second', '--context', 'default', '--fail-on', 'low', '--format', 'json', '--since', '10m'],
      { env, timeoutMs: 180_000 },
    );
    expect(failOn.code, failOn.stderr).toBe(1);
    const all = await runCli(['scan', '--all-contexts', '--format', 'json', '--since', '10m'], {
      env,
      timeoutMs: 180_000,
    });
    const result = ScanResultSchema.parse(JSON.parse(all.stdout));
    expect(result.engines!.map((e) => e.name).sort()).toEqual(expect.arrayContaining(['gone', 'second']));
    expect(result.engines!.filter((e) => e.status === 'scanned').length).toBeGreaterThanOrEqual(2);
    expect(all.code).toBe(2);
    const usage = await runCli(['scan', '--all-contexts', '--context', 'second'], { env });
    expect(usage.code).toBe(2);
  }, 400_000);
});
