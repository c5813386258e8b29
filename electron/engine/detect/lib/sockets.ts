import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import type { SocketInfo } from '@shared/domain/network.js';

/** The newest socket snapshot of a container (empty when none was collected). */
export function latestSockets(c: ContainerEvidence): SocketInfo[] {
  return c.sockets[c.sockets.length - 1]?.sockets ?? [];
}

/** Every socket row across snapshots with the inode given, newest first. */
export function socketByInode(c: ContainerEvidence, inode: number): SocketInfo | undefined {
  for (let i = c.sockets.length - 1; i >= 0; i--) {
    const s = c.sockets[i]!.sockets.find((x) => x.inode === inode && x.protocol !== 'unix' && x.protocol !== 'packet');
    if (s) return s;
  }
  return undefined;
}

export const inodeOf = (fdTarget: string): number | undefined => {
  const m = /^socket:\[(\d+)\]$/.exec(fdTarget);
  return m ? Number(m[1]) : undefined;
};

export const endpoint = (s: SocketInfo, side: 'local' | 'remote'): string =>
  side === 'local'
    ? `${s.localAddress.includes(':') ? `[${s.localAddress}]` : s.localAddress}:${s.localPort}`
    : `${s.remoteAddress.includes(':') ? `[${s.remoteAddress}]` : s.remoteAddress}:${s.remotePort}`;

export function isLoopback(addr: string): boolean {
  return addr.startsWith('127.') || addr === '::1' || addr === '::ffff:127.0.0.1' || /^::ffff:127\./.test(addr);
}

export function isUnspecified(addr: string): boolean {
  return addr === '0.0.0.0' || addr === '::' || addr === '';
}

/** RFC 1918, CGNAT, link-local and ULA ranges: traffic that stays inside the site. */
export function isPrivate(addr: string): boolean {
  const a = addr.replace(/^::ffff:/, '');
  const m = /^(\d+)\.(\d+)\./.exec(a);
  if (m) {
    const [x, y] = [Number(m[1]), Number(m[2])];
    return (
      x === 10 ||
      (x === 172 && y >= 16 && y <= 31) ||
      (x === 192 && y === 168) ||
      (x === 100 && y >= 64 && y <= 127) ||
      (x === 169 && y === 254)
    );
  }
  return /^f[cd]/i.test(a) || /^fe80/i.test(a);
}
