import { z } from 'zod';
import { clip } from '@shared/domain/bounds.js';

/**
 * An offline evidence bundle: one .tar.gz written by `stowaway collect --out FILE` on the host that runs
 * the engine, and opened by the app without any connection to it.
 *
 *   manifest.json   this schema: who/when/where, and the sha256 and size of every other entry
 *   scan.json       ScanResult
 *   evidence.json   EngineEvidence
 *   blobs/<sha256>  raw evidence bytes (file contents), named by their hash
 *
 * Only these names are accepted when reading; anything else (paths with .., absolute paths, links,
 * devices, duplicates) rejects the whole bundle before anything is shown.
 */
export const BUNDLE_FORMAT = 'stowaway-bundle';
export const BUNDLE_VERSION = 1;

export const BundleEntryNameSchema = z.string().regex(/^(scan\.json|evidence\.json|blobs\/[0-9a-f]{64})$/);

export const BundleManifestSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    version: z.literal(BUNDLE_VERSION),
    createdAt: z.string().max(64),
    createdBy: z.string().max(256),
    host: z.string().max(256),
    stowawayVersion: z.string().max(64),
    engine: z.object({
      id: z.string().max(128),
      name: z.string().max(256),
      endpoint: z.string().max(2048),
      serverVersion: z.string().max(64).optional(),
    }),
    files: z
      .array(
        z.object({
          path: BundleEntryNameSchema,
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
          size: z.number().int().min(0),
        }),
      )
      .max(100_000),
  })
  .strict();
export type BundleManifest = z.infer<typeof BundleManifestSchema>;

/** Limits applied while reading a bundle from an untrusted source. */
export const BUNDLE_LIMITS = {
  /** Size of the .tar.gz on disk. */
  compressedBytes: 512 * 1024 * 1024,
  /** Everything once decompressed, as the manifest declares it: a gzip bomb stops here. */
  totalBytes: 1024 * 1024 * 1024,
  /** One blob (streamed to disk, never held in memory). */
  entryBytes: 256 * 1024 * 1024,
  /** scan.json and evidence.json, which are parsed in memory. */
  jsonBytes: 64 * 1024 * 1024,
  manifestBytes: 16 * 1024 * 1024,
  entries: 100_001,
  /** Shape of scan.json, evidence.json and the manifest (see JsonShapeGuard). */
  jsonDepth: 64,
  jsonMembers: 1_000_000,
  jsonValues: 8_000_000,
};
export type BundleLimits = typeof BUNDLE_LIMITS;

/**
 * "<engine> on <host>", each part clipped: both come from the bundle's author, and together they must still fit a
 * case or engine name (256 characters). Shown through the visible-text function wherever it appears.
 */
export function bundleLabel(m: Pick<BundleManifest, 'engine' | 'host'>): string {
  return `${clip(m.engine.name.trim() || '?', 96)} on ${clip(m.host.trim() || '?', 96)}`;
}
