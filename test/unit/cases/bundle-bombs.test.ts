import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, statSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { makeEvidence, makeFindings, makeScan, tempDataDir } from '../../helpers/case-fixtures.js';

const tmp = tempDataDir('stowaway-bombs-');
afterAll(() => tmp.cleanup());

const MB = 1024 * 1024;
const result = makeScan(makeFindings(3));
const evidenceJson = Buffer.from(JSON.stringify(makeEvidence(result)));

/** `[[],[],…]` of about `bytes`, in chunks, so the test never holds it whole. */
function* nestedArrays(bytes: number): Generator<Buffer> {
  const chunk = Buffer.from('[],'.repeat(MB / 2));
  yield Buffer.from('[');
  for (let n = 0; n + chunk.length < bytes; n += chunk.length) yield chunk;
  yield Buffer.from('[]]');
}

function manifest(files: Array<{ path: string; sha256: string; size: number }>): Buffer {
  return Buffer.from(
    JSON.stringify({
      format: 'stowaway-bundle',
      version: 1,
      createdAt: '2026-11-01T00:00:00.000Z',
      createdBy: 'mallory',
      host: 'h',
      stowawayVersion: '0.1.0',
      engine: { id: 'e', name: 'e', endpoint: 'unix:///x' },
      files,
    }),
  );
}

/** A bundle with an honest manifest whose scan.json is the generated content. */
async function arrayBomb(name: string, bytes: number): Promise<string> {
  const h = createHash('sha256');
  let size = 0;
  for (const c of nestedArrays(bytes)) {
    h.update(c);
    size += c.length;
  }
  const file = path.join(tmp.dir, name);
  const pack = tar.pack();
  const out = pack.pipe(createGzip()).pipe(createWriteStream(file));
  pack.entry(
    { name: 'manifest.json' },
    manifest([
      { path: 'scan.json', sha256: h.digest('hex'), size },
      {
        path: 'evidence.json',
        sha256: createHash('sha256').update(evidenceJson).digest('hex'),
        size: evidenceJson.length,
      },
    ]),
  );
  const entry = pack.entry({ name: 'scan.json', size });
  for (const c of nestedArrays(bytes)) if (!entry.write(c)) await once(entry, 'drain');
  entry.end(Buffer.alloc(0));
  pack.entry({ name: 'evidence.json' }, evidenceJson);
  pack.finalize();
  await once(out, 'finish');
  return file;
}

/** A gzip bomb: a valid first entry, then a gigabyte of zeros that forms no entry at all. */
async function gzipBomb(name: string): Promise<string> {
  const file = path.join(tmp.dir, name);
  const gz = createGzip({ level: 9 });
  const out = gz.pipe(createWriteStream(file));
  const pack = tar.pack();
  pack.entry({ name: 'manifest.json' }, manifest([{ path: 'scan.json', sha256: 'a'.repeat(64), size: 10 }]));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  gz.write(Buffer.concat(chunks));
  const zeros = Buffer.alloc(MB);
  for (let i = 0; i < 1024; i++) if (!gz.write(zeros)) await once(gz, 'drain');
  gz.end();
  await once(out, 'finish');
  return file;
}

describe('hostile bundles are refused quickly, with bounded memory', () => {
  it('refuses nested-array and gzip bombs, in a worker, without building them in memory', async () => {
    const bundles = [
      await arrayBomb('arrays-250mb.tar.gz', 250 * MB),
      await arrayBomb('arrays-48mb.tar.gz', 48 * MB),
      await gzipBomb('zeros-1gb.tar.gz'),
    ];
    // What makes them bombs: a few hundred kilobytes that decompress to hundreds of megabytes or more.
    for (const b of bundles) expect(statSync(b).size).toBeLessThan(2 * MB);
    const data = path.join(tmp.dir, 'data');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/bomb-child.ts'), data, ...bundles],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    await once(child, 'close');
    const lines = out
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { outcome?: string; message?: string; ms?: number; maxRssMb?: number; cases?: number },
      );
    expect(lines, err).toHaveLength(4);
    const [big, within, zeros, total] = lines as [
      (typeof lines)[0],
      (typeof lines)[0],
      (typeof lines)[0],
      (typeof lines)[0],
    ];
    expect(big.outcome).toBe('refused');
    expect(big.message).toMatch(/declares scan.json of \d+ bytes, over the \d+-byte limit/);
    expect(within.outcome).toBe('refused');
    expect(within.message).toMatch(/scan.json has an array or object of more than \d+ members/);
    expect(zeros.outcome).toBe('refused');
    expect(zeros.message).toMatch(/decompresses past|does not contain|not a readable/);
    // Sanity bounds, generous for a loaded machine; the point is seconds and megabytes, not minutes and gigabytes.
    for (const l of [big, within, zeros]) expect(l.ms).toBeLessThan(60_000);
    expect(total.maxRssMb).toBeLessThan(300);
    expect(total.cases).toBe(0);
  }, 300_000);
});
