import type { ProcessInfo } from '@shared/domain/process.js';
import type { Detector, Hit } from '../detector.js';
import { exeBase, firstProcess, namesOf, processesOf, runsAs } from '../lib/process.js';
import { oneLine, ref } from '../lib/refs.js';
import { endpoint, socketByInode } from '../lib/sockets.js';
import { pipelineEdges } from './shell-pipeline.js';
import { milder, tunnelUse } from './tunnel-tools.js';

/** The arguments after the program; for a script (`sh /usr/local/bin/chisel client ...`), after the script. */
function argsOf(p: ProcessInfo, names: string[]): string[] {
  const argv = p.cmdline.split(' ').filter(Boolean);
  const at = argv.findIndex((a, i) => i > 0 && names.includes(exeBase(a)) && exeBase(a) === p.comm);
  return argv.slice(at > 0 ? at + 1 : 1);
}

const NETCAT = /^(nc|ncat|netcat)$/;

/** Two netcats joined by a pipe or named pipe (`nc -l -p 9000 < f | nc 10.0.0.5 22 > f`): a relay, no shell in it. */
function netcatRelay(list: ProcessInfo[], byPid: Map<number, ProcessInfo>): [ProcessInfo, ProcessInfo] | undefined {
  for (const [from, to] of pipelineEdges(list)) {
    const a = byPid.get(from);
    if (!a || !NETCAT.test(runsAs(a))) continue;
    const b = to.find((x) => NETCAT.test(runsAs(x)));
    if (b) return [a, b];
  }
  return undefined;
}

/**
 * Tunnels and proxies running in containers: ssh port forwards and SOCKS proxies, the tunnelling tools attackers
 * bring (chisel, ngrok, frp, ligolo, DNS and ICMP tunnels), socat relays, and VPN agents started after the fact.
 */
export const tunnel: Detector = {
  meta: {
    id: 'tunnel',
    title: 'Tunnel or proxy running in a container',
    strategy: ['ADS-c2-abuse', 'ADS-evasion'],
    attack: ['T1572', 'T1090', 'T1071.004', 'T1095', 'T1611'],
    severity: 'high',
    kind: 'live',
    dataSources: [
      'host-side process list of the container (exe link, comm, cmdline, ppid), or the in-container view',
      '/proc/net of the container network namespace, to name the tunnel process endpoints',
    ],
    goal: "Find command and control and lateral movement carried through a tunnel from a container: an ssh client with remote (-R), dynamic (-D), tun (-w) or local (-L) forwards, tunnelling tools (chisel, ngrok, frp, bore, gost, ligolo, rathole, sshuttle, wstunnel), DNS tunnels (iodine, dnscat2, dns2tcp, dnstt), ICMP tunnels (ptunnel, hans), socat relays (a reverse relay, a pivot to another host, or the engine's socket put on the network), two netcats joined by a pipe (a relay), netcat through a proxy, SOCKS proxies, and VPN agents.",
    blindSpots: [
      'Only processes alive at collection; with `--observe`, every sample counts.',
      'Judged by name and command line: a renamed tunnel binary, or a tunnel built into an implant, is seen only through its connections (outbound-nonstandard-port, beaconing).',
      'Forwards set in an ssh config file (`~/.ssh/config`) rather than on the command line are not seen.',
      'A tunnel over a standard port to an ordinary-looking host looks like any other HTTPS client on the wire; the process is what gives it away.',
    ],
    falsePositives: [
      "Tunnel and VPN sidecars by design (cloudflared, tailscale, openvpn, stunnel, a socat port proxy): when the tunnel is the container's own first process its finding is one step milder (a socat proxy to loopback and a sidecar agent then are low); suppress by image and `ref` (`tunnel:<kind>`).",
      'Operators forwarding a port with ssh -L during maintenance: medium; suppress by image and `ref` with an expiry.',
      'ssh used as a client (git over ssh, a remote command, scp) asks for no forward and is not reported.',
    ],
    response: [
      "Record the tunnel's remote endpoint and the ports it exposes, then cut the container off the network (disconnect its networks) before stopping it.",
      'Walk the process tree up to what started the tunnel (an exec session, a web server, cron) and check the audit log or engine events for who did.',
      'Search other containers, hosts and egress logs for connections to the same endpoint; a reverse forward means the far host could reach into this network.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const { view, list } = processesOf(c);
      const byPid = new Map(list.map((p) => [p.pid, p]));
      // The container's own first process is what it was started for: a tunnel sidecar by design, or an attacker's
      // tunnel container; a tunnel started later inside another service is the worse case.
      const first = firstProcess(list);
      const seen = new Set<string>();
      const relay = netcatRelay(list, byPid);
      if (relay) {
        seen.add('nc:relay');
        hits.push({
          container: c,
          ref: 'tunnel:nc:relay',
          cause: 'nc:relay',
          summary: `${c.container.name} relays one netcat into another (pid ${relay[0].pid} → pid ${relay[1].pid}): ${oneLine(relay[0].cmdline, 80)} | ${oneLine(relay[1].cmdline, 80)}. What one side receives goes out of the other, a port forward or pivot.`,
          evidence: relay.map((p) =>
            ref(
              'process',
              `pid ${p.pid}`,
              `${view} view: ${oneLine(p.cmdline || p.comm, 300)}; fd0-2: ${(p.stdio ?? []).join(', ')}`,
            ),
          ),
          severity: 'medium',
          attack: ['T1090'],
        });
      }
      for (const p of list) {
        const names = namesOf(p);
        const use = tunnelUse(names, argsOf(p, names));
        if (!use || seen.has(use.kind)) continue;
        seen.add(use.kind);
        const own = p === first;
        const sockets = (p.socketInodes ?? [])
          .map((i) => socketByInode(c, i))
          .filter((s) => s !== undefined)
          .slice(0, 8);
        const evidence = [
          ref(
            'process',
            `pid ${p.pid}`,
            `${view} view: ${oneLine(p.cmdline || p.comm, 300)}; exe ${oneLine(p.exe ?? '?', 200)}; user ${p.user}`,
          ),
          ...sockets.map((s) =>
            ref(
              'socket',
              `${s.protocol} ${endpoint(s, 'local')} -> ${endpoint(s, 'remote')}`,
              `${s.state} inode ${s.inode}`,
            ),
          ),
        ];
        const peers = sockets.filter((s) => s.state !== 'LISTEN').map((s) => endpoint(s, 'remote'));
        hits.push({
          container: c,
          ref: `tunnel:${use.kind}`,
          cause: use.kind,
          summary: `${c.container.name} runs ${use.what}: pid ${p.pid}, ${oneLine(p.cmdline || p.comm, 160)}${peers.length ? `; connected to ${peers.slice(0, 3).join(', ')}` : ''}${own ? ". It is the container's own first process" : ''}.`,
          evidence,
          severity: own ? milder(use.severity) : use.severity,
          attack: use.attack,
        });
      }
    }
    return hits;
  },
};
