import type { StatsSample } from '@shared/domain/evidence-set.js';
import type { EngineRegistry } from '../connections/registry.js';
import { toAppError } from '../errors.js';

interface RawStats {
  read?: string;
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
    system_cpu_usage?: number;
    online_cpus?: number;
  };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  pids_stats?: { current?: number };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

/** One resource sample of a container, shaped for the overview's live chart. */
export async function containerStats(
  engines: EngineRegistry,
  engineId: string,
  containerId: string,
): Promise<StatsSample> {
  const docker = await engines.client(engineId);
  try {
    // stream=false waits for a second reading, so precpu is filled and CPU% is a real rate.
    const raw = (await docker.getContainer(containerId).stats({ stream: false })) as unknown as RawStats;
    return toSample(raw);
  } catch (e) {
    throw toAppError(e, `engine "${engineId}"`);
  }
}

export function toSample(raw: RawStats, now = new Date()): StatsSample {
  const cpu = raw.cpu_stats ?? {};
  const pre = raw.precpu_stats ?? {};
  const cpuDelta = (cpu.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const sysDelta = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const cpus = cpu.online_cpus ?? cpu.cpu_usage?.percpu_usage?.length ?? 1;
  const cpuPercent = cpuDelta > 0 && sysDelta > 0 ? (cpuDelta / sysDelta) * cpus * 100 : 0;
  const mem = raw.memory_stats ?? {};
  // What `docker stats` shows: usage without the reclaimable page cache.
  const cache = mem.stats?.inactive_file ?? mem.stats?.total_inactive_file ?? mem.stats?.cache ?? 0;
  const memoryBytes = Math.max(0, (mem.usage ?? 0) - cache);
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(raw.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  const stopped = !raw.read || raw.read.startsWith('0001-');
  return {
    at: stopped ? now.toISOString() : raw.read!,
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryBytes,
    memoryLimitBytes: mem.limit || undefined,
    pids: raw.pids_stats?.current ?? 0,
    netRxBytes: rx,
    netTxBytes: tx,
  };
}
