import { execFile } from 'node:child_process';
import path from 'node:path';
import type { FileFlag } from '@shared/domain/file-change.js';
import { InodeCache, type InodeStamp } from './inode-cache.js';
import { lsattrRunner, type LsattrRunner } from './lsattr-runner.js';
import { unescapeOctal } from './proc-parse.js';

const CHUNK = 400;

/** Parses `lsattr -d` lines ("----i---------e------- /path") to flags per path, keyed by the path printed. */
export function parseLsattr(stdout: string): Map<string, FileFlag[]> {
  const out = new Map<string, FileFlag[]>();
  for (const line of stdout.split('\n')) {
    const m = /^([-a-zA-Z]{4,})\s+(.+)$/.exec(line);
    if (!m) continue;
    const flags: FileFlag[] = [];
    if (m[1]!.includes('i')) flags.push('immutable');
    if (m[1]!.includes('a')) flags.push('append-only');
    out.set(m[2]!, flags);
  }
  return out;
}

function lsattr(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    // lsattr exits non-zero when one path has no flags to read (devices, sockets); the other lines still count.
    execFile('lsattr', ['-d', '--', ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (_err, stdout) =>
      resolve(String(stdout ?? '')),
    );
  });
}

/**
 * Immutable and append-only flags of container paths, read on the host. Through a mounted view (the
 * merged dir or /proc/PID/root) overlayfs reports the flags it keeps for the container (since Linux 5.15
 * they live in an xattr of the upper file, not in its inode flags); on the upper dir of a stopped container
 * only the inode flags are visible, and `overlayProtAttrs` reads the xattr.
 */
export async function hostFileAttrs(
  root: string,
  paths: string[],
  reader: AttrReader = directReader,
): Promise<{ flags: Map<string, FileFlag[]>; raw: string }> {
  const res = await reader(paths.map((p) => path.posix.join(root, p)));
  const flags = new Map<string, FileFlag[]>();
  for (const [hostPath, f] of res.flags) {
    if (hostPath.startsWith(`${root}/`)) flags.set(hostPath.slice(root.length), f);
  }
  return { flags, raw: res.raw };
}

/** One lsattr run per call (chunked), for a single container outside a scan. */
const directReader: AttrReader = async (hostPaths) => {
  const flags = new Map<string, FileFlag[]>();
  let raw = '';
  for (let i = 0; i < hostPaths.length; i += CHUNK) {
    const out = await lsattr(hostPaths.slice(i, i + CHUNK), 10_000);
    raw += out;
    for (const [p, f] of parseLsattr(out)) flags.set(p, f);
  }
  return { flags, raw };
};

export type AttrReader = (hostPaths: string[]) => Promise<{ flags: Map<string, FileFlag[]>; raw: string }>;

/** Paths per lsattr run, bounded by count and by argument bytes (well under ARG_MAX). */
const RUN_PATHS = 2000;
const RUN_BYTES = 256 * 1024;

/**
 * Flags and lsattr's line (kept as evidence of what was read), by host path, while the file's upper-dir inode is
 * unchanged: a steady engine's rescans start no lsattr for files that did not change.
 */
const keptFlags = new InodeCache<{ flags: FileFlag[]; line: string }>(100_000);

/** A request made during an engine scan and answered once every container is read. */
interface DeferredAttrs {
  root: string;
  paths: string[];
  stamps?: ReadonlyMap<string, InodeStamp>;
  /** Paths answered by an earlier read, taken when deferred (the cache may drop them before the flush). */
  kept: Map<string, { flags: FileFlag[]; line: string }>;
  apply: (flags: Map<string, FileFlag[]>, raw: string, kept: number) => void;
}

/**
 * Paths per list handed to the runner while the scan goes on. Each list starts xargs and lsattr, some 20 ms of CPU
 * before the first path (about 0.02 ms each after that): on a machine whose cores the scan already keeps busy, the
 * starts cost more than lists read early save. About one xargs command line of container paths.
 */
const LIST_PATHS = 1000;

/**
 * The flag reads of a whole engine scan, answered together at its end: a container that waited for its own lsattr
 * would hold its collection slot meanwhile. Containers register what they need (`defer`), with the upper dir's
 * stamp of each path where they have it: a path whose stamp is the same as at an earlier read keeps that read's
 * flags and line. The other paths go to the process's lsattr runner in lists as they come, and `flush` waits for
 * the last list and hands each container its own lines. Where the runner cannot run, `flush` runs lsattr over every
 * path at once, in as few runs as the argument limit allows.
 */
export function createDeferredAttrs(timeoutMs = 10_000, runner: LsattrRunner = lsattrRunner()) {
  const requests: DeferredAttrs[] = [];
  const lists: Promise<string | null>[] = [];
  const streamed = new Set<string>();
  let list: string[] = [];
  // The earliest time this batch's lsattr runs can have read a path: what they print is kept against stamps older.
  let firstSent: number | undefined;
  const send = () => {
    if (!list.length) return;
    firstSent ??= Date.now();
    lists.push(runner.run(list, timeoutMs));
    list = [];
  };
  return {
    defer(
      root: string,
      paths: string[],
      apply: DeferredAttrs['apply'],
      stamps?: ReadonlyMap<string, InodeStamp>,
    ): void {
      if (!paths.length) return;
      const kept = new Map<string, { flags: FileFlag[]; line: string }>();
      requests.push({ root, paths, stamps, kept, apply });
      for (const p of paths) {
        const hostPath = path.posix.join(root, p);
        const k = keptFlags.get(hostPath, stamps?.get(p));
        if (k) kept.set(p, k);
        if (k || streamed.has(hostPath)) continue;
        streamed.add(hostPath);
        list.push(hostPath);
      }
      if (list.length >= LIST_PATHS) send();
    },
    async flush(): Promise<void> {
      send();
      const batch = requests.splice(0);
      const outs = await Promise.all(lists.splice(0));
      const ranAll = outs.every((o) => o !== null);
      const all = ranAll ? [] : [...streamed];
      const readStartedAt = firstSent ?? Date.now();
      firstSent = undefined;
      const runs: string[][] = [];
      let run: string[] = [];
      let bytes = 0;
      for (const p of all) {
        if (run.length && (run.length >= RUN_PATHS || bytes + p.length + 1 > RUN_BYTES)) {
          runs.push(run);
          run = [];
          bytes = 0;
        }
        run.push(p);
        bytes += p.length + 1;
      }
      if (run.length) runs.push(run);
      streamed.clear();
      const lines = new Map<string, string>();
      const flags = new Map<string, FileFlag[]>();
      const take = (out: string) => {
        for (const line of out.split('\n')) {
          const m = /^[-a-zA-Z]{4,}\s+(.+)$/.exec(line);
          if (m) lines.set(m[1]!, line);
        }
        for (const [p, f] of parseLsattr(out)) flags.set(p, f);
      };
      if (ranAll) for (const o of outs) take(o!);
      // Two at a time: one per core of a small machine.
      for (let i = 0; i < runs.length; i += 2)
        for (const out of await Promise.all(runs.slice(i, i + 2).map((r) => lsattr(r, timeoutMs)))) take(out);
      for (const r of batch) {
        const mine = new Map<string, FileFlag[]>();
        const raw: string[] = [];
        for (const p of r.paths) {
          const hostPath = path.posix.join(r.root, p);
          const k = r.kept.get(p);
          if (k) {
            mine.set(p, k.flags);
            raw.push(k.line);
            continue;
          }
          const line = lines.get(hostPath);
          const f = flags.get(hostPath);
          if (f) mine.set(p, f);
          if (line) raw.push(line);
          if (line !== undefined)
            keptFlags.remember(hostPath, r.stamps?.get(p), readStartedAt, { flags: [...(f ?? [])], line });
        }
        r.apply(mine, raw.join('\n'), r.kept.size);
      }
    },
  };
}

export type DeferredAttrReader = ReturnType<typeof createDeferredAttrs>;

/** Parses `getfattr -d` output for overlayfs' protection attribute ("i" immutable, "a" append-only) per path. */
export function parseProtAttrs(stdout: string): Map<string, FileFlag[]> {
  const out = new Map<string, FileFlag[]>();
  let file: string | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('# file: ')) file = unescapeOctal(line.slice(8));
    const m = /^(?:trusted|user)\.overlay\.protattr="([a-z]*)"$/.exec(line);
    if (!m || file === undefined) continue;
    const flags: FileFlag[] = [];
    if (m[1]!.includes('i')) flags.push('immutable');
    if (m[1]!.includes('a')) flags.push('append-only');
    out.set(file, [...new Set([...(out.get(file) ?? []), ...flags])]);
  }
  return out;
}

function getfattr(paths: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // -m matches the attribute under either prefix (user. when overlay is mounted with userxattr); files
    // without it are skipped silently, so a non-zero exit alone is not a failure.
    execFile(
      'getfattr',
      ['--absolute-names', '-d', '-m', '^(trusted|user)\\.overlay\\.protattr$', '--', ...paths],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout) => {
        if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
          reject(
            new Error(
              'getfattr is not installed (package "attr"), so the immutable and append-only flags of stopped containers cannot be read',
            ),
          );
        } else resolve(String(stdout ?? ''));
      },
    );
  });
}

/**
 * The flags overlayfs keeps in the `overlay.protattr` xattr of upper-layer files: readable without a mounted
 * view, so they are seen for stopped containers too. Keyed by container path, like hostFileAttrs.
 */
export async function overlayProtAttrs(
  upper: string,
  paths: string[],
  timeoutMs = 10_000,
): Promise<{ flags: Map<string, FileFlag[]>; raw: string }> {
  const flags = new Map<string, FileFlag[]>();
  let raw = '';
  const hostPaths = paths.map((p) => path.posix.join(upper, p));
  for (let i = 0; i < hostPaths.length; i += CHUNK) {
    const out = await getfattr(hostPaths.slice(i, i + CHUNK), timeoutMs);
    raw += out;
    for (const [p, f] of parseProtAttrs(out)) if (p.startsWith(`${upper}/`)) flags.set(p.slice(upper.length), f);
  }
  return { flags, raw };
}
