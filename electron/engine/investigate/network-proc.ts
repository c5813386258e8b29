import { readFile, readdir, readlink } from 'node:fs/promises';
import type { SocketInfo } from '../../../shared/domain/network.js';

/**
 * Socket tables of a network namespace, read host-side from /proc/<pid>/net/* of one of its processes. Nothing runs
 * in the container, so a compromised container cannot hide a connection from this view by replacing its tools.
 */

const TCP_STATES: Record<string, SocketInfo['state']> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
};

/** /proc/net addresses are 32-bit words in host (little-endian) order: "0100007F:1F90" is 127.0.0.1:8080. */
export function decodeProcAddress(hex: string): { address: string; port: number } {
  const [addr = '', portHex = '0'] = hex.split(':');
  const port = parseInt(portHex, 16);
  const words = addr.match(/.{8}/g) ?? [];
  const bytes: number[] = [];
  for (const w of words) for (let i = 3; i >= 0; i--) bytes.push(parseInt(w.slice(i * 2, i * 2 + 2), 16));
  if (bytes.length === 4) return { address: bytes.join('.'), port };
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is shown as IPv4 so it matches the peer's view.
  if (bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return { address: bytes.slice(12).join('.'), port };
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return { address: compressV6(groups.join(':')), port };
}

function compressV6(full: string): string {
  const best = /(^|:)0(:0)+(:|$)/.exec(full);
  if (!best) return full;
  return `${full.slice(0, best.index)}::${full.slice(best.index + best[0].length)}`.replace(/^:::/, '::');
}

/** Parses one /proc/net/{tcp,tcp6,udp,udp6} table. */
export function parseProcNet(text: string, protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6', max = 100_000): SocketInfo[] {
  const out: SocketInfo[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length && out.length < max; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = decodeProcAddress(f[1]!);
    const remote = decodeProcAddress(f[2]!);
    const st = f[3]!.toUpperCase();
    const udp = protocol.startsWith('udp');
    const state: SocketInfo['state'] = udp ? (st === '01' ? 'ESTABLISHED' : 'UNCONN') : (TCP_STATES[st] ?? 'UNKNOWN');
    out.push({ protocol, localAddress: local.address, localPort: local.port, remoteAddress: remote.address, remotePort: remote.port, state, inode: Number(f[9]) || 0 });
  }
  return out;
}

/** Reads every socket table of the namespace process `pid` lives in. */
export async function readNamespaceSockets(pid: number, procRoot = '/proc'): Promise<SocketInfo[]> {
  const all: SocketInfo[] = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    const text = await readFile(`${procRoot}/${pid}/net/${proto}`, 'utf8').catch(() => '');
    all.push(...parseProcNet(text, proto));
  }
  return all;
}

/** Network namespace identity ("net:[4026532]") so containers sharing one are drawn once. */
export async function netnsOf(pid: number, procRoot = '/proc'): Promise<string | undefined> {
  return readlink(`${procRoot}/${pid}/ns/net`).catch(() => undefined);
}

/** Socket inode -> owning process, from the fd tables of the given host PIDs. */
export async function socketOwners(pids: number[], procRoot = '/proc'): Promise<Map<number, { pid: number; comm: string }>> {
  const owners = new Map<number, { pid: number; comm: string }>();
  await Promise.all(
    pids.slice(0, 2000).map(async (pid) => {
      const comm = (await readFile(`${procRoot}/${pid}/comm`, 'utf8').catch(() => '')).trim().slice(0, 256) || String(pid);
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
