import type { Detector, Hit } from '../detector.js';
import { REVERSE_SHELL_PATTERNS, SHELLS } from '../lib/commands.js';
import { processesOf, runsAs } from '../lib/process.js';
import { oneLine, ref } from '../lib/refs.js';
import { endpoint, inodeOf, socketByInode } from '../lib/sockets.js';

/** Reverse and bind shells: an interpreter whose standard streams are a network socket, or a command line that builds one. */
export const reverseShell: Detector = {
  meta: {
    id: 'reverse-shell',
    title: 'Reverse or bind shell',
    strategy: ['ADS-c2-abuse', 'ADS-evasion'],
    attack: ['T1059.004', 'T1095'],
    severity: 'critical',
    kind: 'live',
    dataSources: [
      'host-side process list (cmdline, exe)',
      'host /proc/PID/fd 0-2 link targets',
      '/proc/net/tcp of the container network namespace',
    ],
    goal: 'Catch interactive command-and-control from a container: `nc -e`, `bash -i >& /dev/tcp/...`, socat/python/perl socket shells, and any shell whose stdin/stdout is a TCP socket.',
    blindSpots: [
      'Only shells alive at collection time are seen; a one-shot command over a socket that already exited leaves no process (a kernel sensor on dup2/connect is needed).',
      "Shells tunnelled through an encrypted implant (stdio on a pipe to the implant, not a socket) are seen only through the implant's own connections.",
      'stdio-on-socket needs host access to /proc; over a remote engine API only command-line patterns are checked.',
    ],
    falsePositives: [
      "Inetd-style services (busybox httpd, in.* daemons) hold each connection on a child's standard input and output: only shells and interpreters are judged by their stdio, so these are not reported.",
      'Debugging sessions (socat or nc used by an operator during maintenance). Suppress by image and `ref` glob (refs look like `pid:<pid>:<name>`, e.g. `pid:*:socat`) with an expiry date for maintenance windows.',
    ],
    response: [
      'Record the remote endpoint and isolate the container from the network (disconnect networks) before stopping it, to keep memory and process state.',
      'Walk the process tree up to the parent that spawned the shell (web server, cron, exec session) to find the entry point.',
      'Search other containers and hosts for connections to the same remote endpoint.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const { view, list } = processesOf(c);
      for (const p of list) {
        const cmd = p.cmdline || p.comm;
        const pattern = REVERSE_SHELL_PATTERNS.find(([re]) => re.test(cmd));
        const sockFds = (p.stdio ?? []).map(inodeOf).filter((i): i is number => i !== undefined);
        // A multi-call binary (busybox) runs as its applet: syslogd is not a shell because its exe is busybox.
        const name = runsAs(p);
        const isShell =
          (SHELLS.has(name) && name !== 'busybox') || /^(python[0-9.]*|perl|ruby|php|node|lua)$/.test(name);
        const sock = sockFds.map((i) => socketByInode(c, i)).find((s) => s !== undefined);
        // A daemon whose stdio is a unix socket (syslogd on /dev/log) talks to local peers: only a network socket
        // counts. Inetd-style servers (busybox httpd's per-connection child, in.* services) hold their connection on
        // stdio by design: only shells and interpreters are judged by it. Without socket tables any socket counts.
        const stdioOnSocket = isShell && (sock !== undefined || (sockFds.length > 0 && c.sockets.length === 0));
        if (!pattern && !stdioOnSocket) continue;
        const remote =
          sock && sock.state !== 'LISTEN'
            ? ` connected to ${endpoint(sock, 'remote')}`
            : sock
              ? ` listening on ${endpoint(sock, 'local')}`
              : '';
        const why = pattern ? pattern[1] : 'standard input/output are a network socket';
        const evidence = [
          ref(
            'process',
            `pid ${p.pid}`,
            `${view} view: ${oneLine(cmd, 300)}${p.stdio ? ` | fd0-2: ${p.stdio.join(', ')}` : ''}`,
          ),
        ];
        if (sock)
          evidence.push(
            ref(
              'socket',
              `${sock.protocol} ${endpoint(sock, 'local')} -> ${endpoint(sock, 'remote')}`,
              `${sock.state} inode ${sock.inode}`,
            ),
          );
        hits.push({
          container: c,
          ref: `pid:${p.pid}:${name}`,
          summary: `Process ${oneLine(p.comm || name, 60)} (pid ${p.pid}) in ${c.container.name} looks like a remote shell: ${why}${remote}.`,
          evidence,
          attack: sock || stdioOnSocket ? ['T1059.004', 'T1095'] : ['T1059.004'],
        });
      }
    }
    return hits;
  },
};
