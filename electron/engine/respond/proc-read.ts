import { open, readFile } from 'node:fs/promises';

/** Reads at most `max` bytes of a /proc file (they report size 0, so fs.readFile's size hint is useless). */
export async function readProcFile(file: string, max: number): Promise<{ data: Buffer; truncated: boolean }> {
  const fh = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(1 << 20, max + 1 - total));
      if (buf.length === 0) break;
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
    }
    const data = Buffer.concat(chunks);
    return data.length > max ? { data: data.subarray(0, max), truncated: true } : { data, truncated: false };
  } finally {
    await fh.close();
  }
}

/**
 * The executable a process runs, through the kernel's handle on it: /proc/PID/exe still opens when the file
 * was deleted from disk, which is the case an analyst needs most.
 */
export async function readExe(
  pid: number,
  max: number,
): Promise<{ data: Buffer; truncated: boolean; path: string; deleted: boolean }> {
  const { readlink } = await import('node:fs/promises');
  const link = await readlink(`/proc/${pid}/exe`).catch(() => '');
  const { data, truncated } = await readProcFile(`/proc/${pid}/exe`, max);
  return { data, truncated, path: link.replace(/ \(deleted\)$/, ''), deleted: link.endsWith(' (deleted)') };
}

export interface MapRegion {
  start: bigint;
  end: bigint;
  perms: string;
  path: string;
}

export function parseMaps(text: string): MapRegion[] {
  const out: MapRegion[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S{4})\s+\S+\s+\S+\s+\d+\s*(.*)$/.exec(line);
    if (m) out.push({ start: BigInt(`0x${m[1]}`), end: BigInt(`0x${m[2]}`), perms: m[3]!, path: m[4]!.trim() });
  }
  return out;
}

/**
 * Memory of one process: every readable region of its maps, in order, until `max` bytes. Regions the kernel
 * refuses (vvar, guard pages) are skipped and listed, so the index says exactly what the dump holds.
 */
export async function readMemory(
  pid: number,
  max: number,
): Promise<{
  data: Buffer;
  regions: Array<{
    start: string;
    end: string;
    perms: string;
    path: string;
    offset: number;
    size: number;
    error?: string;
  }>;
  truncated: boolean;
}> {
  const maps = parseMaps((await readFile(`/proc/${pid}/maps`, 'utf8')).slice(0, 4 << 20));
  const fh = await open(`/proc/${pid}/mem`, 'r');
  const chunks: Buffer[] = [];
  const regions: Array<{
    start: string;
    end: string;
    perms: string;
    path: string;
    offset: number;
    size: number;
    error?: string;
  }> = [];
  let total = 0;
  let truncated = false;
  try {
    for (const r of maps) {
      if (!r.perms.startsWith('r')) continue;
      const want = Number(r.end - r.start);
      const room = max - total;
      if (room <= 0) {
        truncated = true;
        break;
      }
      const size = Math.min(want, room);
      const entry = {
        start: `0x${r.start.toString(16)}`,
        end: `0x${r.end.toString(16)}`,
        perms: r.perms,
        path: r.path.slice(0, 512),
        offset: total,
        size: 0,
      } as (typeof regions)[number];
      try {
        const buf = Buffer.alloc(size);
        const { bytesRead } = await fh.read(buf, 0, size, Number(r.start));
        chunks.push(buf.subarray(0, bytesRead));
        entry.size = bytesRead;
        total += bytesRead;
        if (size < want) truncated = true;
      } catch (e) {
        entry.error = String((e as NodeJS.ErrnoException).code ?? (e as Error).message).slice(0, 100);
      }
      regions.push(entry);
    }
  } finally {
    await fh.close();
  }
  return { data: Buffer.concat(chunks), regions, truncated };
}
