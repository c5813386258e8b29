import { z } from 'zod';

export const SocketStateSchema = z.enum([
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'UNCONN',
  'UNKNOWN',
]);

/**
 * One socket row from /proc/net of a container's network namespace. `packet` rows (AF_PACKET, /proc/net/packet) have
 * no addresses: localAddress says the socket type, Ethernet protocol and interface index.
 */
export const SocketInfoSchema = z.object({
  protocol: z.enum(['tcp', 'tcp6', 'udp', 'udp6', 'unix', 'packet']),
  localAddress: z.string().max(256),
  localPort: z.number().int(),
  remoteAddress: z.string().max(256),
  remotePort: z.number().int(),
  state: SocketStateSchema,
  inode: z.number().int(),
  pid: z.number().int().optional(),
  /** For TIME_WAIT rows: what is left of the kernel's 60 s TIME_WAIT timer, which dates the connection's close. */
  timeWaitLeftMs: z.number().int().optional(),
  process: z.string().max(256).optional(),
});
export type SocketInfo = z.infer<typeof SocketInfoSchema>;

export const NetworkSnapshotSchema = z.object({
  containerId: z.string(),
  source: z.string(),
  collectedAt: z.string(),
  sockets: z.array(SocketInfoSchema).max(100_000),
});
export type NetworkSnapshot = z.infer<typeof NetworkSnapshotSchema>;
