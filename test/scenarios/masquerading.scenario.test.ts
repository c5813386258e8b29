import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetectors, type DetectionResult } from '../../electron/engine/detect/run-detectors.js';
import { severityRank, type Finding } from '@shared/domain/finding.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { removeSuite } from '../helpers/docker.js';
import { collect, script, start, startAll } from './harness.js';
import { reportScores, score, type Scenario } from './scores.js';

/**
 * Masquerading by name alone: processes that wear a kernel thread's or a daemon's name while running an
 * ordinary binary, the way implants rename themselves (prctl, argv rewritten in place, exec -a, /proc/self/comm).
 * The renaming program is compiled here from fixtures/retitle.c and bind-mounted read-only as /opt/app/bin/NAME,
 * so the binary path is plain; the busybox variants rename the image's own shell. Look-alikes are the titles
 * daemons set for their workers and busybox applets, whose comm legitimately differs from their exe.
 */
const SUITE = 'detect-scenarios-masquerading';
const SOURCE = path.join(import.meta.dirname, 'fixtures/retitle.c');
const c: Record<string, Docker.Container> = {};
let tmp = '';
let evidence: EngineEvidence;
let result: DetectionResult;

const findingsFor = (key: string): Finding[] =>
  [...result.findings, ...result.suppressed].filter((f) => f.container?.id === c[key]!.id);

const SCENARIOS: Scenario[] = [
  {
    detector: 'process-masquerading',
    malicious: [
      'prctlKthreadd',
      'execAWithArgs',
      'clearedArgv',
      'commWrite',
      'bracketedComm',
      'daemonName',
      'otherKthread',
    ],
    benign: ['postgresTitle', 'nginxTitle', 'celeryTitle', 'busyboxApplets', 'testApplet'],
  },
];

beforeAll(async () => {
  await removeSuite(SUITE);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'stowaway-masq-'));
  const bin = path.join(tmp, 'bin');
  mkdirSync(bin);
  execFileSync('cc', ['-static', '-O2', '-o', path.join(bin, 'retitle'), SOURCE], { stdio: 'pipe' });
  // The same program under the names each case runs it by: the exe link then names a plain binary.
  for (const name of ['agentd', 'postgres', 'nginx', 'celery'])
    copyFileSync(path.join(bin, 'retitle'), path.join(bin, name));
  for (const name of ['retitle', 'agentd', 'postgres', 'nginx', 'celery']) chmodSync(path.join(bin, name), 0o755);
  chmodSync(tmp, 0o755);
  chmodSync(bin, 0o755);
  const withBin = { Binds: [`${bin}:/opt/app/bin:ro`] };
  const since = new Date(Date.now() - 1000);
  const runs = {
    // prctl comm "kthreadd" and argv rewritten to "[kthreadd]", as XorDDoS-style implants do.
    prctlKthreadd: start({ suite: SUITE, hostConfig: withBin, cmd: ['/opt/app/bin/agentd', 'kthreadd', '[kthreadd]'] }),
    // exec -a with a bracketed name and further arguments: the whole command line is not bracketed.
    execAWithArgs: start({
      suite: SUITE,
      hostConfig: withBin,
      cmd: ['sh', '-c', 'exec -a "[kworker/u8:2]" /opt/app/bin/agentd agentd "[kworker/u8:2] --pool 127.0.0.1"'],
    }),
    // Arguments wiped: ps prints [comm] as it does for kernel threads.
    clearedArgv: start({ suite: SUITE, hostConfig: withBin, cmd: ['/opt/app/bin/agentd', 'kworker/0:1H', ''] }),
    // The image's own shell renames itself through /proc/self/comm.
    commWrite: start({
      suite: SUITE,
      ready: true,
      cmd: script('echo -n "ksoftirqd/0" > /proc/self/comm', 'while :; do sleep 5; done'),
    }),
    bracketedComm: start({
      suite: SUITE,
      ready: true,
      cmd: script('echo -n "[kworker/1:0]" > /proc/self/comm', 'while :; do sleep 5; done'),
    }),
    // A daemon's name and title on a foreign binary.
    daemonName: start({ suite: SUITE, hostConfig: withBin, cmd: ['/opt/app/bin/agentd', 'sshd', 'sshd: root@pts/0'] }),
    // A kernel thread the name list does not know: the bracketed single word is enough.
    otherKthread: start({
      suite: SUITE,
      hostConfig: withBin,
      cmd: ['/opt/app/bin/agentd', 'agentd', '[nvme-reset-wq]'],
    }),
    // Daemons describing their workers: the title keeps the binary's own name.
    postgresTitle: start({
      suite: SUITE,
      hostConfig: withBin,
      cmd: ['/opt/app/bin/postgres', 'postgres', 'postgres: writer process'],
    }),
    nginxTitle: start({
      suite: SUITE,
      hostConfig: withBin,
      cmd: ['/opt/app/bin/nginx', 'nginx', 'nginx: worker process'],
    }),
    celeryTitle: start({
      suite: SUITE,
      hostConfig: withBin,
      cmd: ['/opt/app/bin/celery', 'celery', '[celeryd: celery@w1:MainProcess] -active- (worker)'],
    }),
    // busybox applets: comm crond/syslogd, exe /bin/busybox.
    busyboxApplets: start({
      suite: SUITE,
      ready: true,
      cmd: script('mkdir -p /var/spool/cron/crontabs; crond -b; syslogd'),
    }),
    // The test applet "[" is a one-character bracket, not a name.
    testApplet: start({ suite: SUITE, cmd: ['sh', '-c', 'while [ -d / ]; do sleep 1; done'] }),
  };
  Object.assign(c, await startAll(runs));
  // The renames happen right after start.
  await new Promise((r) => setTimeout(r, 700));
  evidence = await collect(
    Object.values(c).map((x) => x.id),
    since,
  );
  result = runDetectors(evidence);
}, 120_000);

afterAll(async () => {
  if (result) reportScores(SUITE, score(SCENARIOS, findingsFor));
  await removeSuite(SUITE);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('masquerading by name alone (real dockerd, host /proc)', () => {
  it('reads the renamed comm and rewritten argv host-side', () => {
    const procs = (key: string) =>
      evidence.containers.find((x) => x.container.id === c[key]!.id)!.processes.host!.processes;
    expect(procs('prctlKthreadd').find((p) => p.exe === '/opt/app/bin/agentd')).toMatchObject({
      comm: 'kthreadd',
      cmdline: '[kthreadd]',
    });
    expect(procs('execAWithArgs').find((p) => p.exe === '/opt/app/bin/agentd')?.cmdline).toBe(
      '[kworker/u8:2] --pool 127.0.0.1',
    );
    expect(procs('clearedArgv').find((p) => p.exe === '/opt/app/bin/agentd')).toMatchObject({
      comm: 'kworker/0:1H',
      cmdline: '',
    });
    expect(procs('busyboxApplets').map((p) => p.comm)).toEqual(expect.arrayContaining(['crond', 'syslogd']));
  });

  for (const s of SCENARIOS) {
    for (const key of s.malicious) {
      it(`${s.detector} fires on ${key}`, () => {
        const hits = findingsFor(key).filter((f) => f.detector === s.detector);
        expect(hits, JSON.stringify(findingsFor(key).map((f) => [f.detector, f.summary]))).not.toEqual([]);
        expect(hits.every((f) => f.evidence.length > 0 && f.attack.length > 0)).toBe(true);
      });
    }
    for (const key of s.benign) {
      it(`nothing at medium or above on the look-alike ${key}`, () => {
        const loud = findingsFor(key).filter(
          (f) => severityRank(f.severity) >= severityRank('medium') && !f.suppressedBy,
        );
        expect(loud.map((f) => `${f.detector}: ${f.summary}`)).toEqual([]);
      });
    }
  }

  it('kernel-thread disguises are critical T1036.004; a daemon name on a foreign binary is high T1036.005', () => {
    const kth = findingsFor('execAWithArgs').find((f) => f.detector === 'process-masquerading')!;
    expect([kth.severity, kth.attack]).toEqual(['critical', ['T1036.004']]);
    expect(kth.summary).toContain('/opt/app/bin/agentd');
    const daemon = findingsFor('daemonName').find((f) => f.detector === 'process-masquerading')!;
    expect([daemon.severity, daemon.attack]).toEqual(['high', ['T1036.005']]);
  });
});
