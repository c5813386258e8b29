import type { Operation, OperationLog } from './operation-log.js';

/** Calls are gathered this long before one custody line is written: a scan's hundred `top`s become one line. */
const BATCH_MS = 2000;
const MAX_LISTED = 60;

export interface CustodySink {
  /** The open case to write to, or undefined when none is open (then nothing is written). */
  current(): { caseId: string; record(detail: string): void } | undefined;
}

/** One custody line for a batch of our own calls: counts per call, each container, and the time span. */
export function describeBatch(ops: Operation[]): string {
  const counts = new Map<string, number>();
  for (const o of ops) counts.set(`${o.call} on ${o.engineId}`, (counts.get(`${o.call} on ${o.engineId}`) ?? 0) + 1);
  const from = new Date(Math.min(...ops.map((o) => o.start))).toISOString();
  const to = new Date(Math.max(...ops.map((o) => o.end ?? o.start))).toISOString();
  const listed = ops
    .slice(0, MAX_LISTED)
    .map((o) => `${o.call} ${o.containerId.slice(0, 12)}${o.execId ? ` exec ${o.execId.slice(0, 12)}` : ''}`);
  const more = ops.length > MAX_LISTED ? `, and ${ops.length - MAX_LISTED} more` : '';
  return `Stowaway's own engine calls, which leave events on the engine (marked "by Stowaway" in the timeline): ${[...counts].map(([k, n]) => `${k} x${n}`).join(', ')}; from ${from} to ${to}; ${listed.join(', ')}${more}`;
}

/**
 * Writes Stowaway's own footprint on the evidence into the custody log of the open case, so an investigator can
 * account for every event their tool left on the engine.
 */
export function recordFootprint(log: OperationLog, sink: CustodySink): { flush(): void; dispose(): void } {
  let pending: Operation[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      sink.current()?.record(describeBatch(batch));
    } catch {
      // A case closed or archived in the meantime takes no more lines; the operation log still marks the events.
    }
  };
  const off = log.onFinished((op) => {
    pending.push(op);
    timer ??= setTimeout(flush, BATCH_MS);
    timer.unref?.();
  });
  return {
    flush,
    dispose: () => {
      flush();
      off();
    },
  };
}
