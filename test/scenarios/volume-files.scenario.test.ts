import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetectors, type DetectionResult } from '../../electron/engine/detect/run-detectors.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { severityRank, type Finding } from '@shared/domain/finding.js';
import { docker, removeSuite, TEST_LABEL } from '../helpers/docker.js';
import { collect, script, start, startAll } from './harness.js';
import { reportScores, score, type Scenario } from './scores.js';

/**
 * Payloads parked in named volumes, which no diff shows and which outlive the container: a hidden ELF, a hidden
 * directory holding one, a visible ELF run from the volume. Look-alikes: a database-style volume with its lock and
 * data files, executable scripts a package manager writes, a tool a container of an earlier run left there (older
 * than this container, so not its doing), and a new volume over /bin that the engine fills with the image's files.
 */
const SUITE = 'detect-scenarios-volumes';
const c: Record<string, Docker.Container> = {};
let evidence: EngineEvidence;
let result: DetectionResult;

const findingsFor = (key: string): Finding[] =>
  [...result.findings, ...result.suppressed].filter((f) => f.container?.id === c[key]!.id);
const on = (key: string, detector: string) => findingsFor(key).filter((f) => f.detector === detector);
const loud = (key: string) =>
  findingsFor(key).filter(
    (f) =>
      ['hidden-files', 'dropped-executable'].includes(f.detector) && severityRank(f.severity) >= severityRank('medium'),
  );

const SCENARIOS: Scenario[] = [
  {
    detector: 'hidden-files',
    malicious: ['hiddenElf', 'hiddenDir'],
    benign: ['database', 'packages', 'older', 'copyUp'],
  },
  {
    detector: 'dropped-executable',
    malicious: ['runsFromVolume'],
    benign: ['database', 'packages', 'older', 'copyUp'],
  },
];

async function volume(): Promise<string> {
  const name = `${SUITE}-${Math.random().toString(36).slice(2, 8)}`;
  await docker.createVolume({ Name: name, Labels: { [TEST_LABEL]: SUITE } });
  return name;
}

const withVolume = (name: string, at = '/data') => ({ Binds: [`${name}:${at}`], NetworkMode: 'none' });

/** Named volumes outlive their containers: the suite removes its own, also those a crashed run left. */
async function removeVolumes(): Promise<void> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [`${TEST_LABEL}=${SUITE}`] } });
  await Promise.all(
    (Volumes ?? []).map((v) =>
      docker
        .getVolume(v.Name)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

beforeAll(async () => {
  await removeSuite(SUITE);
  await removeVolumes();
  const [a, b, d, e, f, g, old] = await Promise.all([
    volume(),
    volume(),
    volume(),
    volume(),
    volume(),
    volume(),
    volume(),
  ]);
  // An earlier run left a tool in this volume; the container scanned below starts after it.
  const earlier = await start({
    suite: SUITE,
    hostConfig: withVolume(old),
    cmd: ['sh', '-c', 'cp /bin/busybox /data/.old-tool'],
  });
  await earlier.wait();
  await new Promise((r) => setTimeout(r, 1100));
  const since = new Date(Date.now() - 1000);
  const runs: Record<string, Promise<Docker.Container>> = {
    hiddenElf: start({
      suite: SUITE,
      hostConfig: withVolume(a),
      ready: true,
      cmd: script('cp /bin/busybox /data/.sshd'),
    }),
    hiddenDir: start({
      suite: SUITE,
      hostConfig: withVolume(b, '/var/lib/app'),
      ready: true,
      cmd: script('mkdir -p /var/lib/app/cache/.x; cp /bin/busybox /var/lib/app/cache/.x/kworker'),
    }),
    runsFromVolume: start({
      suite: SUITE,
      hostConfig: withVolume(d),
      ready: true,
      cmd: script('cp /bin/busybox /data/sleep; /data/sleep 3600 &'),
    }),
    database: start({
      suite: SUITE,
      hostConfig: withVolume(e, '/var/lib/db'),
      ready: true,
      cmd: script('mkdir -p /var/lib/db/base; echo 1 > /var/lib/db/.lock; echo rows > /var/lib/db/base/t1'),
    }),
    packages: start({
      suite: SUITE,
      hostConfig: withVolume(f, '/app/node_modules'),
      ready: true,
      cmd: script(
        'mkdir -p /app/node_modules/.bin; printf "#!/bin/sh\\necho hi\\n" > /app/node_modules/.bin/tool; chmod +x /app/node_modules/.bin/tool',
      ),
    }),
    older: start({ suite: SUITE, hostConfig: withVolume(old), ready: true, cmd: script('true') }),
    // A new volume over an image path: the engine copies the image's files (busybox itself) into it first.
    copyUp: start({ suite: SUITE, hostConfig: withVolume(g, '/bin'), ready: true, cmd: script('true') }),
  };
  Object.assign(c, await startAll(runs));
  evidence = await collect(
    Object.values(c).map((x) => x.id),
    since,
  );
  result = runDetectors(evidence);
}, 120_000);

afterAll(async () => {
  if (result) reportScores(SUITE, score(SCENARIOS, findingsFor));
  await removeSuite(SUITE);
  await removeVolumes();
});

describe('payloads in named volumes (real dockerd, host side)', () => {
  it('lists what each container wrote to its volumes since it started, with hashes, and nothing older', () => {
    const listed = (key: string) =>
      evidence.containers.find((x) => x.container.id === c[key]!.id)!.volumeFiles.map((f) => f.path);
    expect(listed('hiddenElf')).toEqual(['/data/.sshd']);
    expect(listed('older')).toEqual([]);
    expect(listed('copyUp')).toEqual([]);
    const elf = evidence.containers.find((x) => x.container.id === c.hiddenElf!.id)!.volumeFiles[0]!;
    expect(elf.flags).toEqual(expect.arrayContaining(['elf', 'hidden', 'executable']));
    expect(elf.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['hiddenElf', 'hidden-files', 'high'],
    ['hiddenDir', 'hidden-files', 'high'],
    ['runsFromVolume', 'dropped-executable', 'high'],
  ])('%s draws %s at %s', (key, detector, severity) => {
    const hits = on(key, detector);
    expect(
      hits.map((f) => f.severity),
      JSON.stringify(findingsFor(key).map((f) => [f.detector, f.summary])),
    ).toContain(severity);
    expect(hits[0]!.evidence[0]!.excerpt).toContain('in a volume');
  });

  it.each(['database', 'packages', 'older', 'copyUp'])('%s draws neither detector at medium or above', (key) => {
    expect(loud(key).map((f) => f.summary)).toEqual([]);
  });
});
