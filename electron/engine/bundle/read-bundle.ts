import { createReadStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { AppError } from '../../../shared/errors.js';
import { ScanResultSchema, type ScanResult } from '../../../shared/domain/scan.js';
import { EngineEvidenceSchema, type EngineEvidence } from '../../../shared/domain/evidence-set.js';
import { sha256Hex } from '../cases/blob-store.js';
import { BUNDLE_LIMITS, BundleEntryNameSchema, BundleManifestSchema, type BundleLimits, type BundleManifest } from './bundle-format.js';

export interface OpenedBundle {
  manifest: BundleManifest;
  result: ScanResult;
  evidence: EngineEvidence;
  blobs: Map<string, Buffer>;
}

const bad = (msg: string, details?: unknown) => new AppError('VALIDATION', `Rejected bundle: ${msg}`, details);

/**
 * Reads and validates a bundle from an untrusted source. Nothing of it is returned unless all checks pass:
 * sizes (on disk, decompressed, per entry, entry count), entry names and types (no traversal, links or
 * devices, no duplicates), every hash in the manifest, and the schema of the manifest, scan and evidence.
 */
export async function readBundle(file: string, limits: BundleLimits = BUNDLE_LIMITS): Promise<OpenedBundle> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new AppError('NOT_FOUND', `Cannot read bundle ${file}: ${(e as Error).message}`);
  }
  if (size > limits.compressedBytes) throw bad(`${size} bytes is over the ${limits.compressedBytes}-byte limit`);

  const entries = new Map<string, Buffer>();
  let total = 0;
  // The first problem wins; the whole pipeline is torn down from its source so nothing more is read.
  let failure: AppError | undefined;
  const gunzip = createGunzip();
  const extract = tar.extract();
  const stop = (err: AppError) => {
    failure ??= err;
    gunzip.destroy(failure);
  };
  extract.on('entry', (header, stream, next) => {
    const name = header.name;
    stream.on('error', () => undefined);
    const fail = (err: AppError) => {
      stop(err);
      stream.resume();
    };
    if (entries.size >= limits.entries) return fail(bad(`more than ${limits.entries} entries`));
    if (header.type !== 'file') return fail(bad(`entry ${JSON.stringify(name.slice(0, 200))} is a ${header.type}, only plain files are allowed`));
    if (name !== 'manifest.json' && !BundleEntryNameSchema.safeParse(name).success) return fail(bad(`unexpected entry name ${JSON.stringify(name.slice(0, 200))}`));
    if (entries.has(name)) return fail(bad(`duplicate entry ${name}`));
    const cap = name === 'manifest.json' ? limits.manifestBytes : limits.entryBytes;
    if ((header.size ?? 0) > cap) return fail(bad(`entry ${name} declares ${header.size} bytes, over the ${cap}-byte limit`));
    const chunks: Buffer[] = [];
    let n = 0;
    stream.on('data', (chunk: unknown) => {
      const d = chunk as Buffer;
      n += d.length;
      total += d.length;
      if (n > cap || total > limits.totalBytes) return fail(bad(n > cap ? `entry ${name} is over ${cap} bytes` : `content is over ${limits.totalBytes} bytes decompressed`));
      chunks.push(d);
    });
    stream.on('end', () => {
      entries.set(name, Buffer.concat(chunks));
      next();
    });
  });

  // The gunzip side is capped too: a bomb of padding that never forms tar entries still stops here.
  let inflated = 0;
  gunzip.on('data', (d: Buffer) => {
    inflated += d.length;
    if (inflated > limits.totalBytes + 1024 * 1024) stop(bad(`content is over ${limits.totalBytes} bytes decompressed`));
  });
  try {
    await pipeline(createReadStream(file), gunzip, extract);
  } catch (e) {
    if (failure) throw failure;
    if (e instanceof AppError) throw e;
    throw bad(`not a readable .tar.gz (${(e as Error).message})`);
  }
  if (failure) throw failure;

  const manifestBuf = entries.get('manifest.json');
  if (!manifestBuf) throw bad('manifest.json is missing');
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(manifestBuf.toString('utf8'));
  } catch {
    throw bad('manifest.json is not JSON');
  }
  const m = BundleManifestSchema.safeParse(manifestJson);
  if (!m.success) throw bad(`manifest.json does not match the bundle format: ${m.error.issues.slice(0, 3).map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const manifest = m.data;

  const listed = new Set<string>();
  for (const f of manifest.files) {
    if (listed.has(f.path)) throw bad(`manifest lists ${f.path} twice`);
    listed.add(f.path);
    const buf = entries.get(f.path);
    if (!buf) throw bad(`manifest lists ${f.path} but the bundle does not contain it`);
    const actual = sha256Hex(buf);
    if (actual !== f.sha256 || buf.length !== f.size) throw bad(`${f.path} does not match its manifest hash (expected ${f.sha256}, got ${actual})`);
    if (f.path.startsWith('blobs/') && f.path.slice(6) !== actual) throw bad(`${f.path} is not named by its hash`);
  }
  for (const name of entries.keys()) if (name !== 'manifest.json' && !listed.has(name)) throw bad(`${name} is not listed in the manifest`);

  const parseJson = <T>(name: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }): T => {
    const buf = entries.get(name);
    if (!buf) throw bad(`${name} is missing`);
    let json: unknown;
    try {
      json = JSON.parse(buf.toString('utf8'));
    } catch {
      throw bad(`${name} is not JSON`);
    }
    const r = schema.safeParse(json);
    if (!r.success) throw bad(`${name} does not match its schema: ${r.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.')} ${i.message}`).join('; ')}`);
    return r.data;
  };
  const result = parseJson('scan.json', ScanResultSchema);
  const evidence = parseJson('evidence.json', EngineEvidenceSchema);

  const blobs = new Map<string, Buffer>();
  for (const [name, buf] of entries) if (name.startsWith('blobs/')) blobs.set(name.slice(6), buf);
  return { manifest, result, evidence, blobs };
}
