import type { ContainerDetail } from '@shared/domain/container.js';

/** What `docker run` grants when nothing is added or dropped. */
export const DEFAULT_CAPS = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];
/** Capabilities that let a container reach the host or other tenants. */
export const DANGEROUS_CAPS = new Set([
  'SYS_ADMIN',
  'SYS_PTRACE',
  'SYS_MODULE',
  'SYS_RAWIO',
  'DAC_READ_SEARCH',
  'NET_ADMIN',
  'BPF',
  'PERFMON',
  'SYS_BOOT',
  'SYS_TIME',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'SYSLOG',
  'ALL',
]);

const norm = (c: string) => c.toUpperCase().replace(/^CAP_/, '');

export function effectiveCaps(d: Pick<ContainerDetail, 'capAdd' | 'capDrop' | 'privileged'>): {
  caps: string[];
  added: Set<string>;
  dropped: Set<string>;
} {
  const added = new Set(d.capAdd.map(norm));
  const dropped = new Set(d.capDrop.map(norm));
  if (d.privileged || added.has('ALL')) return { caps: ['ALL'], added: new Set(['ALL']), dropped };
  const base = dropped.has('ALL') ? [] : DEFAULT_CAPS.filter((c) => !dropped.has(c));
  return { caps: [...new Set([...base, ...added])].sort(), added, dropped };
}
