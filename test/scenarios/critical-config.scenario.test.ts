import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectEngineEvidence } from '../../electron/engine/collect/engine-evidence.js';
import { runDetectors, type DetectionResult } from '../../electron/engine/detect/run-detectors.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { severityRank, type Finding } from '@shared/domain/finding.js';
import { docker, removeSuite } from '../helpers/docker.js';
import { collect, createNetwork, ENGINE, execIn, removeNetworks, script, start, startAll } from './harness.js';
import { reportScores, score, type Scenario } from './scores.js';

/**
 * Tampered critical files the engine writes or the image holds: /etc/hosts redirected, sinkholed, rewritten, a
 * declared `--add-host` moved; resolv.conf pointed at another server on the default and on a user-defined network;
 * a PAM stack that accepts any password; sshd accepting empty passwords and reading keys from a hidden file. Both
 * engine files are bind mounts, so none of this shows in the container's diff. Look-alikes: `--add-host`, `--dns`,
 * an untouched user-defined network, an entrypoint adding service names, an ssh server configured at start, httpd.
 * Read twice: host side (local engine) and through the Engine API only (as a remote engine is read).
 */
const SUITE = 'detect-scenarios-critical-config';
const c: Record<string, Docker.Container> = {};
let local: DetectionResult;
let remote: DetectionResult;
let remoteEvidence: EngineEvidence;
let localEvidence: EngineEvidence;

const NAMES = 'name-resolution-tampering';
const AUTH = 'auth-config-tampering';
const findingsIn = (r: DetectionResult, key: string): Finding[] =>
  [...r.findings, ...r.suppressed].filter((f) => f.container?.id === c[key]!.id);

const SCENARIOS: Scenario[] = [
  {
    detector: NAMES,
    malicious: ['hostsRedirect', 'hostsSinkholeExec', 'hostsRewrite', 'declaredMoved', 'resolvBridge', 'resolvUserNet'],
    benign: ['addHost', 'dnsFlag', 'userNet', 'serviceNames', 'sshdDev', 'web'],
  },
  {
    detector: AUTH,
    malicious: ['pamPermit', 'sshdOpen'],
    benign: ['addHost', 'serviceNames', 'sshdDev', 'web'],
  },
];

beforeAll(async () => {
  await removeSuite(SUITE);
  await removeNetworks(SUITE);
  const net = await createNetwork(SUITE);
  const none = { NetworkMode: 'none' };
  const onNet = { NetworkMode: net.id };
  const since = new Date(Date.now() - 1000);
  const runs: Record<string, Promise<Docker.Container>> = {
    hostsRedirect: start({
      suite: SUITE,
      hostConfig: none,
      ready: true,
      cmd: script('echo "127.0.0.9 registry-1.docker.io auth.docker.io" >> /etc/hosts'),
    }),
    hostsSinkholeExec: start({ suite: SUITE, hostConfig: none, ready: true, cmd: script('httpd -p 8080 -h /tmp') }),
    hostsRewrite: start({
      suite: SUITE,
      hostConfig: none,
      ready: true,
      cmd: script('printf "127.0.0.1 localhost\\n198.51.100.4 pypi.org files.pythonhosted.org\\n" > /etc/hosts'),
    }),
    // sed -i cannot rename over a bind-mounted file: rewrite it in place, as an intruder's script would.
    declaredMoved: start({
      suite: SUITE,
      hostConfig: { ...none, ExtraHosts: ['db:127.0.0.2'] },
      ready: true,
      cmd: script(
        'grep -v "[[:space:]]db$" /etc/hosts > /tmp/h; echo "127.0.0.66 db" >> /tmp/h; cat /tmp/h > /etc/hosts',
      ),
    }),
    resolvBridge: start({
      suite: SUITE,
      hostConfig: none,
      ready: true,
      cmd: script('echo "nameserver 127.0.0.53" > /etc/resolv.conf'),
    }),
    resolvUserNet: start({
      suite: SUITE,
      hostConfig: onNet,
      ready: true,
      cmd: script('echo "nameserver 198.51.100.53" > /etc/resolv.conf'),
    }),
    pamPermit: start({
      suite: SUITE,
      hostConfig: none,
      ready: true,
      cmd: script('mkdir -p /etc/pam.d; printf "auth sufficient pam_permit.so\\n" > /etc/pam.d/common-auth'),
    }),
    sshdOpen: start({
      suite: SUITE,
      hostConfig: none,
      ready: true,
      cmd: script(
        'mkdir -p /etc/ssh; printf "PermitEmptyPasswords yes\\nAuthorizedKeysFile /var/tmp/.k\\n" > /etc/ssh/sshd_config',
      ),
    }),
    addHost: start({
      suite: SUITE,
      hostConfig: { ...none, ExtraHosts: ['db.example.com:127.0.0.2', 'host.docker.internal:127.0.0.3'] },
      ready: true,
      cmd: script('true'),
    }),
    dnsFlag: start({ suite: SUITE, hostConfig: { ...none, Dns: ['127.0.0.1'] }, ready: true, cmd: script('true') }),
    userNet: start({ suite: SUITE, hostConfig: onNet, ready: true, cmd: script('httpd -p 8080 -h /tmp') }),
    serviceNames: start({
      suite: SUITE,
      hostConfig: none,
      ready: true,
      cmd: script('echo "127.0.0.5 db" >> /etc/hosts; echo "127.0.0.6 cache.internal" >> /etc/hosts'),
    }),
    sshdDev: start({
      suite: SUITE,
      hostConfig: none,
      ready: true,
      cmd: script('mkdir -p /etc/ssh; printf "Port 2222\\nPasswordAuthentication no\\n" > /etc/ssh/sshd_config'),
    }),
    web: start({ suite: SUITE, hostConfig: none, ready: true, cmd: script('httpd -p 8080 -h /tmp') }),
  };
  Object.assign(c, await startAll(runs));
  // Written later through the engine, as `docker exec` does.
  await execIn(c.hostsSinkholeExec!, ['sh', '-c', 'echo "0.0.0.0 telemetry.edr-vendor.com" >> /etc/hosts']);
  const ids = Object.values(c).map((x) => x.id);
  localEvidence = await collect(ids, since);
  local = runDetectors(localEvidence);
  remoteEvidence = await collectEngineEvidence(docker, {
    engine: { ...ENGINE, local: false },
    local: false,
    containerIds: ids,
  });
  remote = runDetectors(remoteEvidence);
}, 120_000);

afterAll(async () => {
  if (local)
    reportScores(
      SUITE,
      score(SCENARIOS, (key) => findingsIn(local, key)),
    );
  await removeSuite(SUITE);
  await removeNetworks(SUITE);
});

describe('tampered critical files (real dockerd)', () => {
  describe.each([
    ['host side', () => local],
    ['Engine API only', () => remote],
  ])('%s', (_how, result) => {
    it.each([
      ['hostsRedirect', NAMES, 'high', 'hosts-redirect', 'T1557'],
      ['hostsSinkholeExec', NAMES, 'high', 'hosts-sinkhole', 'T1562.001'],
      ['hostsRewrite', NAMES, 'high', 'hosts-redirect', 'T1565.001'],
      ['declaredMoved', NAMES, 'high', 'hosts-redirect', 'T1565.001'],
      ['resolvUserNet', NAMES, 'high', 'resolver-replaced', 'T1071.004'],
      ['pamPermit', AUTH, 'critical', 'pam-backdoor', 'T1556.003'],
      ['sshdOpen', AUTH, 'high', 'sshd-weakened', 'T1556'],
    ])('%s draws %s', (key, detector, severity, cause, technique) => {
      const hits = findingsIn(result(), key).filter((f) => f.detector === detector);
      const top = hits.sort((a, b) => severityRank(b.severity) - severityRank(a.severity))[0];
      expect(top, JSON.stringify(findingsIn(result(), key).map((f) => [f.detector, f.summary]))).toBeDefined();
      expect([top!.severity, top!.cause]).toEqual([severity, cause]);
      expect(hits.flatMap((f) => f.attack)).toContain(technique);
      expect(top!.evidence[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    });

    it.each(['addHost', 'dnsFlag', 'userNet', 'serviceNames', 'sshdDev', 'web'])(
      '%s draws neither detector at medium or above',
      (key) => {
        const loud = findingsIn(result(), key).filter(
          (f) => [NAMES, AUTH].includes(f.detector) && severityRank(f.severity) >= severityRank('medium'),
        );
        expect(loud.map((f) => f.summary)).toEqual([]);
      },
    );
  });

  it("judges a default-network resolver against the engine's record, or through the API by when it was written", () => {
    const hits = findingsIn(local, 'resolvBridge').filter((f) => f.detector === NAMES);
    expect(hits.map((f) => f.severity)).toEqual(['high']);
    expect(hits[0]!.summary).toContain('127.0.0.53');
    expect(hits[0]!.summary).toContain('differs from the one the engine wrote');
    // Through the API only the rewritten files are read, so no peer's resolvers stand beside it: it was rewritten
    // after the engine wrote it, and it now names 127.0.0.53.
    const api = findingsIn(remote, 'resolvBridge').filter((f) => f.detector === NAMES);
    expect(api.map((f) => [f.severity, f.cause])).toEqual([['medium', 'resolver-changed']]);
    expect(api[0]!.summary).toContain('127.0.0.53');
  });

  it('leaves the engine files alone over ssh, where each stat costs a channel of its own', async () => {
    const overSsh = await collectEngineEvidence(docker, {
      engine: { ...ENGINE, endpoint: 'ssh://root@127.0.0.1:22', local: false },
      local: false,
      containerIds: [c.hostsRedirect!.id],
    });
    expect(overSsh.containers[0]!.engineFiles).toEqual([]);
    expect(remoteEvidence.containers.find((x) => x.container.id === c.hostsRedirect!.id)!.engineFiles).toHaveLength(1);
  });

  it('marks the engine files the container rewrote, host side and through the API alike', () => {
    for (const ev of [localEvidence, remoteEvidence]) {
      const marked = (key: string) => ev.containers.find((x) => x.container.id === c[key]!.id)!.engineFilesRewritten;
      expect(marked('hostsRedirect')).toEqual(['/etc/hosts']);
      expect(marked('hostsSinkholeExec')).toEqual(['/etc/hosts']);
      expect(marked('resolvBridge')).toEqual(['/etc/resolv.conf']);
      for (const key of ['web', 'addHost', 'dnsFlag', 'userNet', 'resolvUserNet']) expect(marked(key), key).toEqual([]);
    }
  });

  it('reads through the API only the engine files written after the engine wrote them', () => {
    const archived = (key: string) =>
      remoteEvidence.containers.find((x) => x.container.id === c[key]!.id)!.engineFiles.map((f) => f.path);
    expect(archived('web')).toEqual([]);
    expect(archived('addHost')).toEqual([]);
    expect(archived('hostsRedirect')).toEqual(['/etc/hosts']);
    expect(archived('resolvBridge')).toEqual(['/etc/resolv.conf']);
  });

  it('lists the service names an entrypoint added at low, so they stay visible', () => {
    const low = findingsIn(local, 'serviceNames').filter((f) => f.detector === NAMES);
    expect(low.map((f) => [f.severity, f.cause])).toEqual([
      ['low', 'hosts-added'],
      ['low', 'hosts-added'],
    ]);
  });
});
