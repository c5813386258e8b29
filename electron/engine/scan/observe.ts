import type Docker from 'dockerode';
import type { ContainerEvidence, EngineEvidence, StatsSample } from '@shared/domain/evidence-set.js';
import type { NetworkSnapshot } from '@shared/domain/network.js';
import {
  MAX_OBSERVATION_SAMPLES,
  MAX_OBSERVED_PROCESSES,
  type ContainerObservation,
  type Observation,
  type ObservedProcess,
} from '@shared/domain/observation.js';
import { toAppError } from '../errors.js';
import { artifactRef } from '../collect/artifacts.js';
import { hostPidIndex } from '../collect/host-procs.js';
import { createLimiter } from '../collect/limiter.js';
import { attributeSockets } from '../collect/sockets.js';
import { mapStats } from '../collect/stats.js';
import { apiTop } from '../collect/top.js';
import { withTimeout } from '../collect/timeout.js';
import { hostCmdline, hostTick, type ContainerTick } from './host-sample.js';

export interface ObserveOptions {
  durationMs: number;
  /** Gap between samples; by default one second, widened so the samples stay within MAX_OBSERVATION_SAMPLES. */
  intervalMs?: number;
  procRoot?: string;
  callTimeoutMs?: number;
  concurrency?: number;
  signal?: AbortSignal;
  onSample?: (done: number, total: number) => void;
}

/** Sample gap for a duration: one a second where the bound allows, never faster. */
export function observationInterval(durationMs: number): number {
  return Math.max(1000, Math.ceil(durationMs / (MAX_OBSERVATION_SAMPLES - 1)));
}

const PAGE_BYTES = 4096;
// Linux reports CPU time in USER_HZ, 100 on every architecture Docker runs on: ticks per second are percent of a core.
const CLK_TCK = 100;

type RawStats = Parameters<typeof mapStats>[0];

/** What one container's samples add up to while the observation runs. */
class Recorder {
  readonly samples: ContainerObservation['samples'] = [];
  readonly processes = new Map<string, ObservedProcess>();
  readonly sockets: NetworkSnapshot[] = [];
  readonly stats: StatsSample[] = [];
  truncated = false;
  prev?: { at: number; ticks: Map<string, number> };
  prevRaw?: RawStats;
  raw: unknown[] = [];

  constructor(
    readonly ev: ContainerEvidence,
    readonly host: boolean,
  ) {}

  see(key: string, at: string, p: Omit<ObservedProcess, 'firstSeen' | 'lastSeen' | 'seenIn' | 'transient'>): boolean {
    const known = this.processes.get(key);
    if (known) {
      known.lastSeen = at;
      known.seenIn++;
      return false;
    }
    if (this.processes.size >= MAX_OBSERVED_PROCESSES) {
      this.truncated = true;
      return false;
    }
    this.processes.set(key, { ...p, firstSeen: at, lastSeen: at, seenIn: 1, transient: false });
    return true;
  }
}

/**
 * Samples every running container repeatedly for `durationMs`: processes, socket tables (TIME_WAIT rows included)
 * and CPU, memory and network counters. The samples join the scan's own evidence (socket snapshots and stats
 * samples, oldest first), so detectors that need behaviour over time see it from one scan. Host-side reads on a
 * local engine, `top` and one-shot stats otherwise. A failed sample is an error entry; the observation goes on.
 */
export async function observeEngine(
  docker: Docker,
  evidence: EngineEvidence,
  opts: ObserveOptions,
): Promise<Observation> {
  const procRoot = opts.procRoot ?? '/proc';
  const intervalMs = opts.intervalMs ?? observationInterval(opts.durationMs);
  const total = Math.min(MAX_OBSERVATION_SAMPLES, Math.floor(opts.durationMs / intervalMs) + 1);
  const timeoutMs = opts.callTimeoutMs ?? 15_000;
  const limit = createLimiter(Math.max(1, opts.concurrency ?? 8));
  const recorders = evidence.containers
    .filter((c) => c.container.state === 'running')
    .map(
      (c) =>
        new Recorder(
          c,
          evidence.engine.local && c.access === 'host' && (c.processes.host?.source.startsWith('host:') ?? false),
        ),
    );
  const failed = new Set<string>();
  const sampledAt: string[] = [];
  const started = Date.now();

  for (let i = 0; i < total && !opts.signal?.aborted; i++) {
    // Samples keep to a fixed schedule from the start: a slow sample shortens the wait, never shifts the rest.
    const due = started + i * intervalMs;
    if (Date.now() < due) await sleep(due - Date.now(), opts.signal);
    if (opts.signal?.aborted) break;
    const at = new Date().toISOString();
    sampledAt.push(at);
    const index = recorders.some((r) => r.host) ? await hostPidIndex(procRoot) : undefined;
    await Promise.all(
      recorders.map((r) =>
        limit(async () => {
          try {
            if (r.host)
              await recordHost(
                r,
                await hostTick(
                  procRoot,
                  (index!.get(r.ev.container.id) ?? []).sort((a, b) => a - b),
                ),
                at,
                procRoot,
              );
            else await recordApi(r, docker, at, timeoutMs);
          } catch (e) {
            // One error entry per container and call, not one per sample.
            const key = `${r.ev.container.id}`;
            if (failed.has(key)) return;
            failed.add(key);
            const err = toAppError(e, `container ${r.ev.container.id.slice(0, 12)}`);
            evidence.errors.push({
              containerId: r.ev.container.id,
              call: r.host ? 'observe host:/proc' : 'observe top/stats',
              code: err.code,
              message: err.message.slice(0, 2048),
            });
          }
        }),
      ),
    );
    opts.onSample?.(i + 1, total);
  }

  for (const r of recorders) finish(r, sampledAt.at(-1));
  const hosts = recorders.filter((r) => r.host).length;
  return {
    startedAt: new Date(started).toISOString(),
    endedAt: new Date().toISOString(),
    durationMs: opts.durationMs,
    intervalMs,
    sampleCount: sampledAt.length,
    sampledAt,
    source: hosts === recorders.length ? 'host' : hosts === 0 ? 'api' : 'mixed',
  };
}

async function recordHost(r: Recorder, tick: ContainerTick, at: string, procRoot: string): Promise<void> {
  const id = r.ev.container.id;
  const ticks = new Map<string, number>();
  let cpuTicks = 0;
  const fresh: Array<Promise<void>> = [];
  for (const p of tick.procs) {
    const key = `${p.pid}:${p.startTicks}`;
    ticks.set(key, p.cpuTicks);
    // A process born since the last sample spent all its ticks in this interval.
    cpuTicks += p.cpuTicks - (r.prev?.ticks.get(key) ?? (r.prev ? 0 : p.cpuTicks));
    if (r.see(key, at, { pid: p.pid, ppid: p.ppid, comm: p.comm, cmdline: '' })) {
      const entry = r.processes.get(key)!;
      // A process that exited before its argv was read keeps its name: that it ran is the point.
      fresh.push(hostCmdline(procRoot, p.pid).then((c) => void (entry.cmdline = c || p.comm)));
    }
  }
  await Promise.all(fresh);
  r.samples.push({ at, pids: tick.procs.map((p) => p.pid).slice(0, 4096), sockets: tick.sockets?.length });
  if (tick.sockets) {
    attributeSockets(tick.sockets, r.ev.processes.host?.processes ?? []);
    r.sockets.push({
      containerId: id,
      source: `host:/proc/PID/net (observed sample ${r.samples.length})`,
      collectedAt: at,
      sockets: tick.sockets.slice(0, 100_000),
    });
  }
  if (r.prev) {
    const dt = (tick.at - r.prev.at) / 1000;
    if (dt > 0) {
      r.stats.push({
        at,
        cpuPercent: Math.max(0, cpuTicks / CLK_TCK / dt) * 100,
        memoryBytes: tick.procs.reduce((s, p) => s + p.rssPages * PAGE_BYTES, 0),
        pids: tick.procs.length,
        netRxBytes: tick.rxBytes,
        netTxBytes: tick.txBytes,
      });
    }
  }
  r.prev = { at: tick.at, ticks };
  r.raw.push({ at, procs: tick.procs, sockets: tick.sockets?.length, rx: tick.rxBytes, tx: tick.txBytes });
}

async function recordApi(r: Recorder, docker: Docker, at: string, timeoutMs: number): Promise<void> {
  const id = r.ev.container.id;
  const [top, raw] = await Promise.all([
    withTimeout((signal) => apiTop(docker, id, signal), timeoutMs, 'top'),
    withTimeout(
      (signal) =>
        docker.getContainer(id).stats({ stream: false, 'one-shot': true, abortSignal: signal } as {
          stream: false;
        }) as unknown as Promise<RawStats>,
      timeoutMs,
      'stats',
    ),
  ]);
  for (const p of top.snapshot.processes)
    r.see(`${p.pid}:${p.cmdline}`, at, { pid: p.pid, ppid: p.ppid, comm: p.comm, cmdline: p.cmdline });
  r.samples.push({ at, pids: top.snapshot.processes.map((p) => p.pid).slice(0, 4096) });
  if (r.prevRaw) r.stats.push({ ...mapStats(raw, r.prevRaw), at });
  r.prevRaw = raw;
  r.raw.push({ at, top: top.raw, stats: raw });
}

/** Joins a container's samples to its evidence: socket snapshots and stats oldest first, the process record, provenance. */
function finish(r: Recorder, lastAt: string | undefined): void {
  const initial = new Set((r.ev.processes.host?.processes ?? []).map((p) => p.pid));
  const processes = [...r.processes.values()];
  for (const p of processes) p.transient = !initial.has(p.pid) || p.lastSeen !== lastAt;
  r.ev.sockets.push(...r.sockets);
  r.ev.stats.push(...r.stats);
  r.ev.observation = { samples: r.samples, processes, truncated: r.truncated };
  if (r.raw.length)
    r.ev.artifacts.push(
      artifactRef(
        r.host ? 'proc' : 'stats',
        `${r.host ? 'host:/proc/{PID}/{stat,net/*}' : 'GET /containers/{id}/top + stats?one-shot=1'} x${r.raw.length} (observed)`,
        JSON.stringify(r.raw),
        r.ev.container.id,
      ),
    );
  r.raw = [];
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
