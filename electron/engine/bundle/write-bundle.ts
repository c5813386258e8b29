import { createWriteStream, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { ScanResult } from '@shared/domain/scan.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { sha256Hex } from '../cases/blob-store.js';
import { VERSION } from '../version.js';
import type { CustodyKey } from '../cases/custody-key.js';
import { signManifest } from './bundle-signature.js';
import { SIGNATURE_ENTRY } from './read-bundle.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleManifest } from './bundle-format.js';

export interface BundleInput {
  result: ScanResult;
  evidence: EngineEvidence;
  /** Raw evidence bytes to carry along (e.g. whole file contents), stored by hash. */
  blobs?: Buffer[];
  createdBy: string;
  /** The collector's installation key: the bundle carries its signature over the manifest. */
  signWith?: CustodyKey;
}

/** Writes the bundle to a temp name and renames it into place: a crash never leaves a truncated bundle under the final name. */
export async function writeBundle(out: string, input: BundleInput): Promise<BundleManifest> {
  const files = new Map<string, Buffer>();
  files.set('scan.json', Buffer.from(JSON.stringify(input.result)));
  files.set('evidence.json', Buffer.from(JSON.stringify(input.evidence)));
  for (const b of input.blobs ?? []) files.set(`blobs/${sha256Hex(b)}`, b);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: new Date().toISOString(),
    createdBy: input.createdBy,
    host: os.hostname().slice(0, 256),
    stowawayVersion: VERSION,
    engine: input.result.engine,
    files: [...files].map(([path, buf]) => ({ path, sha256: sha256Hex(buf), size: buf.length })),
  };
  const pack = tar.pack();
  const mtime = new Date(manifest.createdAt);
  const manifestJson = JSON.stringify(manifest, null, 2);
  pack.entry({ name: 'manifest.json', mtime, mode: 0o644 }, Buffer.from(manifestJson));
  if (input.signWith)
    pack.entry({ name: SIGNATURE_ENTRY, mtime, mode: 0o644 }, signManifest(input.signWith, manifestJson));
  for (const [name, buf] of files) pack.entry({ name, mtime, mode: 0o644 }, buf);
  pack.finalize();
  const tmp = `${out}.${process.pid}.partial`;
  try {
    await pipeline(pack, createGzip(), createWriteStream(tmp, { mode: 0o600 }));
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return manifest;
}
