import { SEVERITIES, severityRank, type Severity } from '@shared/domain/finding.js';

/** What a process's command line makes of it: a tunnel or proxy, how bad, and the techniques. */
export interface TunnelUse {
  /** Stable part of the finding's ref: the tool and the kind of use (`ssh:-R`, `chisel`, `socat:relay`). */
  kind: string;
  what: string;
  severity: Severity;
  attack: string[];
}

/** One step less severe (low stays low): a tunnel that is what its container or workload was made to run. */
export const milder = (s: Severity): Severity => SEVERITIES[Math.max(0, severityRank(s) - 1)]!;

/** Tools whose only purpose is to carry traffic through a tunnel or proxy out of (or into) a network. */
const OFFENSIVE: Array<{ names: RegExp; what: string; attack: string[] }> = [
  {
    names:
      /^(chisel|ngrok|frpc|frps|bore|gost|rathole|revsocks|rsocx|ligolo(-ng)?|ligolo-agent|agent-ligolo|sshuttle|pivotnacci|tun2socks|wstunnel|udp2raw|reverse_ssh|rssh)$/,
    what: 'a tunnelling tool',
    attack: ['T1572', 'T1090'],
  },
  {
    names: /^(iodine|iodined|dnscat2?|dnscat2-server|dns2tcpc|dns2tcpd|dnstt-client|dnstt-server)$/,
    what: 'a DNS tunnel',
    attack: ['T1572', 'T1071.004'],
  },
  {
    names: /^(ptunnel|ptunnel-ng|hans|icmptunnel|icmpsh)$/,
    what: 'an ICMP tunnel',
    attack: ['T1572', 'T1095'],
  },
];

/** VPN and managed-tunnel agents: legitimate as a sidecar by design, a tunnel out when started later. */
const AGENTS = /^(openvpn|wireguard-go|wg-quick|tailscaled|zerotier-one|cloudflared|stunnel[0-9]*|autossh)$/;
/** SOCKS proxies: whoever reaches the port uses the container's network position. */
const SOCKS = /^(microsocks|3proxy|sockd|danted|ssocks)$/;

/** ssh short options that take an argument (OpenSSH 9). */
const SSH_ARG = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));
const SSH_FORWARD: Record<string, { what: string; severity: Severity; attack: string[] }> = {
  R: {
    what: 'an ssh remote port forward (-R): a port on another host leads into this container',
    severity: 'high',
    attack: ['T1572'],
  },
  D: { what: 'an ssh SOCKS proxy (-D)', severity: 'high', attack: ['T1090', 'T1572'] },
  w: { what: 'an ssh tun device (-w): a VPN over ssh', severity: 'high', attack: ['T1572'] },
  L: { what: 'an ssh local port forward (-L)', severity: 'medium', attack: ['T1572'] },
};
const SSH_OPTION_FORWARD: Record<string, string> = {
  remoteforward: 'R',
  dynamicforward: 'D',
  tunnel: 'w',
  localforward: 'L',
};

/** The forwards an ssh (or autossh, dropbear's dbclient, plink) command line asks for; options end at the destination. */
export function sshForwards(args: string[]): string[] {
  const found = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--' || !a.startsWith('-') || a.length < 2) break;
    for (let k = 1; k < a.length; k++) {
      const f = a[k]!;
      if (f in SSH_FORWARD) found.add(f);
      if (!SSH_ARG.has(f)) continue;
      const value = k + 1 < a.length ? a.slice(k + 1) : (args[++i] ?? '');
      if (f === 'o') {
        const key = /^\s*([A-Za-z]+)\s*[= ]/.exec(value)?.[1]?.toLowerCase() ?? value.toLowerCase();
        const fwd = SSH_OPTION_FORWARD[key];
        // `Tunnel=no` asks for nothing.
        if (fwd && !(fwd === 'w' && /=\s*no\b/i.test(value))) found.add(fwd);
      }
      break;
    }
  }
  return ['R', 'D', 'w', 'L'].filter((f) => found.has(f));
}

const SOCAT_NET =
  /^(tcp|tcp4|tcp6|tcp-listen|tcp4-listen|tcp6-listen|tcp-l|udp|udp4|udp6|udp-listen|udp-l|udp-recvfrom|openssl|openssl-listen|ssl|ssl-l|sctp|sctp-listen|socks4a?|socks5|proxy|proxy-connect|vsock-connect|vsock-listen)[:,]/i;
const ENGINE_SOCKET = /(docker|containerd|crio|podman)\.sock\b/;

/** A socat command line that joins two endpoints (a relay), as opposed to a client with one end on stdio. */
function socatRelay(args: string[]): TunnelUse | undefined {
  const addrs = args.filter((a) => !a.startsWith('-') || a === '-');
  if (addrs.length < 2) return undefined;
  const [a, b] = addrs.slice(-2) as [string, string];
  // EXEC/SYSTEM ends are shells on a socket: the reverse-shell detector's case.
  if ([a, b].some((x) => /^(exec|system|stdio|stdin|stdout|-)(:|$)/i.test(x))) return undefined;
  const net = [a, b].filter((x) => SOCAT_NET.test(x));
  if (net.length && [a, b].some((x) => ENGINE_SOCKET.test(x)))
    return {
      kind: 'socat:engine-socket',
      what: "a socat relay between the network and a container engine's socket: whoever reaches it controls the engine",
      severity: 'critical',
      attack: ['T1090', 'T1611'],
    };
  if (net.length < 2) return undefined;
  const listens = (x: string) => /^[a-z0-9]+-(listen|l|recvfrom)[:,]/i.test(x);
  const connects = [a, b].filter((x) => !listens(x));
  // Both ends connect: out to one host and on to another (often this container's own sshd), a reverse tunnel.
  if (connects.length === 2)
    return {
      kind: 'socat:reverse-relay',
      what: 'a socat relay that connects out and joins the connection to another endpoint (a reverse tunnel)',
      severity: 'high',
      attack: ['T1572', 'T1090'],
    };
  const toLoopback = connects.every((x) => /[:,\[](127\.|localhost\b|::1\b)/i.test(x));
  return {
    kind: 'socat:relay',
    what: toLoopback
      ? 'a socat port forward to a service on loopback'
      : 'a socat port forward to another host (a pivot)',
    severity: toLoopback ? 'low' : 'medium',
    attack: ['T1090'],
  };
}

/** What `names` (exe basename, comm, argv[0] basename) and `args` (argv after the program) make of a process. */
export function tunnelUse(names: string[], args: string[]): TunnelUse | undefined {
  const has = (re: RegExp) => names.find((n) => re.test(n));
  for (const o of OFFENSIVE) {
    const tool = has(o.names);
    if (tool) return { kind: tool, what: `${o.what} (${tool})`, severity: 'high', attack: o.attack };
  }
  const ssh = has(/^(ssh|autossh|dbclient|plink)$/);
  if (ssh) {
    const fwd = sshForwards(ssh === 'autossh' ? args.filter((a, i) => !(a === '-M' || args[i - 1] === '-M')) : args);
    if (fwd.length) {
      const worst = SSH_FORWARD[fwd[0]!]!;
      return {
        kind: `ssh:-${fwd.join('')}`,
        what: fwd.map((f) => SSH_FORWARD[f]!.what).join('; '),
        severity: worst.severity,
        attack: [...new Set(fwd.flatMap((f) => SSH_FORWARD[f]!.attack))],
      };
    }
    if (ssh === 'autossh')
      return { kind: 'autossh', what: 'autossh (keeps an ssh session up)', severity: 'medium', attack: ['T1572'] };
    return undefined;
  }
  if (has(/^socat$/)) return socatRelay(args);
  // OpenBSD netcat's -x and ncat's --proxy send the connection through a SOCKS or HTTP proxy.
  const nc = has(/^(nc|ncat|netcat)$/);
  if (nc && args.some((a, i) => /^--proxy(=|$)/.test(a) || (a === '-x' && args[i + 1])))
    return { kind: `${nc}:proxy`, what: `${nc} through a proxy`, severity: 'medium', attack: ['T1090'] };
  const agent = has(AGENTS);
  // cloudflared does other things (DNS proxy, access) besides tunnels.
  if (agent && (agent !== 'cloudflared' || args.includes('tunnel')))
    return { kind: agent, what: `a VPN or tunnel agent (${agent})`, severity: 'medium', attack: ['T1572'] };
  const socks = has(SOCKS);
  if (socks) return { kind: socks, what: `a SOCKS proxy (${socks})`, severity: 'medium', attack: ['T1090'] };
  return undefined;
}
