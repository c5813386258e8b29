import path from 'node:path';
import { direntsSync, textSync } from './sync-fs.js';

const MAX_CGROUPS = 256;
const MAX_DEPTH = 4;

/** Directories that may hold the container's cgroup, its pids controller first (the one that tracks every task). */
function candidateDirs(cgroupFile: string, containerId: string, root: string): string[] {
  const dirs: string[] = [];
  const v1: string[] = [];
  for (const line of cgroupFile.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m || !m[3]!.includes(containerId) || m[3]!.includes('..')) continue;
    const rel = m[3]!;
    if (m[1] === '0' && m[2] === '') dirs.push(path.posix.join(root, rel), path.posix.join(root, 'unified', rel));
    else
      for (const ctrl of m[2]!.split(','))
        (ctrl === 'pids' ? dirs : v1).push(path.posix.join(root, ctrl.replace(/^name=/, ''), rel));
  }
  return [...dirs, ...v1];
}

/** Every PID listed in `dir` and the cgroups below it (systemd inside a container makes some), bounded. */
function listedPids(dir: string): number[] | null {
  const own = textSync(`${dir}/cgroup.procs`);
  if (own === null) return null;
  const pids: number[] = [];
  const queue: Array<{ dir: string; depth: number; text: string }> = [{ dir, depth: 0, text: own }];
  let seen = 1;
  while (queue.length) {
    const next = queue.shift()!;
    for (const n of next.text.split('\n')) if (/^\d+$/.test(n)) pids.push(Number(n));
    if (next.depth >= MAX_DEPTH) continue;
    for (const d of direntsSync(next.dir)) {
      if (!d.isDirectory() || seen >= MAX_CGROUPS) continue;
      const sub = `${next.dir}/${d.name}`;
      const text = textSync(`${sub}/cgroup.procs`);
      if (text === null) continue;
      seen++;
      queue.push({ dir: sub, depth: next.depth + 1, text });
    }
  }
  return pids;
}

/**
 * The host PIDs of one container from its own cgroup's process lists: a few small reads, where the host-wide index
 * reads the cgroup file of every process on the host. The runtime puts every process of the container there,
 * `docker exec` ones included (their parent is the shim, so a walk down from the init process would miss them).
 * Null when the cgroup is not mounted where the host's is, or does not list `pid` (a restart between inspect and
 * now): callers then fall back to the host-wide index.
 */
export function containerPidsFromCgroup(
  procRoot: string,
  pid: number,
  containerId: string,
  cgroupRoot = '/sys/fs/cgroup',
): number[] | null {
  // Another procfs (a mounted host /proc, a test's tree) pairs with a cgroup tree we cannot locate.
  if (procRoot !== '/proc' && cgroupRoot === '/sys/fs/cgroup') return null;
  const own = textSync(`${procRoot}/${pid}/cgroup`);
  if (!own || !/^[0-9a-f]{12,64}$/.test(containerId)) return null;
  for (const dir of candidateDirs(own, containerId, cgroupRoot)) {
    const pids = listedPids(dir);
    if (pids === null) continue;
    if (!pids.includes(pid)) return null;
    return [...new Set(pids)].sort((a, b) => a - b);
  }
  return null;
}
