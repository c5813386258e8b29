import { execFile } from 'node:child_process';
import path from 'node:path';
import type { FileFlag } from '../../../shared/domain/file-change.js';

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
    execFile('lsattr', ['-d', '--', ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (_err, stdout) => resolve(String(stdout ?? '')));
  });
}

/**
 * Immutable and append-only flags of container paths, read on the host. Through a mounted view (the
 * merged dir or /proc/PID/root) overlayfs reports the flags it keeps for the container (since Linux 5.15
 * they live in an xattr of the upper file, not in its inode flags); on the upper dir of a stopped container
 * only the inode flags are visible.
 */
export async function hostFileAttrs(root: string, paths: string[], timeoutMs = 10_000): Promise<{ flags: Map<string, FileFlag[]>; raw: string }> {
  const flags = new Map<string, FileFlag[]>();
  let raw = '';
  for (let i = 0; i < paths.length; i += CHUNK) {
    const chunk = paths.slice(i, i + CHUNK);
    const out = await lsattr(
      chunk.map((p) => path.posix.join(root, p)),
      timeoutMs,
    );
    raw += out;
    for (const [hostPath, f] of parseLsattr(out)) {
      if (hostPath.startsWith(`${root}/`)) flags.set(hostPath.slice(root.length), f);
    }
  }
  return { flags, raw };
}
