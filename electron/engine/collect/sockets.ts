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

/**
 * The socket tables a network namespace's own counters show to be empty, from /proc/PID/net/sockstat{,6}
 * (microseconds to read). Reading /proc/PID/net/tcp walks every bucket of the host's connection hash, some
 * milliseconds even for a namespace with no socket, while the counters are kept per namespace: a TCP table can hold
 * rows only when its protocol has sockets in use (listeners, connections and SYN_SENT alike) or sockets in
 * TIME_WAIT (counted apart, and for both families together); a UDP table only when UDP sockets are bound. Nothing
 * is taken as empty when a counter cannot be read, and a kernel that counts TIME_WAIT host-wide only reads more.
 */
export function emptyByCounters(sockstat: string | null, sockstat6: string | null): Set<NetFile> {
  const empty = new Set<NetFile>();
  const count = (text: string | null, re: RegExp): number | undefined => {
    const m = text === null ? null : re.exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const tcp = count(sockstat, /^TCP: inuse (\d+)/m);
  const tw = count(sockstat, /^TCP: inuse \d+ orphan \d+ tw (\d+)/m);
  const tcp6 = count(sockstat6, /^TCP6: inuse (\d+)/m);
  const udp = count(sockstat, /^UDP: inuse (\d+)/m);
  const udp6 = count(sockstat6, /^UDP6: inuse (\d+)/m);
  if (tw === 0 && tcp === 0) empty.add('tcp');
  if (tw === 0 && tcp6 === 0) empty.add('tcp6');
  if (udp === 0) empty.add('udp');
  if (udp6 === 0) empty.add('udp6');
  return empty;
}

/**
 * Starts reading the tables `names` of the network namespace of a host PID: the TCP tables (milliseconds of kernel
 * work each, as the kernel walks every bucket of the host's hash) in the thread pool, side by side, the others here
 * (microseconds). A table the namespace's counters show to be empty (see emptyByCounters) is '' without a read; an
 * unreadable one is null. `counters` is what sockstat and sockstat6 said.
 */
export function startNetReads(
  procRoot: string,
  pid: number,
  names: readonly NetFile[],
): { texts: Promise<string | null>[]; counters: [string | null, string | null] } {
  const dir = `${procRoot}/${pid}/net`;
  const counters: [string | null, string | null] = [textSync(`${dir}/sockstat`), textSync(`${dir}/sockstat6`)];
  const empty = emptyByCounters(...counters);
  const texts = names.map((n) =>
    empty.has(n)
      ? Promise.resolve('')
      : n.startsWith('tcp')
        ? textPooled(`${dir}/${n}`)
        : Promise.resolve(textSync(`${dir}/${n}`)),
  );
  return { texts, counters };
}

/**
 * Reads the network namespace of a host PID (every process of the container shares it, unless it joined another).
 * Tables the namespace's counters show to be empty are not read (see startNetReads); `raw` holds the counters too.
 */
export async function readNetTables(
  procRoot: string,
  pid: number,
): Promise<{ tables: Partial<Record<NetFile, string>>; raw: string }> {
  const reads = startNetReads(procRoot, pid, NET_FILES);
  const texts = (await Promise.all(reads.texts)).map((t) => t ?? '');
  const tables: Partial<Record<NetFile, string>> = {};
  NET_FILES.forEach((n, i) => (tables[n] = texts[i]));
  return { tables, raw: [...texts, ...reads.counters.map((c) => c ?? '')].join('\n') };
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
