import { z } from 'zod';
import { defineOp } from './define.js';
import { ContainerRef } from './core.js';
import { StatsSampleSchema } from '../domain/evidence-set.js';
import { LIMITS } from '../domain/bounds.js';

/** Most diff lines one answer carries; a rewritten 64 KiB file stays readable, a larger diff says it was cut. */
export const MAX_DIFF_LINES = 4000;

/** One side of a file comparison: what the container has now, or what its image shipped. */
export const FileSideSchema = z.object({
  exists: z.boolean(),
  size: z.number().int().optional(),
  mode: z.number().int().optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** UTF-8 text of the first bytes; absent for binaries and for directories. */
  text: z.string().max(LIMITS.text).optional(),
  binary: z.boolean().default(false),
  /** The file is larger than what was read; hashes cover only what was read. */
  truncated: z.boolean().default(false),
  /** First bytes as hex, so an analyst can tell ELF from script at a glance. */
  headHex: z.string().max(64).optional(),
  symlinkTarget: z.string().max(LIMITS.path).optional(),
  kind: z.enum(['file', 'directory', 'symlink', 'other']).optional(),
});
export type FileSide = z.infer<typeof FileSideSchema>;

export const DiffLineSchema = z.object({
  op: z.enum(['add', 'del', 'ctx', 'gap']),
  text: z.string().max(LIMITS.command),
  oldNo: z.number().int().optional(),
  newNo: z.number().int().optional(),
});
export type DiffLine = z.infer<typeof DiffLineSchema>;

export const FileDiffSchema = z.object({
  path: z.string().max(LIMITS.path),
  container: FileSideSchema,
  image: FileSideSchema,
  /** How the image version was read: overlay lower dirs on this host, or a created-never-started container. */
  imageSource: z.enum(['lowerdir', 'temp-container', 'none']),
  lines: z.array(DiffLineSchema).max(MAX_DIFF_LINES),
  added: z.number().int(),
  removed: z.number().int(),
  linesTruncated: z.boolean(),
});
export type FileDiff = z.infer<typeof FileDiffSchema>;

const FilePath = z
  .string()
  .min(1)
  .max(LIMITS.path)
  .refine((p) => p.startsWith('/') && !p.includes('\0'), 'an absolute path inside the container');

/** Operations that look closer at one container: a file against its image version, live resource use. */
export const investigateOps = {
  'investigate.fileDiff': defineOp(ContainerRef.extend({ path: FilePath }), FileDiffSchema, { timeoutMs: 60_000 }),
  'containers.stats': defineOp(ContainerRef, StatsSampleSchema, { timeoutMs: 15_000 }),
};
