import type { EngineEvent } from '@shared/domain/event.js';
import type { EventBus } from '../event-bus.js';

/** Scans the live rescan can repeat: none until the analyst has scanned the engine once. */
export interface Rescanner {
  /** Runs the engine's last scan again (same since and reads), or returns undefined when it was never scanned. */
  again(engineId: string): Promise<unknown> | undefined;
}

/** A stream of events that never pauses still gets a rescan this often. */
const MAX_WAIT_MS = 1000;

/**
 * Keeps the findings of a scanned engine current while its live event stream is on (desktop app and `serve`): one
 * rescan per burst of engine events, incremental on a local engine, and the UI reloads on the scan's `done`. Events
 * Stowaway's own calls caused set off nothing. An event during a rescan runs one more after it, since that rescan
 * may have read the container before the change.
 */
export class LiveRescan {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly burstStart = new Map<string, number>();
  private readonly running = new Map<string, { again: boolean }>();
  private readonly off: () => void;
  private disposed = false;

  constructor(
    bus: EventBus,
    private readonly scans: Rescanner,
    /** Events come in bursts (exec create, start, die): one rescan per burst, once it has ended. */
    private readonly debounceMs = 100,
  ) {
    this.off = bus.onAny((event, payload) => {
      if (event !== 'engine.event') return;
      const e = payload as EngineEvent;
      if (!e.byStowaway) this.trigger(e.engineId);
    });
  }

  dispose(): void {
    this.disposed = true;
    this.off();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Trailing debounce: the rescan starts once the burst has been quiet for debounceMs, or MAX_WAIT_MS after it began. */
  private trigger(engineId: string): void {
    if (this.disposed) return;
    const first = this.burstStart.get(engineId) ?? Date.now();
    this.burstStart.set(engineId, first);
    clearTimeout(this.timers.get(engineId));
    const wait = Math.max(0, Math.min(this.debounceMs, first + MAX_WAIT_MS - Date.now()));
    this.timers.set(
      engineId,
      setTimeout(() => {
        this.timers.delete(engineId);
        this.burstStart.delete(engineId);
        this.rescan(engineId);
      }, wait),
    );
  }

  private rescan(engineId: string): void {
    const state = this.running.get(engineId);
    if (state) {
      state.again = true;
      return;
    }
    const p = this.scans.again(engineId);
    if (!p) return;
    const mine = { again: false };
    this.running.set(engineId, mine);
    // A failed rescan is the engine's problem, shown by its state; the next event tries again.
    void p
      .catch(() => undefined)
      .finally(() => {
        this.running.delete(engineId);
        if (mine.again && !this.disposed) this.rescan(engineId);
      });
  }
}
