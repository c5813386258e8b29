import os from 'node:os';
import { isMainThread, Worker } from 'node:worker_threads';
import { workerEntry } from '../worker-entry.js';
import { AppError } from '@shared/errors.js';
import type { HostSideJob, HostSideResult } from './host-side.js';

export interface HostReadRequest {
  seq: number;
  /** The engine scan the job belongs to: its containers share layer lookups on the worker. */
  scan: string;
  job: HostSideJob;
}
export type HostReadReply = { seq: number; result: HostSideResult } | { seq: number; error: string };

interface Slot {
  worker: Worker;
  ready: boolean;
  busy: number;
}

/** Jobs one worker holds at once: enough to keep it busy while replies travel, few enough to spread the work. */
const PER_WORKER = 4;

/**
 * Worker threads that run the host-side reads of local containers, shared by every engine scan of the process.
 * A job waits for a free worker; while none has started yet, or none can start, it runs on the caller's thread,
 * so a pool is never slower than having none. A worker that dies fails only the jobs it held.
 */
export class HostReadPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<() => void> = [];
  private readonly pending = new Map<number, { resolve: (r: HostSideResult) => void; reject: (e: Error) => void }>();
  private readonly owner = new Map<number, Slot>();
  private seq = 0;
  private broken = false;

  constructor(
    private readonly size: number,
    private readonly entry = workerEntry(import.meta.url, './host-read-worker.ts', 'host-read-worker.mjs'),
  ) {}

  /** Runs `job` on a worker, or through `here` when no worker is ready. */
  async read(scan: string, job: HostSideJob, here: (job: HostSideJob) => Promise<HostSideResult>) {
    this.start();
    const slot = this.pick(job.id);
    if (!slot) return here(job);
    return this.send(slot, scan, job);
  }

  /** Starts the workers ahead of the first job (each loads its code for some tens of milliseconds). */
  warm(): void {
    this.start();
  }

  /** Ends every worker; pending jobs fail. */
  async close(): Promise<void> {
    this.broken = true;
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private start(): void {
    if (this.broken || !this.entry) return;
    while (this.slots.length < this.size) {
      let worker: Worker;
      try {
        worker = new Worker(this.entry.script, { eval: this.entry.evalCode });
      } catch {
        this.broken = true;
        return;
      }
      const slot: Slot = { worker, ready: false, busy: 0 };
      // Idle workers never keep the process alive.
      worker.unref();
      worker.on('message', (m: HostReadReply | { ready: true }) => {
        if ('ready' in m) {
          slot.ready = true;
          // Unref'd before it was online, a worker's message port can still hold the process: say it again.
          if (slot.busy === 0) worker.unref();
          this.wake();
          return;
        }
        const p = this.pending.get(m.seq);
        this.pending.delete(m.seq);
        this.owner.delete(m.seq);
        slot.busy--;
        if (slot.busy === 0) worker.unref();
        this.wake();
        if ('error' in m) p?.reject(new AppError('INTERNAL', `host read failed: ${m.error.slice(0, 500)}`));
        else p?.resolve(m.result);
      });
      const fail = (why: string) => {
        const at = this.slots.indexOf(slot);
        if (at >= 0) this.slots.splice(at, 1);
        for (const [seq, s] of this.owner)
          if (s === slot) {
            this.owner.delete(seq);
            this.pending.get(seq)?.reject(new AppError('INTERNAL', `the host reader stopped: ${why}`));
            this.pending.delete(seq);
          }
        // A worker that cannot even start will not start next time either: the caller's thread takes over.
        if (!slot.ready) this.broken = true;
        this.wake();
      };
      worker.on('error', (e) => fail(e.message));
      worker.on('exit', (code) => fail(`exit ${code}`));
      this.slots.push(slot);
    }
  }

  /**
   * A ready worker for the container `id`: the one it went to before, unless that one holds more jobs than another
   * by two or more, else the least busy. A worker keeps what it read of a container (file hashes, its layers) for
   * the next scan. Undefined when none has started (the caller's thread runs the job).
   */
  private pick(id?: string): Slot | undefined {
    const ready = this.slots.filter((s) => s.ready);
    if (!ready.length) return undefined;
    const least = ready.reduce((a, b) => (b.busy < a.busy ? b : a));
    // Counted over every worker, ready or not, so that a container's worker stays the same once all have started.
    const home = id ? this.slots[homeIndex(id, this.slots.length)] : undefined;
    return home?.ready && home.busy <= least.busy + 1 ? home : least;
  }

  private async send(first: Slot, scan: string, job: HostSideJob): Promise<HostSideResult> {
    let slot: Slot | undefined = first;
    while (slot && slot.busy >= PER_WORKER) {
      await new Promise<void>((r) => this.waiting.push(r));
      slot = this.pick(job.id);
    }
    if (!slot) throw new AppError('INTERNAL', 'the host reader stopped');
    const seq = ++this.seq;
    slot.busy++;
    slot.worker.ref();
    this.owner.set(seq, slot);
    return new Promise<HostSideResult>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      slot.worker.postMessage({ seq, scan, job } satisfies HostReadRequest);
    });
  }

  private wake(): void {
    for (const w of this.waiting.splice(0)) w();
  }
}

/** A stable worker index for a container ID (hex digits, evenly spread). */
const homeIndex = (id: string, n: number): number => (parseInt(id.slice(0, 8), 16) || 0) % n;

let shared: HostReadPool | null | undefined;

/**
 * The process's pool: one worker per core, at most two (the engine's thread mostly waits on the daemon and on these
 * reads, and the daemon needs a core too). None on a single core, or with STOWAWAY_HOST_READ_THREADS=0, and none on
 * a collection thread: engines scanned together already each have a thread of their own.
 */
export function hostReadPool(): HostReadPool | null {
  if (shared === undefined) {
    if (!isMainThread) return (shared = null);
    const asked = process.env.STOWAWAY_HOST_READ_THREADS;
    const cores = os.availableParallelism();
    const size = asked && /^\d+$/.test(asked) ? Number(asked) : cores > 1 ? Math.min(2, cores) : 0;
    shared = size > 0 ? new HostReadPool(Math.floor(size)) : null;
  }
  return shared;
}
