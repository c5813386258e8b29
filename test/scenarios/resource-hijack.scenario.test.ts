import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectContainerEvidence } from '../../electron/engine/collect/container-evidence.js';
import { runDetectors, type DetectionResult } from '../../electron/engine/detect/run-detectors.js';
import { severityRank } from '@shared/domain/finding.js';
import { docker, removeSuite } from '../helpers/docker.js';
import { collect, ENGINE, sleep, start } from './harness.js';

/**
 * Resource hijacking against the real dockerd: a CPU-bound "miner" whose command line names a stratum pool,
 * beside a legitimate batch job that spikes after an idle start (the seeds' "peak business operations").
 * Both are capped at half a core so the suite does not starve the machine.
 */
const SUITE = 'detect-scenarios-cpu';
const HALF_CORE = { NanoCpus: 500_000_000 };
const c: Record<string, Docker.Container> = {};
let result: DetectionResult;

beforeAll(async () => {
  await removeSuite(SUITE);
  const since = new Date(Date.now() - 1000);
  // Loopback pool address: the argument is evidence only, nothing connects to it.
  c.miner = await start({
    suite: SUITE,
    hostConfig: HALF_CORE,
    cmd: ['sh', '-c', 'while :; do :; done', 'xmrig', '--url', 'stratum+tcp://127.0.0.1:3333', '--threads', '1'],
  });
  c.batch = await start({
    suite: SUITE,
    hostConfig: HALF_CORE,
    labels: { app: 'nightly-report' },
    cmd: ['sh', '-c', 'sleep 2; while :; do :; done'],
  });
  const ev = await collect([c.miner.id, c.batch.id], since, { stats: true });
  // Repeated samples give each container its own baseline, as watch mode does.
  for (let i = 0; i < 2; i++) {
    for (const ce of ev.containers)
      ce.stats.push(
        ...(await collectContainerEvidence(docker, ce.container.id, { engineId: ENGINE.id, local: true, stats: true }))
          .stats,
      );
    await sleep(200);
  }
  result = runDetectors(ev, { policy: { cpuSpikePercent: 35 } });
}, 60_000);

afterAll(() => removeSuite(SUITE));

describe('resource-hijack scenario (real dockerd, docker stats)', () => {
  // How much CPU a capped loop gets depends on the rest of the machine's load, so the CPU threshold itself is
  // exercised by the unit tests; here the join of real stats with real process evidence is.
  it('reports the miner from its stratum command line, with the stats samples as evidence', () => {
    const f = result.findings.find((x) => x.detector === 'resource-hijack' && x.container?.id === c.miner!.id);
    expect(['high', 'critical']).toContain(f?.severity);
    expect(f?.attack).toEqual(['T1496']);
    expect(f?.evidence.map((e) => e.kind)).toEqual(expect.arrayContaining(['process', 'stats']));
  });

  it('keeps a legitimate spike without miner evidence below medium', () => {
    const batch = result.findings.filter((x) => x.container?.id === c.batch!.id);
    expect(batch.filter((x) => severityRank(x.severity) >= severityRank('medium')).map((x) => x.summary)).toEqual([]);
    expect(batch.filter((x) => x.detector === 'resource-hijack').every((x) => x.severity === 'low')).toBe(true);
  });
});
