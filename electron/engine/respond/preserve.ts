import type Docker from 'dockerode';
import { sha256Hex } from '../cases/blob-store.js';
import { fsDiffTar } from './fs-diff-tar.js';
import { readExe, readMemory, readProcFile } from './proc-read.js';

export const PRESERVE_LIMITS = {
  exeBytes: 256 << 20,
  procFileBytes: 4 << 20,
  logBytes: 16 << 20,
  diffBytes: 512 << 20,
  diffPaths: 20_000,
  processes: 256,
  memoryBytes: 256 << 20,
};

/** One piece of preserved evidence before it is stored: the bytes and where they came from. */
export interface PreservedItem {
  kind: string;
  source: string;
  data: Buffer;
  mediaType: string;
  note?: string;
}

export interface ManifestEntry {
  kind: string;
  source: string;
  sha256: string;
  size: number;
  note?: string;
}

/**
 * Collects what an analyst needs from a suspect container before it is stopped or removed. `hostProc` says
 * whether the engine runs on this host, so that its processes are visible under /proc here; a remote engine
 * yields the filesystem diff and logs only, and the manifest says so.
 */
export async function collectPreserve(
  container: Docker.Container,
  opts: { hostProc: boolean; memoryPid?: number; memoryBytes?: number },
  emit: (item: PreservedItem) => void,
): Promise<string[]> {
  const notes: string[] = [];
  const diff = await fsDiffTar(container, { maxBytes: PRESERVE_LIMITS.diffBytes, maxPaths: PRESERVE_LIMITS.diffPaths });
  emit({
    kind: 'fs-diff',
    source: `GET /containers/${container.id}/changes + archive`,
    data: diff.tar,
    mediaType: 'application/x-tar',
    note: diff.truncated ? 'truncated at the size or path limit' : undefined,
  });
  emit({
    kind: 'fs-changes',
    source: `GET /containers/${container.id}/changes`,
    data: Buffer.from(JSON.stringify({ changes: diff.changes, errors: diff.errors }, null, 1)),
    mediaType: 'application/json',
  });

  const logs = await containerLogs(container, PRESERVE_LIMITS.logBytes);
  emit({
    kind: 'logs',
    source: `GET /containers/${container.id}/logs?tail=all`,
    data: logs.data,
    mediaType: 'application/octet-stream',
    note: logs.truncated ? `first ${PRESERVE_LIMITS.logBytes} bytes` : undefined,
  });

  const pids = await hostPids(container);
  if (!opts.hostProc) {
    notes.push('the engine is not on this host: process executables, maps and environ were not read');
  } else {
    for (const pid of pids.slice(0, PRESERVE_LIMITS.processes)) {
      try {
        const exe = await readExe(pid, PRESERVE_LIMITS.exeBytes);
        emit({
          kind: 'process-exe',
          source: `/proc/${pid}/exe -> ${exe.path.slice(0, 1024)}${exe.deleted ? ' (deleted)' : ''}`,
          data: exe.data,
          mediaType: 'application/octet-stream',
          note: exe.truncated ? 'truncated' : undefined,
        });
      } catch (e) {
        notes.push(`pid ${pid} exe: ${errText(e)}`);
      }
      for (const f of ['maps', 'environ'] as const) {
        try {
          const r = await readProcFile(`/proc/${pid}/${f}`, PRESERVE_LIMITS.procFileBytes);
          emit({
            kind: `process-${f}`,
            source: `/proc/${pid}/${f}`,
            data: r.data,
            mediaType: 'text/plain',
            note: r.truncated ? 'truncated' : undefined,
          });
        } catch (e) {
          notes.push(`pid ${pid} ${f}: ${errText(e)}`);
        }
      }
    }
    if (pids.length > PRESERVE_LIMITS.processes)
      notes.push(`only the first ${PRESERVE_LIMITS.processes} of ${pids.length} processes were read`);
  }

  if (opts.memoryPid !== undefined) {
    if (!opts.hostProc) throw new Error('process memory can be read only when the engine runs on this host');
    if (!pids.includes(opts.memoryPid))
      throw new Error(
        `pid ${opts.memoryPid} is not a process of this container (host pids: ${pids.slice(0, 20).join(', ')})`,
      );
    const max = Math.min(opts.memoryBytes ?? 64 << 20, PRESERVE_LIMITS.memoryBytes);
    const mem = await readMemory(opts.memoryPid, max);
    emit({
      kind: 'process-memory',
      source: `/proc/${opts.memoryPid}/mem over readable maps`,
      data: mem.data,
      mediaType: 'application/octet-stream',
      note: mem.truncated ? `bounded at ${max} bytes` : undefined,
    });
    emit({
      kind: 'process-memory-index',
      source: `/proc/${opts.memoryPid}/maps`,
      data: Buffer.from(JSON.stringify(mem.regions, null, 1)),
      mediaType: 'application/json',
    });
  }
  return notes;
}

/** Host PIDs of the container's processes, as the engine's top reports them (ps on the engine host). */
export async function hostPids(container: Docker.Container): Promise<number[]> {
  const state = ((await container.inspect()) as { State?: { Running?: boolean } }).State;
  if (!state?.Running) return [];
  const top = (await container.top()) as { Titles?: string[]; Processes?: string[][] };
  const col = (top.Titles ?? []).indexOf('PID');
  if (col < 0) return [];
  return (top.Processes ?? []).map((p) => Number(p[col])).filter((n) => Number.isInteger(n) && n > 0);
}

/** Logs as the engine stores them, stdout and stderr demultiplexed into one stream with no framing. */
async function containerLogs(container: Docker.Container, max: number): Promise<{ data: Buffer; truncated: boolean }> {
  const info = (await container.inspect()) as { Config?: { Tty?: boolean } };
  const raw = (await container.logs({
    stdout: true,
    stderr: true,
    follow: false,
    timestamps: true,
  })) as unknown as Buffer;
  const data = info.Config?.Tty ? raw : demux(raw);
  return data.length > max ? { data: data.subarray(0, max), truncated: true } : { data, truncated: false };
}

function demux(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i + 4);
    out.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(out);
}

const errText = (e: unknown) => String((e as NodeJS.ErrnoException).code ?? (e as Error).message).slice(0, 200);

export const manifestEntry = (item: PreservedItem): ManifestEntry => ({
  kind: item.kind,
  source: item.source,
  sha256: sha256Hex(item.data),
  size: item.data.length,
  note: item.note,
});
