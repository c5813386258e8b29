import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetectors, type DetectionResult } from '../../electron/engine/detect/run-detectors.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { severityRank, type Finding } from '@shared/domain/finding.js';
import { docker, removeSuite, TEST_LABEL, WEB } from '../helpers/docker.js';
import { collect, script, start } from './harness.js';
import { reportScores, score, type Scenario } from './scores.js';

/**
 * Falco and docker-bench rules an agentless reader can see, on real containers and real images: a packet sniffer (a
 * static C program that opens an AF_PACKET socket, mounted in as tcpdump) beside ping, which uses a raw IP socket;
 * a CGI shell running under busybox httpd beside a shell that starts httpd; SELinux labelling disabled; and two
 * images built here with the classic builder, one with a stale index step, ADD, a token in ENV and an account it
 * does not use, the other written the way the benchmark asks.
 */
const SUITE = 'detect-scenarios-agentless';
const SOURCE = path.join(import.meta.dirname, 'fixtures/packet-sniffer.c');
const TOKEN = `ghp_${'A1b2C3d4E5'.repeat(3)}F6g7H8`;
const tags = {
  bad: `stowaway-scenario/hygiene-bad:${process.pid}`,
  good: `stowaway-scenario/hygiene-good:${process.pid}`,
};
const c: Record<string, Docker.Container> = {};
let tmp = '';
let evidence: EngineEvidence;
let result: DetectionResult;

const all = (): Finding[] => [...result.findings, ...result.suppressed];
const on = (key: string, detector?: string) =>
  all().filter((f) => f.container?.id === c[key]!.id && (!detector || f.detector === detector));
const causes = (key: string, detector: string) =>
  on(key, detector)
    .map((f) => f.cause)
    .sort();

const FAKE_APT = `RUN printf '#!/bin/sh\\necho "apt-get $*"\\n' > /bin/apt-get && chmod +x /bin/apt-get`;
const DOCKERFILES = {
  bad: [
    'FROM stowaway-test/busybox:1',
    `LABEL ${TEST_LABEL}=${SUITE}`,
    FAKE_APT,
    'RUN apt-get update',
    'ADD notes.txt /opt/',
    `ENV API_TOKEN=${TOKEN}`,
    `RUN echo 'app:x:1000:1000::/tmp:/bin/sh' >> /etc/passwd`,
  ],
  good: [
    'FROM stowaway-test/busybox:1',
    `LABEL ${TEST_LABEL}=${SUITE}`,
    FAKE_APT,
    'RUN apt-get update && apt-get install -y curl',
    'COPY notes.txt /opt/',
    'ENV DB_PASSWORD_FILE=/run/secrets/db',
    `RUN echo 'app:x:1000:1000::/tmp:/bin/sh' >> /etc/passwd`,
    'USER app',
  ],
};

async function build(tag: string, lines: string[]): Promise<void> {
  const p = pack();
  p.entry({ name: 'Dockerfile' }, lines.join('\n') + '\n');
  p.entry({ name: 'notes.txt' }, 'release notes\n');
  p.finalize();
  const stream = await docker.buildImage(p as unknown as NodeJS.ReadableStream, {
    t: tag,
    rm: true,
    forcerm: true,
    networkmode: 'none',
  });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      const failed = err ?? out.find((o) => o.error);
      if (failed) reject(new Error(`build ${tag}: ${failed instanceof Error ? failed.message : failed.error}`));
      else resolve();
    }),
  );
}

beforeAll(async () => {
  await removeSuite(SUITE);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'stowaway-agentless-'));
  const sniffer = path.join(tmp, 'tcpdump');
  execFileSync('cc', ['-static', '-O2', '-o', sniffer, SOURCE], { stdio: 'pipe' });
  chmodSync(tmp, 0o755);
  await build(tags.bad, DOCKERFILES.bad);
  await build(tags.good, DOCKERFILES.good);
  const since = new Date(Date.now() - 1000);
  c.sniffer = await start({
    suite: SUITE,
    ready: true,
    hostConfig: { Binds: [`${sniffer}:/usr/local/bin/tcpdump:ro`] },
    cmd: script('/usr/local/bin/tcpdump > /tmp/out & sleep 0.3'),
  });
  c.pinger = await start({ suite: SUITE, ready: true, cmd: script('ping -q 127.0.0.1 > /dev/null 2>&1 & sleep 0.3') });
  const cgi = `mkdir -p /www/cgi-bin; printf '#!/bin/sh\\necho "Content-Type: text/plain"; echo; id; sleep 600\\n' > /www/cgi-bin/run; chmod +x /www/cgi-bin/run`;
  c.webshell = await start({
    suite: SUITE,
    image: WEB,
    ready: true,
    cmd: script(
      `${cgi}; httpd -f -p 127.0.0.1:8080 -h /www & sleep 0.3; (printf 'GET /cgi-bin/run HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 8080 > /dev/null &); sleep 0.8`,
    ),
  });
  c.webserver = await start({
    suite: SUITE,
    image: WEB,
    ready: true,
    cmd: script(
      `mkdir -p /www; echo ok > /www/index.html; httpd -f -p 127.0.0.1:8080 -h /www & sleep 0.3; printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 8080 > /dev/null`,
    ),
  });
  // The metadata address lives on the container's own loopback (its namespace, NET_ADMIN to add it): nothing leaves it.
  const imds = (addr: string) =>
    script(
      `ip addr add 169.254.169.254/32 dev lo; sleep 60 | nc -l -p 80 > /dev/null & sleep 0.3; sleep 60 | nc ${addr} 80 > /dev/null & sleep 0.3`,
    );
  c.imds = await start({
    suite: SUITE,
    ready: true,
    hostConfig: { CapAdd: ['NET_ADMIN'] },
    cmd: imds('169.254.169.254'),
  });
  c.localApi = await start({
    suite: SUITE,
    ready: true,
    hostConfig: { CapAdd: ['NET_ADMIN'] },
    cmd: imds('127.0.0.1'),
  });
  c.tunables = await start({
    suite: SUITE,
    ready: true,
    cmd: script('GLIBC_TUNABLES=glibc.malloc.mxfast=glibc.malloc.mxfast=AAAAAAAA sleep 3600 &'),
  });
  c.proxied = await start({ suite: SUITE, ready: true, cmd: script('HTTPS_PROXY=http://127.0.0.1:3128 sleep 3600 &') });
  c.corpProxy = await start({
    suite: SUITE,
    env: ['HTTPS_PROXY=http://127.0.0.1:3128', 'GLIBC_TUNABLES=glibc.malloc.arena_max=2'],
  });
  c.unlabelled = await start({ suite: SUITE, hostConfig: { SecurityOpt: ['label=disable'] } });
  c.badImage = await start({ suite: SUITE, image: tags.bad, env: ['DB_PASSWORD=s3cr3t-from-run'] });
  c.goodImage = await start({
    suite: SUITE,
    image: tags.good,
    env: ['POSTGRES_PASSWORD_FILE=/run/secrets/pg', 'DEBUG=true'],
  });
  c.rootOverride = await start({ suite: SUITE, image: tags.good, user: 'root' });
  evidence = await collect(
    Object.values(c).map((x) => x.id),
    since,
  );
  result = runDetectors(evidence, {
    only: [
      'packet-socket',
      'cloud-metadata-access',
      'process-env-abuse',
      'container-tooling',
      'image-build-hygiene',
      'security-profile-disabled',
      'runtime-hardening',
    ],
  });
}, 240_000);

afterAll(async () => {
  await removeSuite(SUITE);
  for (const t of Object.values(tags))
    await docker
      .getImage(t)
      .remove({ force: true })
      .catch(() => undefined);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('packet sockets (Falco: Packet socket created in container)', () => {
  it('reads /proc/net/packet host-side and attributes the socket to the sniffer', () => {
    const sockets = evidence.containers
      .find((x) => x.container.id === c.sniffer!.id)!
      .sockets.flatMap((s) => s.sockets);
    const packet = sockets.find((s) => s.protocol === 'packet');
    expect(packet?.localAddress, JSON.stringify(sockets)).toMatch(/^raw proto=0x0003 ifindex=0$/);
    expect(packet?.process).toBe('tcpdump');
  });

  it('packet-socket fires medium with the owner; ping (a raw IP socket) stays quiet', () => {
    const hits = on('sniffer', 'packet-socket');
    expect(hits.map((f) => [f.severity, f.cause])).toEqual([['medium', 'packet-socket']]);
    expect(hits[0]!.summary).toMatch(/tcpdump \(pid \d+\) .* holds a packet socket \(raw proto=0x0003/);
    expect(hits[0]!.attack).toEqual(['T1040', 'T1557.002']);
    expect(on('pinger', 'packet-socket')).toEqual([]);
  });
});

describe('cloud metadata (Falco: Contact cloud metadata service from container)', () => {
  it('a connection to 169.254.169.254 by nc is high, with its owner; the same talk to 127.0.0.1 is quiet', () => {
    const hits = on('imds', 'cloud-metadata-access');
    expect(
      hits.length,
      JSON.stringify(evidence.containers.find((x) => x.container.id === c.imds!.id)?.sockets.at(-1)?.sockets),
    ).toBeGreaterThan(0);
    // Both ends share the namespace here; the client's socket is the one whose peer is port 80.
    const client = hits.find((f) => /169\.254\.169\.254\]?:80,/.test(f.summary))!;
    expect([client.severity, client.attack]).toEqual(['high', ['T1552.005']]);
    expect(client.summary).toMatch(
      /^nc \(pid \d+\) in .* connected to .*169\.254\.169\.254:80, the cloud instance metadata/,
    );
    expect(on('localApi', 'cloud-metadata-access')).toEqual([]);
  });
});

describe('process environment (Falco incubating I10, I29)', () => {
  it('exploit-shaped GLIBC_TUNABLES is high, a proxy set at run time medium; both from Config.Env are quiet', () => {
    expect(on('tunables', 'process-env-abuse').map((f) => [f.cause, f.severity, f.attack])).toEqual([
      ['glibc-tunables-malformed', 'high', ['T1068']],
    ]);
    const proxy = on('proxied', 'process-env-abuse');
    expect(proxy.map((f) => [f.cause, f.severity])).toEqual([['proxy-env', 'medium']]);
    expect(proxy[0]!.summary).toMatch(
      /^sleep \(pid \d+\) in .* sends its traffic through http:\/\/127\.0\.0\.1:3128 \(HTTPS_PROXY\), a proxy the container configuration does not set\.$/,
    );
    expect(on('corpProxy', 'process-env-abuse')).toEqual([]);
  });
});

describe('process launch rules (Falco incubating and sandbox)', () => {
  it('a capture tool alive in the container is reported as network recon', () => {
    expect(on('sniffer', 'container-tooling').map((f) => [f.cause, f.severity])).toEqual([
      ['network-recon-tool', 'medium'],
    ]);
  });

  it('a CGI shell under httpd is a server-spawned shell (T1505.003); httpd started by a shell is not', () => {
    const hits = on('webshell', 'container-tooling');
    expect(
      hits.map((f) => [f.cause, f.severity]),
      JSON.stringify(
        evidence.containers
          .find((x) => x.container.id === c.webshell!.id)
          ?.processes.host?.processes.map((p) => [p.pid, p.ppid, p.comm, p.cmdline]),
      ),
    ).toEqual([['server-spawned-shell', 'high']]);
    expect(hits[0]!.attack).toEqual(['T1505.003', 'T1059.004']);
    expect(hits[0]!.summary).toMatch(/child of the web server httpd/);
    expect(on('webserver', 'container-tooling')).toEqual([]);
    expect(on('pinger', 'container-tooling')).toEqual([]);
  });
});

describe('engine settings from GET /info (CIS 5.1, 5.3)', () => {
  it('collects swarm state and security options, and an inactive swarm draws no 5.1 finding', () => {
    expect(evidence.info?.swarm).toBe('inactive');
    expect(evidence.info?.securityOptions.some((o) => o.startsWith('name=seccomp'))).toBe(true);
    expect(evidence.artifacts.some((a) => a.sourceCall.startsWith('GET /info'))).toBe(true);
    expect(result.findings.filter((f) => f.cause === 'cis-5.1')).toEqual([]);
  });

  it('label=disable is reported, low on an engine that does not enforce SELinux', () => {
    const hits = on('unlabelled', 'security-profile-disabled');
    expect(hits.map((f) => f.severity)).toEqual(['low']);
    expect(hits[0]!.summary).toMatch(/SELinux labelling disabled .* does not enforce SELinux/);
    expect(on('pinger', 'security-profile-disabled')).toEqual([]);
  });
});

describe('image build hygiene (CIS 4.1, 4.7, 4.9, 4.10) on images built here', () => {
  it('the careless image draws 4.7, 4.9 and 4.10 once each, and its token is never repeated', () => {
    const img = result.findings.filter(
      (f) =>
        f.detector === 'image-build-hygiene' &&
        f.evidence[0]?.ref.startsWith('sha256:') &&
        f.summary.includes(tags.bad),
    );
    expect(img.map((f) => f.cause).sort()).toEqual(['cis-4.10', 'cis-4.7', 'cis-4.9']);
    const secret = img.find((f) => f.cause === 'cis-4.10')!;
    expect([secret.severity, secret.attack]).toEqual(['medium', ['T1552.007']]);
    expect(JSON.stringify(all())).not.toContain(TOKEN.slice(4));
    expect(JSON.stringify(all())).not.toContain('s3cr3t-from-run');
  });

  it('containers: root although the image makes an account (low), root over the image USER (medium), a run-time password (low)', () => {
    expect(causes('badImage', 'image-build-hygiene')).toEqual(expect.arrayContaining(['cis-4.1', 'cis-4.10']));
    expect(on('badImage', 'image-build-hygiene').find((f) => f.cause === 'cis-4.1')?.severity).toBe('low');
    expect(on('rootOverride', 'image-build-hygiene').map((f) => [f.cause, f.severity])).toEqual([
      ['cis-4.1', 'medium'],
    ]);
  });

  it('the image built the way the benchmark asks, run as its own user, draws nothing', () => {
    expect(on('goodImage', 'image-build-hygiene')).toEqual([]);
    expect(
      result.findings.filter(
        (f) => f.detector === 'image-build-hygiene' && f.summary.includes(tags.good) && f.container === undefined,
      ),
    ).toEqual([]);
    // busybox images made with docker import have no build history and no other account: nothing to say about 4.1.
    expect(on('pinger', 'image-build-hygiene')).toEqual([]);
  });
});

describe('precision on the look-alikes', () => {
  it('no benign container draws any of these detectors at medium or above', () => {
    const scenarios: Scenario[] = [
      { detector: 'packet-socket', malicious: ['sniffer'], benign: ['pinger', 'webserver'] },
      { detector: 'cloud-metadata-access', malicious: ['imds'], benign: ['localApi', 'webserver'] },
      { detector: 'process-env-abuse', malicious: ['tunables', 'proxied'], benign: ['corpProxy', 'pinger'] },
      {
        detector: 'container-tooling',
        malicious: ['sniffer', 'webshell'],
        benign: ['pinger', 'webserver', 'goodImage'],
      },
      { detector: 'image-build-hygiene', malicious: ['badImage', 'rootOverride'], benign: ['goodImage', 'pinger'] },
    ];
    const scores = score(scenarios, (key) => on(key));
    reportScores('agentless-coverage', scores);
    for (const s of scores) expect([s.detector, s.precision, s.recall]).toEqual([s.detector, 1, 1]);
    for (const key of ['pinger', 'webserver', 'goodImage', 'corpProxy', 'localApi'])
      expect(
        on(key).filter((f) => severityRank(f.severity) >= severityRank('medium') && f.detector !== 'runtime-hardening'),
        key,
      ).toEqual([]);
  });
});
