import type Docker from 'dockerode';
import tarStream from 'tar-stream';
import type { Readable } from 'node:stream';

export interface FsChange {
  path: string;
  kind: 'modified' | 'added' | 'deleted';
}

const KINDS = ['modified', 'added', 'deleted'] as const;

/**
 * The container's writable layer as one tar, built with the Engine API alone (works on remote engines): the
 * changes list names what was added or modified, and each leaf of it is fetched through the archive API and
 * re-packed under its absolute path. Parents that only changed because a child did are not fetched twice.
 */
export async function fsDiffTar(
  container: Docker.Container,
  limits: { maxBytes: number; maxPaths: number },
): Promise<{ tar: Buffer; changes: FsChange[]; truncated: boolean; errors: string[] }> {
  const got: unknown = await container.changes();
  // An unchanged container answers `null`, which dockerode hands back as a Buffer.
  const raw = (Array.isArray(got) ? got : []) as Array<{ Path: string; Kind: number }>;
  const changes: FsChange[] = raw
    .slice(0, 100_000)
    .map((c) => ({ path: String(c.Path).slice(0, 4096), kind: KINDS[c.Kind] ?? 'modified' }));
  const live = changes
    .filter((c) => c.kind !== 'deleted')
    .map((c) => c.path)
    .sort();
  const leaves = live.filter((p, i) => !live[i + 1]?.startsWith(`${p}/`));
  const pack = tarStream.pack();
  const out: Buffer[] = [];
  pack.on('data', (d) => void out.push(d as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const errors: string[] = [];
  let bytes = 0;
  let truncated = leaves.length > limits.maxPaths;
  for (const leaf of leaves.slice(0, limits.maxPaths)) {
    if (bytes >= limits.maxBytes) {
      truncated = true;
      break;
    }
    try {
      const stream = (await container.getArchive({ path: leaf })) as unknown as Readable;
      bytes += await repack(stream, leaf, pack, limits.maxBytes - bytes, () => (truncated = true));
    } catch (e) {
      errors.push(`${leaf}: ${((e as Error).message ?? String(e)).split('\n')[0]!.slice(0, 200)}`);
    }
  }
  pack.finalize();
  await done;
  return { tar: Buffer.concat(out), changes, truncated, errors };
}

/** Copies the entries of one archive-API tar into `pack`, renaming them from the basename to the absolute path. */
function repack(
  stream: Readable,
  leaf: string,
  pack: tarStream.Pack,
  room: number,
  onCut: () => void,
): Promise<number> {
  const parent = leaf.slice(0, leaf.lastIndexOf('/'));
  const extract = tarStream.extract();
  let written = 0;
  return new Promise((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on('data', (d) => void chunks.push(d as Buffer));
      body.on('end', () => {
        const data = Buffer.concat(chunks);
        if (header.type === 'file' && written + data.length > room) {
          onCut();
          return next();
        }
        written += data.length;
        const name = `${parent}/${header.name}`.replace(/^\/+/, '');
        const h = { ...header, name, size: header.type === 'file' ? data.length : 0 };
        if (header.type === 'file') pack.entry(h, data, (err) => next(err ?? undefined));
        else {
          pack.entry(h);
          next();
        }
      });
      body.on('error', reject);
    });
    extract.on('finish', () => resolve(written));
    extract.on('error', reject);
    stream.on('error', reject);
    stream.pipe(extract);
  });
}
