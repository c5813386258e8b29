import type { EngineEvent } from '@shared/domain/event.js';
import type { Finding } from '@shared/domain/finding.js';
import type { ScanResult } from '@shared/domain/scan.js';

export interface WatchChange {
  type: 'new' | 'resolved';
  finding: Finding;
  at: string;
}

/** Where engine events arrive: the engine's event bus, as every client of it sees it. */
export interface EventSource {
  onAny(listener: (event: string, payload: unknown) => void): () => void;
}

export interface WatchOptions {
  engineIds: string[];
  bus: EventSource;
  /** Rescans every this often even without events (files written by a process raise no engine event). */
  intervalMs: number;
  /** Events arrive in bursts (exec create, start, die): one rescan per burst. */
  debounceMs?: number;
  /** One scan of one engine; `first` is the scan that opens the watch; `signal` aborts when the watch stops. */
  scan: (engineId: string, first: boolean, signal: AbortSignal) => Promise<ScanResult>;
  onChange: (change: WatchChange) => void;
  onError: (engineId: string, error: unknown) => void;
}

/** Events our own reads can cause: they must not set off the rescan that caused them. */
const SELF_INFLICTED = new Set(['archive-path']);

interface EngineWatch {
  known: Map<string, Finding>;
  running?: Promise<void>;
  again: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * Keeps an engine's findings current: rescans on every burst of engine events and on a timer, and reports what
 * appeared and what went away since the scan before. Rescans of one engine never overlap; a trigger during a
 * rescan runs one more after it.
 */
export class ScanWatch {
  private readonly engines = new Map<string, EngineWatch>();
  private stopped = false;
  private off?: () => void;
  private ticker?: NodeJS.Timeout;
  private readonly abort = new AbortController();

  constructor(private readonly o: WatchOptions) {
    for (const id of o.engineIds) this.engines.set(id, { known: new Map(), again: false });
  }

  /** The opening scans (every finding is new), then events and the timer keep it going until stop(). */
  async start(): Promise<void> {
    this.off = this.o.bus.onAny((event, payload) => {
      if (event !== 'engine.event') return;
      const e = payload as EngineEvent;
      if (this.engines.has(e.engineId) && !SELF_INFLICTED.has(e.action))
        this.trigger(e.engineId, this.o.debounceMs ?? 100);
    });
    await Promise.all([...this.engines.keys()].map((id) => this.rescan(id, true)));
    if (this.stopped) return;
    this.ticker = setInterval(() => {
      for (const id of this.engines.keys()) this.trigger(id, 0);
    }, this.o.intervalMs);
  }

  /** Stops triggering, aborts a rescan under way and waits for it at most `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    this.off?.();
    clearInterval(this.ticker);
    for (const w of this.engines.values()) clearTimeout(w.timer);
    this.abort.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.engines.values()].map((w) => w.running)),
      new Promise((r) => (timer = setTimeout(r, graceMs))),
    ]);
    clearTimeout(timer);
  }

  private trigger(engineId: string, delayMs: number): void {
    const w = this.engines.get(engineId)!;
    if (this.stopped || w.timer) return;
    w.timer = setTimeout(() => {
      w.timer = undefined;
      void this.rescan(engineId, false);
    }, delayMs);
  }

  private rescan(engineId: string, first: boolean): Promise<void> {
    const w = this.engines.get(engineId)!;
    if (w.running) {
      w.again = true;
      return w.running;
    }
    w.running = (async () => {
      try {
        this.diff(w, await this.o.scan(engineId, first, this.abort.signal));
      } catch (e) {
        if (!this.stopped) this.o.onError(engineId, e);
      }
    })().finally(() => {
      w.running = undefined;
      if (w.again && !this.stopped) {
        w.again = false;
        void this.rescan(engineId, false);
      }
    });
    return w.running;
  }

  private diff(w: EngineWatch, r: ScanResult): void {
    if (this.stopped) return;
    const at = new Date().toISOString();
    const now = new Map(r.findings.map((f) => [f.id, f]));
    for (const [id, f] of now) if (!w.known.has(id)) this.o.onChange({ type: 'new', finding: f, at });
    for (const [id, f] of w.known) if (!now.has(id)) this.o.onChange({ type: 'resolved', finding: f, at });
    w.known = now;
  }
}
