import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import os from 'node:os';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { AppError } from '@shared/errors.js';
import { ScanResultSchema, type ScanResult } from '@shared/domain/scan.js';
import { EngineEvidenceSchema, type EngineEvidence } from '@shared/domain/evidence-set.js';
import {
  BUNDLE_LIMITS,
  BundleEntryNameSchema,
  BundleManifestSchema,
  type BundleLimits,
  type BundleManifest,
} from './bundle-format.js';
import { JsonShapeGuard } from './json-shape-guard.js';

export interface OpenedBundle {
  manifest: BundleManifest;
  /** manifest.json as it is in the bundle: the bytes its signature covers. */
  manifestRaw: Buffer;
  result: ScanResult;
  evidence: EngineEvidence;
  /** Blob hash → the staged file holding its bytes (checked against the hash); removed by `dispose`. */
  blobs: Map<string, string>;
  /** The signature entry, when the bundle has one (checked by bundle-signature.ts). */
  signature?: Buffer;
}

export type ReadBundle = OpenedBundle & { dispose(): void };

const bad = (msg: string, details?: unknown) => new AppError('VALIDATION', `Rejected bundle: ${msg}`, details);

/** Bytes tar adds around entries: a 512-byte header (plus a pax header for long names) and padding to 512. */
const TAR_OVERHEAD_PER_ENTRY = 2048;
const TAR_SLACK = 64 * 1024;
export const SIGNATURE_ENTRY = 'manifest.sig';

/**
 * Reads and validates a bundle from an untrusted source, streaming: nothing is buffered before the manifest (the
 * first entry) has been read and validated, and every later entry must be one the manifest lists, of exactly the
 * size it declares. scan.json and evidence.json are held in memory only up to their limit and only while their
 * shape (nesting, members, values) stays within bounds; blobs stream to a staging directory and are hashed on
 * the way. Decompressed bytes are capped by what the manifest declares, so a gzip bomb stops at the first
 * megabytes past it. Nothing is returned unless every check passes: names and types (no traversal, links,
 * devices, duplicates), sizes, every hash in the manifest, and the schemas of the manifest, scan and evidence.
 */
export async function readBundle(
  file: string,
  limits: BundleLimits = BUNDLE_LIMITS,
  stagingRoot = os.tmpdir(),
): Promise<ReadBundle> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new AppError('NOT_FOUND', `Cannot read bundle ${file}: ${(e as Error).message}`);
  }
  if (size > limits.compressedBytes) throw bad(`${size} bytes is over the ${limits.compressedBytes}-byte limit`);

  let staging: string | undefined;
  const dispose = () => {
    if (staging) rmSync(staging, { recursive: true, force: true });
  };
  try {
    const read = await readEntries(
      file,
      limits,
      () => (staging ??= mkdtempSync(path.join(stagingRoot, 'stowaway-bundle-'))),
    );
    const parse = <T>(
      name: string,
      schema: {
        safeParse(
          v: unknown,
        ):
          | { success: true; data: T }
          | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
      },
    ): T => {
      const buf = read.json.get(name);
      if (!buf) throw bad(`${name} is missing`);
      let json: unknown;
      try {
        json = JSON.parse(buf.toString('utf8'));
      } catch {
        throw bad(`${name} is not JSON`);
      }
      const r = schema.safeParse(json);
      if (!r.success)
        throw bad(
          `${name} does not match its schema: ${r.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.map(String).join('.')} ${i.message}`)
            .join('; ')}`,
        );
      return r.data;
    };
    const result = parse('scan.json', ScanResultSchema);
    const evidence = parse('evidence.json', EngineEvidenceSchema);
    return {
      manifest: read.manifest,
      manifestRaw: read.manifestRaw,
      result,
      evidence,
      blobs: read.blobs,
      signature: read.signature,
      dispose,
    };
  } catch (e) {
    dispose();
    throw e;
  }
}

interface Entries {
  manifest: BundleManifest;
  manifestRaw: Buffer;
  json: Map<string, Buffer>;
  blobs: Map<string, string>;
  signature?: Buffer;
}

async function readEntries(file: string, limits: BundleLimits, stagingDir: () => string): Promise<Entries> {
  const src = createReadStream(file);
  const gunzip = createGunzip();
  const extract = tar.extract();
  let failure: AppError | undefined;
  const stop = (err: AppError) => {
    failure ??= err;
    extract.destroy(failure);
  };
  src.on('error', (e) => stop(new AppError('NOT_FOUND', `Cannot read bundle ${file}: ${e.message}`)));
  gunzip.on('error', (e) => stop(bad(`not a readable .tar.gz (${e.message})`)));
  // Until the manifest is read only it may be inflated; then no more than the manifest declares.
  let cap = limits.manifestBytes + TAR_OVERHEAD_PER_ENTRY + TAR_SLACK;
  let inflated = 0;
  gunzip.on('data', (d: Buffer) => {
    inflated += d.length;
    if (inflated > cap) stop(bad(`decompresses past the ${cap} bytes its manifest accounts for`));
  });
  src.pipe(gunzip).pipe(extract);

  const shape = (name: string) =>
    new JsonShapeGuard({ depth: limits.jsonDepth, members: limits.jsonMembers, values: limits.jsonValues }, (why) =>
      bad(`${name} ${why}`),
    );
  const json = new Map<string, Buffer>();
  const blobs = new Map<string, string>();
  const seen = new Set<string>();
  let manifest: BundleManifest | undefined;
  let manifestRaw: Buffer = Buffer.alloc(0);
  let declared = new Map<string, { sha256: string; size: number }>();
  let signature: Buffer | undefined;
  try {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      const declaredSize = entry.header.size ?? 0;
      if (seen.size >= limits.entries) throw bad(`more than ${limits.entries} entries`);
      if (type !== 'file')
        throw bad(`entry ${JSON.stringify(name.slice(0, 200))} is a ${type}, only plain files are allowed`);
      if (seen.has(name)) throw bad(`duplicate entry ${name.slice(0, 200)}`);
      seen.add(name);
      if (!manifest) {
        if (name !== 'manifest.json')
          throw bad(`the first entry must be manifest.json, not ${JSON.stringify(name.slice(0, 200))}`);
        if (declaredSize > limits.manifestBytes)
          throw bad(`entry manifest.json declares ${declaredSize} bytes, over the ${limits.manifestBytes}-byte limit`);
        manifestRaw = (await readJson(entry, 'manifest.json', limits.manifestBytes, shape('manifest.json'))).buf;
        manifest = parseManifest(manifestRaw);
        declared = new Map(manifest.files.map((f) => [f.path, f]));
        if (declared.size !== manifest.files.length) throw bad('the manifest lists a file twice');
        let total = 0;
        for (const f of manifest.files) {
          const max = f.path.endsWith('.json') ? Math.min(limits.jsonBytes, limits.entryBytes) : limits.entryBytes;
          if (f.size > max) throw bad(`the manifest declares ${f.path} of ${f.size} bytes, over the ${max}-byte limit`);
          total += f.size;
        }
        if (total > limits.totalBytes)
          throw bad(`the manifest declares ${total} bytes, over the ${limits.totalBytes}-byte limit`);
        cap = inflated + total + 8192 + (manifest.files.length + 2) * TAR_OVERHEAD_PER_ENTRY + TAR_SLACK;
        continue;
      }
      if (name === SIGNATURE_ENTRY) {
        if (declaredSize > 8192) throw bad(`${SIGNATURE_ENTRY} is over 8192 bytes`);
        signature = (await readJson(entry, SIGNATURE_ENTRY, 8192)).buf;
        continue;
      }
      if (!BundleEntryNameSchema.safeParse(name).success)
        throw bad(`unexpected entry name ${JSON.stringify(name.slice(0, 200))}`);
      const f = declared.get(name);
      if (!f) throw bad(`${name} is not listed in the manifest`);
      const max = name.endsWith('.json') ? Math.min(limits.jsonBytes, limits.entryBytes) : limits.entryBytes;
      if (declaredSize > max) throw bad(`entry ${name} declares ${declaredSize} bytes, over the ${max}-byte limit`);
      if (declaredSize !== f.size) throw bad(`entry ${name} has ${declaredSize} bytes, its manifest says ${f.size}`);
      if (name.endsWith('.json')) {
        const { buf, sha256 } = await readJson(entry, name, f.size, shape(name));
        if (sha256 !== f.sha256)
          throw bad(`${name} does not match its manifest hash (expected ${f.sha256}, got ${sha256})`);
        json.set(name, buf);
      } else {
        const sha = name.slice(6);
        const staged = path.join(stagingDir(), sha);
        const actual = await stageBlob(entry, staged, f.size, name);
        if (actual !== f.sha256)
          throw bad(`${name} does not match its manifest hash (expected ${f.sha256}, got ${actual})`);
        if (actual !== sha) throw bad(`${name} is not named by its hash`);
        blobs.set(sha, staged);
      }
    }
  } catch (e) {
    throw failure ?? (e instanceof AppError ? e : bad(`not a readable .tar.gz (${(e as Error).message})`));
  } finally {
    src.destroy();
    gunzip.destroy();
  }
  if (failure) throw failure;
  if (!manifest) throw bad('manifest.json is missing');
  for (const p of declared.keys())
    if (!seen.has(p)) throw bad(`manifest lists ${p} but the bundle does not contain it`);
  return { manifest, manifestRaw, json, blobs, signature };
}

function parseManifest(buf: Buffer): BundleManifest {
  let j: unknown;
  try {
    j = JSON.parse(buf.toString('utf8'));
  } catch {
    throw bad('manifest.json is not JSON');
  }
  const m = BundleManifestSchema.safeParse(j);
  if (!m.success)
    throw bad(
      `manifest.json does not match the bundle format: ${m.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')} ${i.message}`)
        .join('; ')}`,
    );
  return m.data;
}

/** Reads one small entry into memory, at most `max` bytes, through the shape guard when given one. */
async function readJson(
  entry: AsyncIterable<unknown>,
  name: string,
  max: number,
  guard?: JsonShapeGuard,
): Promise<{ buf: Buffer; sha256: string }> {
  const chunks: Buffer[] = [];
  const h = createHash('sha256');
  let n = 0;
  for await (const c of entry) {
    const d = c as Buffer;
    n += d.length;
    if (n > max) throw bad(`entry ${name} is over ${max} bytes`);
    guard?.push(d);
    h.update(d);
    chunks.push(d);
  }
  return { buf: Buffer.concat(chunks), sha256: h.digest('hex') };
}

/** Streams a blob entry to a staging file (owner-only), hashing it; never more than its declared size. */
async function stageBlob(entry: AsyncIterable<unknown>, dest: string, size: number, name: string): Promise<string> {
  const h = createHash('sha256');
  const out = createWriteStream(dest, { mode: 0o600 });
  let n = 0;
  try {
    for await (const c of entry) {
      const d = c as Buffer;
      n += d.length;
      if (n > size) throw bad(`entry ${name} is over its declared ${size} bytes`);
      h.update(d);
      if (!out.write(d)) await once(out, 'drain');
    }
    out.end();
    await finished(out);
  } catch (e) {
    out.destroy();
    throw e;
  }
  return h.digest('hex');
}
