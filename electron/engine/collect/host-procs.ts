import { lstatSync, readdirSync, statfsSync } from 'node:fs';
import path from 'node:path';
import type { NamespaceIds, ProcessFlag, ProcessInfo, ProcessSnapshot } from '@shared/domain/process.js';
import { cmdlineOf, containerIdOfCgroup, parseStat, parseStatus } from './proc-parse.js';
import { readNoFollowSync } from './safe-read.js';
import { bufSync, linkSync, namesSync, textSync, yielder } from './sync-fs.js';

const PROC_SUPER_MAGIC = 0x9fa0;

/** Environment variables that change how a process loads code or keeps history; the rest of environ is never kept. */
export const WATCHED_ENV = [
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'LD_AUDIT',
  'HISTFILE',
  'HISTSIZE',
  'HISTFILESIZE',
  'HISTCONTROL',
  'PROMPT_COMMAND',
  // The loader's tunables (CVE-2023-4911) and the proxies a program's traffic is sent through.
  'GLIBC_TUNABLES',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
] as const;

const MAX_SOCKET_INODES = 4096;
const MAX_FD_PATHS = 32;
/** Files behind fds that never carry a pipeline between processes. */
const NOT_A_CHANNEL = /^\/(proc|sys)\/|^\/dev\/(null|zero|u?random|pts\/|tty|console|full)/;
const TMP_DIRS = ['/tmp/', '/dev/shm/', '/var/tmp/', '/run/', '/var/run/'];

const numeric = (names: string[]) => names.filter((n) => /^\d+$/.test(n)).map(Number);

/**
 * Which host PIDs belong to which container, from every process's cgroup file. One pass over the host's
 * /proc costs a few milliseconds (read on this thread, a few hundred files between turns of the event loop)
 * and replaces one `top` call per container.
 */
export async function hostPidIndex(procRoot = '/proc'): Promise<Map<string, number[]>> {
  const pids = numeric(namesSync(procRoot));
  const index = new Map<string, number[]>();
  const tick = yielder(256);
  for (const pid of pids) {
    await tick();
    const cgroup = textSync(`${procRoot}/${pid}/cgroup`);
    const id = cgroup ? containerIdOfCgroup(cgroup) : undefined;
    if (!id) continue;
    const list = index.get(id) ?? [];
    list.push(pid);
    index.set(id, list);
  }
  return index;
}

/** Seconds since boot, read fresh: it turns a process's start tick into its age for a lifetime CPU average. */
function uptimeSeconds(procRoot: string): number {
  return Number((textSync(`${procRoot}/uptime`) ?? '').split(' ')[0]) || 0;
}

let bootTimeMs: number | undefined;
function bootTime(procRoot: string): number {
  if (bootTimeMs === undefined) {
    const stat = textSync(`${procRoot}/stat`) ?? '';
    bootTimeMs = (Number(/^btime (\d+)/m.exec(stat)?.[1]) || 0) * 1000;
  }
  return bootTimeMs;
}
// Linux reports start times in USER_HZ, which is 100 on every architecture Docker runs on.
const CLK_TCK = 100;

/** CPU share over the process's whole life (what ps prints as %CPU): cheap, and enough to spot a busy miner. */
export function lifetimeCpu(cpuTicks: number, startTicks: number, uptime: number): number | undefined {
  const age = uptime - startTicks / CLK_TCK;
  if (age <= 0) return undefined;
  return Math.round((cpuTicks / CLK_TCK / age) * 100 * 10) / 10;
}

/** Flags one process earns from what its exe, argv and stdio look like. */
export function processFlags(p: Pick<ProcessInfo, 'exe' | 'cmdline' | 'stdio'>): ProcessFlag[] {
  const flags: ProcessFlag[] = [];
  const exe = p.exe ?? '';
  if (exe.endsWith(' (deleted)')) flags.push('deleted-exe');
  if (exe.startsWith('/memfd:')) flags.push('memfd');
  if (TMP_DIRS.some((d) => exe.startsWith(d))) flags.push('tmp-exe');
  if (p.stdio?.some((t) => t.startsWith('socket:['))) flags.push('socket-stdio');
  // Kernel threads have no argv and never live in a container: a bracketed argv there is a disguise.
  if (/^\[[^\]]*\]\s*$/.test(p.cmdline)) flags.push('kernel-thread-name');
  return flags;
}

/** Everything the host can read about one PID without touching the container: exe, argv, stdio, sockets, env. */
export async function readHostProcess(procRoot: string, pid: number, nsDepth?: number): Promise<ProcessInfo | null> {
  return readHostProcessSync(procRoot, pid, nsDepth, uptimeSeconds(procRoot));
}

/** readHostProcess with small blocking reads: a process is two dozen procfs files of a few hundred bytes. */
function readHostProcessSync(
  procRoot: string,
  pid: number,
  nsDepth: number | undefined,
  uptime: number,
): ProcessInfo | null {
  const dir = `${procRoot}/${pid}`;
  const statusText = textSync(`${dir}/status`);
  const statText = textSync(`${dir}/stat`);
  const cmdRaw = bufSync(`${dir}/cmdline`);
  const exe = linkSync(`${dir}/exe`);
  const environ = bufSync(`${dir}/environ`);
  const fdNames = namesSync(`${dir}/fd`);
  const ns = namespacesSync(procRoot, pid);
  if (!statusText || !statText) return null; // exited between listing and reading
  const status = parseStatus(statusText);
  const stat = parseStat(statText);
  const fds = numeric(fdNames);
  const targets = fds.slice(0, MAX_SOCKET_INODES + 3).map((fd) => linkSync(`${dir}/fd/${fd}`));
  const stdio: string[] = [];
  const socketInodes: number[] = [];
  const fdPaths: string[] = [];
  fds.forEach((fd, i) => {
    const t = targets[i];
    if (!t) return;
    if (fd <= 2) stdio[fd] = t.slice(0, 512);
    else if (t.startsWith('/') && !NOT_A_CHANNEL.test(t) && fdPaths.length < MAX_FD_PATHS && t.length <= 512)
      fdPaths.push(t);
    const m = /^socket:\[(\d+)\]$/.exec(t);
    if (m && socketInodes.length < MAX_SOCKET_INODES) socketInodes.push(Number(m[1]));
  });
  const env = environ ? selectEnv(environ) : undefined;
  const cmdline = cmdRaw ? cmdlineOf(cmdRaw) : '';
  const info: ProcessInfo = {
    pid,
    ppid: status.ppid,
    nsPid: status.nsPids.length
      ? status.nsPids[Math.min(nsDepth ?? status.nsPids.length, status.nsPids.length) - 1]
      : undefined,
    user: String(status.uid),
    comm: status.name || stat?.comm || '',
    cmdline,
    exe: exe ?? undefined,
    startTime: stat ? new Date(bootTime(procRoot) + (stat.startTicks / CLK_TCK) * 1000).toISOString() : undefined,
    flags: [],
    stdio: [0, 1, 2].map((i) => stdio[i] ?? ''),
    socketInodes,
    fdPaths: fdPaths.length ? fdPaths : undefined,
    env,
    rssBytes: stat ? stat.rssPages * 4096 : undefined,
    cpuPercent: stat ? lifetimeCpu(stat.cpuTicks, stat.startTicks, uptime) : undefined,
    ns,
  };
  info.flags = processFlags(info);
  return info;
}

function selectEnv(raw: Buffer): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const kv of raw.toString('utf8').split('\0')) {
    const eq = kv.indexOf('=');
    if (eq <= 0) continue;
    const k = kv.slice(0, eq);
    if ((WATCHED_ENV as readonly string[]).includes(k)) out[k] = kv.slice(eq + 1, eq + 1 + 1024);
  }
  return Object.keys(out).length ? out : undefined;
}

/** Host-side process view of a container from its PIDs; the container cannot lie to this view. */
export async function hostProcessSnapshot(
  procRoot: string,
  containerId: string,
  pids: number[],
  nsDepth?: number,
): Promise<ProcessSnapshot> {
  const hostNs = await hostNamespaces(procRoot);
  const uptime = uptimeSeconds(procRoot);
  const tick = yielder(64);
  const rows: (ProcessInfo | null)[] = [];
  for (const pid of pids) {
    await tick();
    rows.push(readHostProcessSync(procRoot, pid, nsDepth, uptime));
  }
  return {
    containerId,
    view: 'host',
    source: `host:${procRoot}`,
    collectedAt: new Date().toISOString(),
    processes: rows.filter((r): r is ProcessInfo => r !== null).sort((a, b) => a.pid - b.pid),
    hostNs,
  };
}

const hostNsByRoot = new Map<string, Promise<NamespaceIds | undefined>>();

/**
 * The host's namespaces: those of PID 1, or, where PID 1 refuses even root (some VM init processes do), our
 * own: reading the host's /proc for a local engine means we run in the host's namespaces.
 */
function hostNamespaces(procRoot: string): Promise<NamespaceIds | undefined> {
  // They do not change while we run: read once, not once per container of every scan.
  let known = hostNsByRoot.get(procRoot);
  if (!known) {
    known = namespacesOf(procRoot, 1).then(async (init) =>
      init?.mnt ? init : ((await namespacesOf(procRoot, 'self')) ?? init),
    );
    hostNsByRoot.set(procRoot, known);
  }
  return known;
}

/** The pid, mnt and net namespace identities of a process, from the targets of its /proc/PID/ns links. */
export async function namespacesOf(procRoot: string, pid: number | 'self'): Promise<NamespaceIds | undefined> {
  return namespacesSync(procRoot, pid);
}

function namespacesSync(procRoot: string, pid: number | 'self'): NamespaceIds | undefined {
  const [pidNs, mnt, net] = ['pid', 'mnt', 'net'].map((n) => linkSync(`${procRoot}/${pid}/ns/${n}`));
  if (!pidNs && !mnt && !net) return undefined;
  return {
    pid: pidNs?.slice(0, 64) ?? undefined,
    mnt: mnt?.slice(0, 64) ?? undefined,
    net: net?.slice(0, 64) ?? undefined,
  };
}

/**
 * The container's own procfs, reached from the host through /proc/PID/root (its mount namespace): what
 * `ps` inside the container would show, including any bind mount that hides a PID, without running anything.
 * PIDs here are namespace PIDs.
 */
export async function containerProcView(
  procRoot: string,
  hostPid: number,
  containerId: string,
): Promise<ProcessSnapshot> {
  const base = path.posix.join(procRoot, String(hostPid), 'root', 'proc');
  // The container decides what its /proc is: only a real procfs (not a symlink, not a planted directory) counts.
  const st = lstatSync(base);
  const fs = statfsSync(base);
  if (!st.isDirectory() || fs.type !== PROC_SUPER_MAGIC) throw new Error(`${base} is not a procfs mount`);
  const pids = numeric(readdirSync(base));
  const read = (p: string, max: number) => readNoFollowSync(p, max)?.data ?? null;
  const tick = yielder(64);
  const rows: ProcessInfo[] = [];
  for (const pid of pids.slice(0, 100_000)) {
    await tick();
    const statusText = read(`${base}/${pid}/status`, 64 * 1024)?.toString('utf8');
    const cmdRaw = read(`${base}/${pid}/cmdline`, 64 * 1024);
    // A PID whose directory was covered by a mount reads as empty: the container cannot see it.
    if (!statusText) continue;
    const st = parseStatus(statusText);
    const cmdline = cmdRaw ? cmdlineOf(cmdRaw) : '';
    rows.push({ pid, ppid: st.ppid, nsPid: pid, user: String(st.uid), comm: st.name, cmdline, flags: [] });
  }
  return {
    containerId,
    view: 'container',
    source: `host:${base}`,
    collectedAt: new Date().toISOString(),
    processes: rows.sort((a, b) => a.pid - b.pid),
  };
}
