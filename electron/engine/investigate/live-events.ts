import type { Readable } from 'node:stream';
import type { EngineState } from '@shared/domain/engine.js';
import type { EventBus } from '../event-bus.js';
import type { EngineRegistry } from '../connections/registry.js';
import { mapEvent } from '../collect/events.js';
import type { EngineEvent } from '@shared/domain/event.js';

/** Pause before re-subscribing after the stream ends (client socket time-out, daemon restart). */
const RETRY_MS = 1000;
/** A burst beyond this per second is a flood: the rest of that second is dropped, views refresh anyway. */
const MAX_PER_SECOND = 500;

interface Watch {
  stream?: Readable;
  stopped: boolean;
  /** Unix seconds (with fractions) of the last event seen, so a re-subscription misses nothing. */
  since: number;
}

/**
 * Streams each connected engine's events to the UI as `engine.event` pushes, so views refresh when a
 * container starts, stops or gets an exec, without polling. Read-only: it only listens to the daemon.
 */
export class LiveEvents {
  private readonly watches = new Map<string, Watch>();
  private readonly off: () => void;

  constructor(
    private readonly engines: EngineRegistry,
    private readonly bus: EventBus,
    /** Marks events our own calls caused (the footprint), before they reach the UI. */
    private readonly mark: (ev: EngineEvent) => EngineEvent = (ev) => ev,
  ) {
    this.off = bus.onAny((event, payload) => {
      if (event !== 'engine.state') return;
      const st = payload as EngineState;
      if (st.status === 'connected') this.start(st.engineId);
      else if (st.status === 'lost' || st.status === 'failed' || st.status === 'idle') this.stop(st.engineId);
    });
  }

  private start(engineId: string): void {
    if (this.watches.has(engineId)) return;
    const config = (() => {
      try {
        return this.engines.config(engineId);
      } catch {
        return undefined;
      }
    })();
    // Kubernetes contexts have no Docker event stream; ssh opens a connection per call, so it is not held open;
    // a read-only engine (an opened bundle) has no engine behind it at all.
    if (
      !config ||
      config.kind !== 'docker' ||
      config.endpoint.type === 'ssh' ||
      !this.engines.capabilities(engineId).liveEvents
    )
      return;
    const w: Watch = { stopped: false, since: Date.now() / 1000 };
    this.watches.set(engineId, w);
    void this.run(engineId, w);
  }

  private async run(engineId: string, w: Watch): Promise<void> {
    let second = 0;
    let count = 0;
    while (!w.stopped) {
      try {
        const docker = await this.engines.client(engineId);
        const stream = (await docker.getEvents({ since: w.since.toFixed(3) } as unknown as {
          since: number;
        })) as unknown as Readable;
        w.stream = stream;
        // Listening must never keep a finished CLI command alive; serve and the desktop app stay up on their own.
        (stream as unknown as { socket?: { unref?: () => void } }).socket?.unref?.();
        await new Promise<void>((resolve) => {
          let buf = '';
          stream.on('data', (chunk: Buffer) => {
            buf += chunk.toString('utf8');
            if (buf.length > 1024 * 1024) buf = buf.slice(-64 * 1024);
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              if (!line.trim()) continue;
              try {
                const raw = JSON.parse(line) as { time?: number; timeNano?: number };
                const now = Math.floor(Date.now() / 1000);
                if (now !== second) {
                  second = now;
                  count = 0;
                }
                if (++count > MAX_PER_SECOND) continue;
                const ev = mapEvent(engineId, raw);
                if (raw.timeNano) w.since = Math.max(w.since, raw.timeNano / 1e9 + 1e-6);
                else if (raw.time) w.since = Math.max(w.since, raw.time);
                this.bus.emit('engine.event', this.mark(ev));
              } catch {
                // Not JSON (a daemon notice or a cut line): skip it.
              }
            }
          });
          stream.on('end', () => resolve());
          stream.on('close', () => resolve());
          stream.on('error', () => resolve());
        });
      } catch {
        // The engine went away; the registry reports that state, and this loop waits for it to come back.
      }
      w.stream = undefined;
      if (!w.stopped) await new Promise((r) => setTimeout(r, RETRY_MS).unref?.());
    }
  }

  private stop(engineId: string): void {
    const w = this.watches.get(engineId);
    if (!w) return;
    w.stopped = true;
    w.stream?.destroy();
    this.watches.delete(engineId);
  }

  dispose(): void {
    this.off();
    for (const id of [...this.watches.keys()]) this.stop(id);
  }
}
