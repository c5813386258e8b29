import { readFile } from 'node:fs/promises';
import type { SocketInfo } from '@shared/domain/network.js';
import { cmdlineOf, parseStat } from '../collect/proc-parse.js';
import { parseNetTables, readNetTables } from '../collect/sockets.js';

export interface ProcTick {
  pid: number;
  ppid: number;
  comm: string;
  cpuTicks: number;
  startTicks: number;
  rssPages: number;
}

export interface ContainerTick {
  at: number;
  procs: ProcTick[];
  sockets?: SocketInfo[];
  rxBytes: number;
  txBytes: number;
}

/** Receive and transmit bytes over every interface but loopback, from one namespace's /proc/PID/net/dev. */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest || name!.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    rx += f[0] || 0;
    tx += f[8] || 0;
  }
  return { rx, tx };
}

/**
 * One host-side sample of one container: stat of every PID (CPU ticks, RSS, start time), and the socket tables
 * and interface counters of its network namespace. Nothing runs in the container; a PID that exits mid-read is skipped.
 */
export async function hostTick(procRoot: string, pids: number[]): Promise<ContainerTick> {
  const at = Date.now();
  const stats = await Promise.all(
    pids.map((pid) => readFile(`${procRoot}/${pid}/stat`, 'utf8').then(parseStat, () => null)),
  );
  const procs = stats
    .filter((s): s is NonNullable<typeof s> => s !== null)
    .map(({ pid, ppid, comm, cpuTicks, startTicks, rssPages }) => ({
      pid,
      ppid,
      comm,
      cpuTicks,
      startTicks,
      rssPages,
    }));
  const netPid = procs[0]?.pid;
  if (netPid === undefined) return { at, procs, rxBytes: 0, txBytes: 0 };
  const [net, dev] = await Promise.all([
    readNetTables(procRoot, netPid).catch(() => undefined),
    readFile(`${procRoot}/${netPid}/net/dev`, 'utf8').catch(() => ''),
  ]);
  const { rx, tx } = parseNetDev(dev);
  return { at, procs, sockets: net ? parseNetTables(net.tables) : undefined, rxBytes: rx, txBytes: tx };
}

/** argv of a PID first seen in a sample; read once per process, not once per sample. */
export const hostCmdline = (procRoot: string, pid: number): Promise<string> =>
  readFile(`${procRoot}/${pid}/cmdline`).then(cmdlineOf, () => '');
