import type { SocketInfo } from '@shared/domain/network.js';

/**
 * Parsers for the text files of procfs. Pure functions: the same code reads host-side files and the
 * output of an exec, and unit tests feed them hostile input.
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

/** "0100007F:1F90" (little-endian words as the kernel prints them) to "127.0.0.1", 8080. */
export function decodeAddress(hex: string): { address: string; port: number } {
  const [addrHex = '', portHex = '0'] = hex.split(':');
  const port = parseInt(portHex, 16) || 0;
  if (addrHex.length === 8) {
    const b = Buffer.from(addrHex, 'hex');
    return { address: `${b[3]}.${b[2]}.${b[1]}.${b[0]}`, port };
  }
  if (addrHex.length === 32) {
    // Four 32-bit words, each in host (little-endian) order.
    const bytes: number[] = [];
    for (let w = 0; w < 4; w++) {
      const word = Buffer.from(addrHex.slice(w * 8, w * 8 + 8), 'hex');
      bytes.push(word[3]!, word[2]!, word[1]!, word[0]!);
    }
    return { address: formatIpv6(bytes), port };
  }
  return { address: addrHex.slice(0, 64), port };
}

function formatIpv6(bytes: number[]): string {
  // IPv4-mapped addresses read better in their IPv4 form.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // Collapse the longest run of zero groups, as RFC 5952 asks.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Rows of /proc/net/{tcp,tcp6,udp,udp6}. */
export function parseProcNet(text: string, protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6', max = 100_000): SocketInfo[] {
  const out: SocketInfo[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length && out.length < max; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = decodeAddress(f[1]!);
    const remote = decodeAddress(f[2]!);
    const st = f[3]!.toUpperCase();
    const udp = protocol.startsWith('udp');
    const state: SocketInfo['state'] = udp ? (st === '01' ? 'ESTABLISHED' : 'UNCONN') : (TCP_STATES[st] ?? 'UNKNOWN');
    const row: SocketInfo = {
      protocol,
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      state,
      inode: Number(f[9]) || 0,
    };
    // "tr:tm->when": timer 3 is the TIME_WAIT timer, its remaining time in USER_HZ (100 per second) ticks.
    const [tr, when] = (f[5] ?? '').split(':');
    if (state === 'TIME_WAIT' && tr === '03' && when) row.timeWaitLeftMs = parseInt(when, 16) * 10;
    out.push(row);
  }
  return out;
}

/** Rows of /proc/net/unix: the path (or @abstract name) goes in localAddress. */
export function parseProcNetUnix(text: string, max = 100_000): SocketInfo[] {
  const out: SocketInfo[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length && out.length < max; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 7) continue;
    const flags = parseInt(f[3]!, 16);
    const st = f[5]!;
    // __SO_ACCEPTCON (0x10000) marks a listening socket; st 03 is connected.
    const state: SocketInfo['state'] = flags & 0x10000 ? 'LISTEN' : st === '03' ? 'ESTABLISHED' : 'UNCONN';
    out.push({
      protocol: 'unix',
      localAddress: (f.slice(7).join(' ') || '').slice(0, 256),
      localPort: 0,
      remoteAddress: '',
      remotePort: 0,
      state,
      inode: Number(f[6]) || 0,
    });
  }
  return out;
}

const PACKET_TYPES: Record<string, string> = { '1': 'stream', '2': 'dgram', '3': 'raw', '10': 'packet' };

/**
 * /proc/net/packet: AF_PACKET sockets, which read (and forge) whole frames on an interface. Columns: sk RefCnt Type
 * Proto Iface R Rmem User Inode; Proto is the Ethernet protocol in hex (0003 = every protocol), Iface an ifindex.
 */
export function parseProcNetPacket(text: string, max = 100_000): SocketInfo[] {
  const out: SocketInfo[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length && out.length < max; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 9 || !/^[0-9a-f]+$/i.test(f[3]!)) continue;
    const type = PACKET_TYPES[f[2]!] ?? `type${Number(f[2]) || 0}`;
    const localAddress = `${type} proto=0x${f[3]!.toLowerCase().padStart(4, '0')} ifindex=${Number(f[4]) || 0}`;
    out.push({
      protocol: 'packet',
      localAddress,
      localPort: 0,
      remoteAddress: '',
      remotePort: 0,
      state: 'UNCONN',
      inode: Number(f[8]) || 0,
    });
  }
  return out;
}

export interface ProcStatus {
  name: string;
  ppid: number;
  uid: number;
  /** NSpid: the pid in every nested namespace, outermost first; the last one is what the container sees. */
  nsPids: number[];
}

export function parseStatus(text: string): ProcStatus {
  const field = (k: string) => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(text)?.[1] ?? '';
  return {
    name: field('Name'),
    ppid: Number(field('PPid')) || 0,
    uid: Number(field('Uid').split(/\s+/)[0]) || 0,
    nsPids: field('NSpid').split(/\s+/).filter(Boolean).map(Number),
  };
}

/** /proc/PID/stat: comm may itself contain spaces and parentheses, so split at the last ")". */
export function parseStat(text: string): {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  cpuTicks: number;
  startTicks: number;
  rssPages: number;
} | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(' ');
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: Number(rest[1]) || 0,
    cpuTicks: (Number(rest[11]) || 0) + (Number(rest[12]) || 0),
    startTicks: Number(rest[19]) || 0,
    rssPages: Number(rest[21]) || 0,
  };
}

/**
 * Undoes octal escapes (\040 for a space, \012 for a newline, \134 for a backslash) byte by byte, as the
 * kernel's mountinfo and getfattr print names; the bytes are then read as UTF-8.
 */
export function unescapeOctal(name: string): string {
  if (!name.includes('\\')) return name;
  const raw = Buffer.from(name, 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const m = raw[i] === 0x5c ? /^[0-7]{3}/.exec(raw.subarray(i + 1, i + 4).toString('latin1')) : null;
    if (m) {
      bytes.push(parseInt(m[0], 8));
      i += 3;
    } else bytes.push(raw[i]!);
  }
  return Buffer.from(bytes).toString('utf8');
}

export interface Mount {
  mountPoint: string;
  fsType: string;
}

/** Mount point (field 5) and filesystem type (first field after " - ") of each /proc/PID/mountinfo line. */
export function parseMounts(text: string, max = 4096): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length < 5) continue;
    const dash = f.indexOf('-', 5);
    out.push({ mountPoint: unescapeOctal(f[4]!), fsType: dash > 0 ? (f[dash + 1] ?? '') : '' });
    if (out.length >= max) break;
  }
  return out;
}

/** NUL-separated argv to one line; empty for kernel threads and zombies. */
export const cmdlineOf = (raw: Buffer): string => raw.toString('utf8').replace(/\0+$/, '').replace(/\0/g, ' ');

/** The container ID a /proc/PID/cgroup belongs to, for cgroupfs (/docker/ID) and systemd (docker-ID.scope) drivers. */
export function containerIdOfCgroup(text: string): string | undefined {
  return /[/-]([0-9a-f]{64})(?:\.scope)?[ \t]*$/m.exec(text)?.[1];
}
