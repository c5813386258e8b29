import { readFileSync } from 'node:fs';

/**
 * Whether `pid`, as this host's /proc sees it, is a process of the container: its cgroup path names the container's
 * full id. The PID an engine reports is from the engine's own PID namespace; when the engine runs in a VM (Docker
 * Desktop, Colima, Rancher Desktop) or on another host the same number is some unrelated process here.
 */
export function pidInContainer(pid: number, containerId: string, procRoot = '/proc'): boolean {
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return false;
  if (!/^[0-9a-f]{64}$/.test(containerId)) return false;
  try {
    return readFileSync(`${procRoot}/${pid}/cgroup`, 'utf8').includes(containerId);
  } catch {
    return false;
  }
}

export type HangupOutcome = 'signalled' | 'not-local' | 'not-verified' | 'failed';

/** Sends SIGHUP to an exec's process only when the engine is local and the PID is verified to be the container's. */
export function hangUpExec(pid: number, containerId: string, engineIsLocal: boolean): HangupOutcome {
  if (!engineIsLocal) return 'not-local';
  if (!pidInContainer(pid, containerId)) return 'not-verified';
  try {
    process.kill(pid, 'SIGHUP');
    return 'signalled';
  } catch {
    return 'failed';
  }
}
