import type { EngineState } from '@shared/domain/engine.js';
import type { EventBus } from '../../electron/engine/event-bus.js';

/** Collects engine.state events and waits for one that matches. */
export function stateLog(bus: EventBus) {
  const seen: EngineState[] = [];
  const waiters: Array<{ test: (s: EngineState) => boolean; resolve: (s: EngineState) => void }> = [];
  bus.onAny((event, payload) => {
    if (event !== 'engine.state') return;
    const st = payload as EngineState;
    seen.push(st);
    for (const w of [...waiters])
      if (w.test(st)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(st);
      }
  });
  return {
    seen,
    next: (test: (s: EngineState) => boolean, timeoutMs = 20_000) =>
      new Promise<EngineState>((resolve, reject) => {
        const t = setTimeout(
          () =>
            reject(
              new Error(
                `no matching engine.state in ${timeoutMs} ms; saw ${JSON.stringify(seen.map((s) => s.status))}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({ test, resolve: (s) => (clearTimeout(t), resolve(s)) });
      }),
  };
}
