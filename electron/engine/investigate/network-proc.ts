import { readFile, readdir, readlink } from 'node:fs/promises';
import type { SocketInfo } from '@shared/domain/network.js';
import { parseProcNet } from '../collect/proc-parse.js';

/**
 * Socket tables of a network namespace, read host-side from /proc/<pid>/net/* of one of its processes. Nothing runs
 * in the container, so a compromised container cannot hide a connection from this view by replacing its tools.
 */

/** The graph matches the two ends of a connection by address: IPv4-mapped IPv6 reads as IPv4 so both ends agree. */
export const unmapIpv4 = (address: string): string => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

/** One /proc/net table in the graph's address form. */
export function parseGraphSockets(text: string, protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6'): SocketInfo[] {
  return parseProcNet(text, protocol).map((s) => ({
    ...s,
    localAddress: unmapIpv4(s.localAddress),
    remoteAddress: unmapIpv4(s.remoteAddress),
  }));
}

/** Reads every socket table of the namespace process `pid` lives in. */
export async function readNamespaceSockets(pid: number, procRoot = '/proc'): Promise<SocketInfo[]> {
  const all: SocketInfo[] = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    const text = await readFile(`${procRoot}/${pid}/net/${proto}`, 'utf8').catch(() => '');
    all.push(...parseGraphSockets(text, proto));
  }
  return all;
}

/** Network namespace identity ("net:[4026532]") so containers sharing one are drawn once. */
export async function netnsOf(pid: number, procRoot = '/proc'): Promise<string | undefined> {
  return readlink(`${procRoot}/${pid}/ns/net`).catch(() => undefined);
}

/** Socket inode -> owning process, from the fd tables of the given host PIDs. */
export async function socketOwners(
  pids: number[],
  procRoot = '/proc',
): Promise<Map<number, { pid: number; comm: string }>> {
  const owners = new Map<number, { pid: number; comm: string }>();
  await Promise.all(
    pids.slice(0, 2000).map(async (pid) => {
      const comm =
        (await readFile(`${procRoot}/${pid}/comm`, 'utf8').catch(() => '')).trim().slice(0, 256) || String(pid);
      const fds = await readdir(`${procRoot}/${pid}/fd`).catch(() => [] as string[]);
      await Promise.all(
        fds.slice(0, 4096).map(async (fd) => {
          const target = await readlink(`${procRoot}/${pid}/fd/${fd}`).catch(() => '');
          const m = /^socket:\[(\d+)\]$/.exec(target);
          if (m && !owners.has(Number(m[1]))) owners.set(Number(m[1]), { pid, comm });
        }),
      );
    }),
  );
  return owners;
}
