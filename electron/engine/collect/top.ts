import type Docker from 'dockerode';
import type { ProcessInfo, ProcessSnapshot } from '@shared/domain/process.js';
import { processFlags } from './host-procs.js';

/** ps columns docker's `top` passes to ps on the engine's host; `-e` because the daemon filters by the container's PIDs. */
export const TOP_PS_ARGS = '-eo pid,ppid,user,pcpu,comm,args';

/** Host-side process view through the Engine API, for engines whose /proc we cannot read. */
export function mapTop(containerId: string, raw: { Titles?: string[]; Processes?: string[][] }): ProcessSnapshot {
  const titles = (raw.Titles ?? []).map((t) => t.toUpperCase());
  const col = (name: string) => titles.indexOf(name);
  const [iPid, iPpid, iUser, iComm, iCpu] = [col('PID'), col('PPID'), col('USER'), col('COMMAND'), col('%CPU')];
  // ps prints two COMMAND columns (comm, then args); the last one is argv.
  const iArgs = titles.lastIndexOf('COMMAND');
  const processes: ProcessInfo[] = (raw.Processes ?? []).slice(0, 100_000).map((row) => {
    const p: ProcessInfo = {
      pid: Number(row[iPid]) || 0,
      ppid: Number(row[iPpid]) || 0,
      user: row[iUser] ?? '',
      comm: row[iComm] ?? '',
      cmdline: row[iArgs] ?? '',
      flags: [],
      cpuPercent:
        iCpu >= 0 && row[iCpu] !== undefined && !Number.isNaN(Number(row[iCpu])) ? Number(row[iCpu]) : undefined,
    };
    p.flags = processFlags(p);
    return p;
  });
  return {
    containerId,
    view: 'host',
    source: 'GET /containers/{id}/top',
    collectedAt: new Date().toISOString(),
    processes,
  };
}

export async function apiTop(
  docker: Docker,
  containerId: string,
  signal?: AbortSignal,
): Promise<{ snapshot: ProcessSnapshot; raw: string }> {
  const raw = (await docker.getContainer(containerId).top({ ps_args: TOP_PS_ARGS, abortSignal: signal })) as {
    Titles?: string[];
    Processes?: string[][];
  };
  return { snapshot: mapTop(containerId, raw), raw: JSON.stringify(raw) };
}
