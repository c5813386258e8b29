import { z } from 'zod';
import { boundedString, LIMITS } from './bounds.js';

export const FileChangeKindSchema = z.enum(['added', 'changed', 'deleted']);
export const FileFlagSchema = z.enum([
  'immutable',
  'append-only',
  'setuid',
  'setgid',
  'executable',
  'hidden',
  'elf',
  'script',
  'symlink',
]);
export type FileFlag = z.infer<typeof FileFlagSchema>;

/** One entry of the container's filesystem diff against its image. */
export const FileChangeSchema = z.object({
  path: boundedString(LIMITS.path),
  kind: FileChangeKindSchema,
  size: z.number().int().optional(),
  mode: z.number().int().optional(),
  mtime: z.string().optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** Size of the same path in the image (lower layers), for changed and deleted regular files; host-side reads only. */
  imageSize: z.number().int().optional(),
  /** Where a symbolic link points, as stored in the link (never followed); host-side reads only. */
  linkTarget: boundedString(LIMITS.path).optional(),
  flags: z.array(FileFlagSchema).default([]),
});
export type FileChange = z.infer<typeof FileChangeSchema>;
