import type { NetworkSnapshot, SocketInfo } from '@shared/domain/network.js';
import type { ProcessInfo } from '@shared/domain/process.js';
import { parseProcNet, parseProcNetPacket, parseProcNetUnix } from './proc-parse.js';
import { textPooled, textSync } from './sync-fs.js';

export const NET_FILES = ['tcp', 'tcp6', 'udp', 'udp6', 'unix', 'packet'] as const;
export type NetFile = (typeof NET_FILES)[number];

/** Parses the six /proc/net tables of one network namespace, given their raw text. */
export function parseNetTables(tables: Partial<Record<NetFile, string>>): SocketInfo[] {
  const out: SocketInfo[] = [];
  for (const name of NET_FILES) {
    const text = tables[name];
    if (!text) continue;
    out.push(
      ...(name === 'unix'
        ? parseProcNetUnix(text)
        : name === 'packet'
          ? parseProcNetPacket(text)
          : parseProcNet(text, name)),
    );
  }
  return out;
}

/** Reads the network namespace of a host PID (every process of the container shares it, unless it joined another). */
export async function readNetTables(
  procRoot: string,
  pid: number,
): Promise<{ tables: Partial<Record<NetFile, string>>; raw: string }> {
  // The TCP tables cost milliseconds each (the kernel walks every bucket of the host's hash); the others microseconds.
  const read = (n: NetFile) =>
    n.startsWith('tcp') ? textPooled(`${procRoot}/${pid}/net/${n}`) : textSync(`${procRoot}/${pid}/net/${n}`);
  const texts = (await Promise.all(NET_FILES.map(read))).map((t) => t ?? '');
  const tables: Partial<Record<NetFile, string>> = {};
  NET_FILES.forEach((n, i) => (tables[n] = texts[i]));
  return { tables, raw: texts.join('\n') };
}

/** Attributes sockets to the processes that hold their inodes (host-side fd links). */
export function attributeSockets(sockets: SocketInfo[], processes: ProcessInfo[]): void {
  const owner = new Map<number, ProcessInfo>();
  for (const p of processes) for (const inode of p.socketInodes ?? []) if (!owner.has(inode)) owner.set(inode, p);
  for (const s of sockets) {
    const p = s.inode ? owner.get(s.inode) : undefined;
    if (p) {
      s.pid = p.pid;
      s.process = p.comm.slice(0, 256);
    }
  }
}

export function networkSnapshot(containerId: string, source: string, sockets: SocketInfo[]): NetworkSnapshot {
  return { containerId, source, collectedAt: new Date().toISOString(), sockets: sockets.slice(0, 100_000) };
}
