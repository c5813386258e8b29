import { z } from 'zod';
import { boundedString, LIMITS } from './bounds.js';

/** Where a process listing came from: the host side cannot be lied to from inside the container. */
export const ProcessViewSchema = z.enum(['host', 'container']);

export const ProcessFlagSchema = z.enum([
  'hidden',
  'deleted-exe',
  'memfd',
  'masquerade',
  'tmp-exe',
  'kernel-thread-name',
  'socket-stdio',
]);
export type ProcessFlag = z.infer<typeof ProcessFlagSchema>;

/** The namespaces a process lives in, by the kernel's identity of each. */
export const NamespaceIdsSchema = z.object({
  pid: z.string().max(64).optional(),
  mnt: z.string().max(64).optional(),
  net: z.string().max(64).optional(),
});
export type NamespaceIds = z.infer<typeof NamespaceIdsSchema>;

export const ProcessInfoSchema = z.object({
  pid: z.number().int(),
  ppid: z.number().int(),
  /** PID as seen inside the container's namespace, when known. */
  nsPid: z.number().int().optional(),
  user: boundedString(LIMITS.name),
  comm: boundedString(LIMITS.name),
  cmdline: boundedString(LIMITS.command),
  exe: boundedString(LIMITS.path).optional(),
  startTime: z.string().optional(),
  flags: z.array(ProcessFlagSchema).default([]),
  /** Targets of fds 0, 1, 2 (e.g. "socket:[12345]", "/dev/null"), read host-side. */
  stdio: z.array(z.string().max(512)).max(3).optional(),
  /** Inodes of every socket the process holds, to map /proc/net rows to processes. */
  socketInodes: z.array(z.number().int()).max(4096).optional(),
  /**
   * Paths open on fds above 2 (bounded, never /proc or /sys), to follow a named pipe from the process writing it on
   * stdout to the one reading it (`cat /tmp/f | sh -i | nc ... > /tmp/f`).
   */
  fdPaths: z.array(z.string().max(512)).max(32).optional(),
  /** Selected environment variables that matter for detection (LD_PRELOAD, HISTFILE, ...), never the whole environ. */
  env: z.record(z.string(), z.string().max(1024)).optional(),
  cpuPercent: z.number().optional(),
  rssBytes: z.number().optional(),
  /** Namespace identities (the targets of /proc/PID/ns/*, e.g. "mnt:[4026531841]"), read host-side. */
  ns: NamespaceIdsSchema.optional(),
});
export type ProcessInfo = z.infer<typeof ProcessInfoSchema>;

export const ProcessSnapshotSchema = z.object({
  containerId: z.string(),
  view: ProcessViewSchema,
  source: z.string(),
  collectedAt: z.string(),
  processes: z.array(ProcessInfoSchema).max(100_000),
  /** The host's own namespaces (of its PID 1), to tell a process that entered them; host view only. */
  hostNs: NamespaceIdsSchema.optional(),
});
export type ProcessSnapshot = z.infer<typeof ProcessSnapshotSchema>;
