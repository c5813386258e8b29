import { access } from 'node:fs/promises';
import type { EngineConfig } from '@shared/domain/engine.js';
import { containerIdOfCgroup, parseStatus } from './proc-parse.js';
import { linkSync, textSync } from './sync-fs.js';

/**
 * An engine counts as local when it is reached over a unix socket on this host. Each container is then
 * checked on its own (canReadHostProc), because a socket can also lead to a daemon in a VM or another
 * PID namespace, where our /proc shows different processes.
 */
export async function engineLooksLocal(config: Pick<EngineConfig, 'endpoint'>): Promise<boolean> {
  if (config.endpoint.type !== 'unix') return false;
  return access(config.endpoint.socketPath).then(
    () => true,
    () => false,
  );
}

/** True when host PID `pid` is readable here and really belongs to `containerId` (its cgroup says so). */
export async function canReadHostProc(
  procRoot: string,
  pid: number | undefined,
  containerId: string,
): Promise<boolean> {
  if (!pid) return false;
  const exe = linkSync(`${procRoot}/${pid}/exe`);
  return exe !== null && containerIdOfCgroup(textSync(`${procRoot}/${pid}/cgroup`) ?? '') === containerId;
}

/** How deep the container's PID namespace is nested: the index in NSpid that holds in-container PIDs. */
export async function pidNamespaceDepth(procRoot: string, initPid: number): Promise<number> {
  const status = textSync(`${procRoot}/${initPid}/status`) ?? '';
  return Math.max(1, parseStatus(status).nsPids.length);
}
