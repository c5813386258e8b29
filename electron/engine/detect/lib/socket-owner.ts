import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import type { SocketInfo } from '@shared/domain/network.js';
import type { ProcessInfo } from '@shared/domain/process.js';
import { processesOf } from './process.js';

/** The process holding a socket: from the row itself, else by inode through the host-side fd list. */
export function ownerOf(c: ContainerEvidence, s: SocketInfo): ProcessInfo | undefined {
  const list = processesOf(c).list;
  if (s.pid !== undefined) {
    const p = list.find((x) => x.pid === s.pid || x.nsPid === s.pid);
    if (p) return p;
  }
  return list.find((p) => p.socketInodes?.includes(s.inode));
}

export const ownerLabel = (c: ContainerEvidence, s: SocketInfo): string => {
  const p = ownerOf(c, s);
  return p ? `${p.comm} (pid ${p.pid})` : s.process ? s.process : 'unknown process';
};
