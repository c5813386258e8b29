import type Docker from 'dockerode';
import type { StatsSample } from '@shared/domain/evidence-set.js';

interface RawStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: { cache?: number; inactive_file?: number } };
  pids_stats?: { current?: number };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

/** CPU share between two cumulative readings, scaled to the CPUs the container may use (100 = one full core). */
export function cpuPercent(prev: RawStats['cpu_stats'], cur: RawStats['cpu_stats']): number {
  const cpuDelta = (cur?.cpu_usage?.total_usage ?? 0) - (prev?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (cur?.system_cpu_usage ?? 0) - (prev?.system_cpu_usage ?? 0);
  if (cpuDelta <= 0 || sysDelta <= 0) return 0;
  return (cpuDelta / sysDelta) * (cur?.online_cpus || 1) * 100;
}

export function mapStats(raw: RawStats, prev?: RawStats): StatsSample {
  const nets = Object.values(raw.networks ?? {});
  const mem = raw.memory_stats ?? {};
  const cache = mem.stats?.inactive_file ?? mem.stats?.cache ?? 0;
  return {
    at: raw.read ?? new Date().toISOString(),
    cpuPercent: cpuPercent(prev?.cpu_stats ?? raw.precpu_stats, raw.cpu_stats),
    memoryBytes: Math.max(0, (mem.usage ?? 0) - cache),
    memoryLimitBytes: mem.limit,
    pids: raw.pids_stats?.current ?? 0,
    netRxBytes: nets.reduce((s, n) => s + (n.rx_bytes ?? 0), 0),
    netTxBytes: nets.reduce((s, n) => s + (n.tx_bytes ?? 0), 0),
  };
}

/**
 * Two one-shot readings `intervalMs` apart: the daemon's own one-shot leaves precpu empty, so CPU comes
 * from our two readings. Costs about `intervalMs` per container; only callers that need CPU ask for it.
 */
export async function sampleStats(
  docker: Docker,
  containerId: string,
  intervalMs = 500,
): Promise<{ samples: StatsSample[]; raw: string }> {
  const c = docker.getContainer(containerId);
  const read = () => c.stats({ stream: false, 'one-shot': true } as { stream: false }) as unknown as Promise<RawStats>;
  const first = await read();
  await new Promise((r) => setTimeout(r, intervalMs));
  const second = await read();
  return { samples: [mapStats(second, first)], raw: JSON.stringify([first, second]) };
}
