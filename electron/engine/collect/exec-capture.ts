import type Docker from 'dockerode';
import { PassThrough, type Duplex } from 'node:stream';
import type { ProcessInfo, ProcessSnapshot } from '@shared/domain/process.js';
import { parseStat } from './proc-parse.js';

/**
 * Runs one read-only command inside a container and returns its stdout, bounded. This runs the
 * container's own binaries (which may be trojaned or missing) and leaves an exec_create event, so
 * collectors call it only when the analyst asked for it and no host-side read is possible.
 */
export async function execCapture(
  docker: Docker,
  containerId: string,
  cmd: string[],
  maxBytes = 8 * 1024 * 1024,
  timeoutMs = 15_000,
): Promise<{ stdout: string; exitCode: number | null }> {
  const exec = await docker
    .getContainer(containerId)
    .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false, User: '' });
  const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
  const out = new PassThrough();
  const err = new PassThrough();
  docker.modem.demuxStream(stream, out, err);
  err.resume();
  const chunks: Buffer[] = [];
  let size = 0;
  out.on('data', (c: Buffer) => {
    if (size < maxBytes) chunks.push(c);
    size += c.length;
    if (size >= maxBytes) stream.destroy();
  });
  // A command that never ends (a wedged /proc read, a trojaned cat) must not hold the connection open forever.
  const timer = setTimeout(() => stream.destroy(), timeoutMs);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  }).finally(() => clearTimeout(timer));
  const info = (await exec.inspect().catch(() => ({ ExitCode: null }))) as { ExitCode: number | null };
  return { stdout: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'), exitCode: info.ExitCode };
}

export const EXEC_PROC_SCRIPT = 'for d in /proc/[0-9]*; do cat "$d/stat" 2>/dev/null && echo; done';

/** The in-container process list read through exec: what the container's own procfs shows. */
export async function execProcessView(
  docker: Docker,
  containerId: string,
): Promise<{ snapshot: ProcessSnapshot; raw: string }> {
  const { stdout } = await execCapture(docker, containerId, ['/bin/sh', '-c', EXEC_PROC_SCRIPT]);
  return { snapshot: procSnapshot(containerId, stdout, 'exec'), raw: stdout };
}

/** /proc/PID/stat lines, as EXEC_PROC_SCRIPT prints them, into the in-container process view. */
export function procSnapshot(containerId: string, stdout: string, source: string): ProcessSnapshot {
  const processes: ProcessInfo[] = [];
  for (const line of stdout.split('\n')) {
    const st = line.trim() ? parseStat(line) : null;
    if (!st || !st.pid) continue;
    processes.push({ pid: st.pid, ppid: st.ppid, nsPid: st.pid, user: '', comm: st.comm, cmdline: '', flags: [] });
  }
  return { containerId, view: 'container', source, collectedAt: new Date().toISOString(), processes };
}

const MARK = '@@stowaway-net@@';

/** /proc/net tables of the container read through exec, split back per file. */
export async function execNetTables(
  docker: Docker,
  containerId: string,
): Promise<{ tables: Record<string, string>; raw: string }> {
  const script = ['tcp', 'tcp6', 'udp', 'udp6', 'unix', 'packet']
    .map((n) => `echo ${MARK}${n}; cat /proc/net/${n} 2>/dev/null`)
    .join('; ');
  const { stdout } = await execCapture(docker, containerId, ['/bin/sh', '-c', script]);
  const tables: Record<string, string> = {};
  for (const part of stdout.split(MARK).slice(1)) {
    const nl = part.indexOf('\n');
    tables[part.slice(0, nl)] = part.slice(nl + 1);
  }
  return { tables, raw: stdout };
}
