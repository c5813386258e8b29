import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetectors, type DetectionResult } from '../../electron/engine/detect/run-detectors.js';
import { severityRank, type Finding } from '@shared/domain/finding.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { WEB, removeSuite } from '../helpers/docker.js';
import { addSocketSnapshots, collect, createNetwork, ipOf, removeNetworks, sleep, start, startAll } from './harness.js';
import { reportScores, score, type Scenario } from './scores.js';

/**
 * Beacons on an internal network the suite creates: short connections to one endpoint at a steady rhythm, on
 * standard and odd ports, with junk payloads, from a plain container and from a web server that has no business
 * calling out. The first judgement uses ONE socket snapshot (TIME_WAIT timers date the closes); a second adds
 * snapshots over time. Look-alikes: a health check polling a declared service, a dev server, one long session,
 * and an irregular client.
 */
const SUITE = 'detect-scenarios-beaconing';
const c: Record<string, Docker.Container> = {};
let single: EngineEvidence;
let multi: EngineEvidence;
let singleResult: DetectionResult;
let multiResult: DetectionResult;

const findingsIn = (r: DetectionResult, key: string): Finding[] =>
  [...r.findings, ...r.suppressed].filter((f) => f.container?.id === c[key]!.id);

const MALICIOUS = ['beacon443', 'beacon80Junk', 'webCallsOut', 'slowBeacon'];
const BENIGN = ['healthCheck', 'devServer', 'longSession', 'irregular'];
const SCENARIOS: Scenario[] = [{ detector: 'beaconing', malicious: MALICIOUS, benign: BENIGN }];

beforeAll(async () => {
  await removeSuite(SUITE);
  await removeNetworks(SUITE);
  const since = new Date(Date.now() - 1000);
  const net = await createNetwork(SUITE);
  const onNet = { NetworkMode: (await net.inspect()).Name as string };
  // Echo listeners that keep each connection until the client closes it, so the client side holds the TIME_WAIT rows.
  c.server = await start({
    suite: SUITE,
    hostConfig: onNet,
    cmd: ['sh', '-c', 'for p in 443 80 8443 9000 5555; do (while :; do nc -l -p $p -e cat; done) & done; wait'],
  });
  c.web = await start({ suite: SUITE, image: WEB, hostConfig: onNet });
  const srv = await ipOf(c.server);
  const web = await ipOf(c.web);
  const beacon = (port: number, every: number, payload = '') =>
    `while :; do ${payload || 'true'} | nc -w 1 ${srv} ${port} >/dev/null; sleep ${every}; done`;
  const runs = {
    beacon443: start({ suite: SUITE, hostConfig: onNet, cmd: ['sh', '-c', beacon(443, 2)] }),
    beacon80Junk: start({
      suite: SUITE,
      hostConfig: onNet,
      cmd: ['sh', '-c', beacon(80, 2, 'head -c 512 /dev/urandom')],
    }),
    webCallsOut: start({
      suite: SUITE,
      image: WEB,
      hostConfig: onNet,
      cmd: ['sh', '-c', `httpd -p 8080; ${beacon(8443, 2)}`],
    }),
    // Slower than one per 15 s in real life; here every 5 s, so one snapshot holds too few closes and the series needs time.
    slowBeacon: start({ suite: SUITE, hostConfig: onNet, cmd: ['sh', '-c', beacon(9000, 5)] }),
    healthCheck: start({
      suite: SUITE,
      hostConfig: onNet,
      cmd: ['sh', '-c', `while :; do wget -q -O /dev/null http://${web}:8080/ 2>/dev/null; sleep 2; done`],
    }),
    devServer: start({ suite: SUITE, image: WEB, hostConfig: onNet, cmd: ['httpd', '-f', '-p', '3000'] }),
    longSession: start({ suite: SUITE, hostConfig: onNet, cmd: ['sh', '-c', `sleep 3600 | nc ${srv} 5555`] }),
    irregular: start({
      suite: SUITE,
      hostConfig: onNet,
      cmd: ['sh', '-c', `while :; do for s in 1 7 2 9 1 5 3 8; do nc -w 1 ${srv} 443 </dev/null; sleep $s; done; done`],
    }),
  };
  Object.assign(c, await startAll(runs));
  // Long enough for five or more two-second beacons to close.
  await sleep(13_000);
  const ids = Object.values(c).map((x) => x.id);
  single = await collect(ids, since);
  singleResult = runDetectors(single, { only: ['beaconing'] });
  multi = structuredClone(single);
  await Promise.all([...MALICIOUS, ...BENIGN].map((k) => addSocketSnapshots(multi, c[k]!.id, 4, 6000)));
  multiResult = runDetectors(multi, { only: ['beaconing'] });
}, 180_000);

afterAll(async () => {
  if (multiResult)
    reportScores(
      SUITE,
      score(SCENARIOS, (k) => findingsIn(multiResult, k)),
    );
  await removeSuite(SUITE);
  await removeNetworks(SUITE);
});

describe('beaconing (real dockerd, internal network, host /proc/net)', () => {
  for (const key of ['beacon443', 'beacon80Junk', 'webCallsOut']) {
    it(`one snapshot is enough for the two-second beacon ${key}: TIME_WAIT timers date the closes`, () => {
      const hits = findingsIn(singleResult, key).filter((f) => f.detector === 'beaconing');
      expect(
        hits.map((f) => f.severity),
        JSON.stringify(
          single.containers
            .find((x) => x.container.id === c[key]!.id)
            ?.sockets.map((s) => s.sockets.map((r) => `${r.state}:${r.remotePort}:${r.timeWaitLeftMs}`)),
        ),
      ).toEqual(['medium']);
      expect(hits[0]!.summary).toMatch(/an internal endpoint no container here declares, about every 2\.\d s/);
      expect(hits[0]!.evidence[0]!.excerpt).toContain('TIME_WAIT timers');
    });
  }

  for (const key of MALICIOUS) {
    it(`several snapshots over time find ${key}`, () => {
      expect(
        findingsIn(multiResult, key).filter(
          (f) => f.detector === 'beaconing' && severityRank(f.severity) >= severityRank('medium'),
        ),
      ).not.toEqual([]);
    });
  }

  for (const key of BENIGN) {
    it(`nothing at medium or above on the look-alike ${key}, in one snapshot or several`, () => {
      for (const r of [singleResult, multiResult])
        expect(
          findingsIn(r, key)
            .filter((f) => severityRank(f.severity) >= severityRank('medium'))
            .map((f) => `${f.summary} ${f.evidence[0]!.excerpt}`),
        ).toEqual([]);
    });
  }
});
