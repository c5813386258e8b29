import type { EngineEvent } from '@shared/domain/event.js';

/** One Engine API call of ours that leaves an event on the engine: what, on which container, when. */
export interface Operation {
  engineId: string;
  containerId: string;
  /** The call as the log and the custody line name it: "top", "archive", "export", "exec". */
  call: string;
  /** Event actions the daemon writes for it ("top", "archive-path", "exec_create", …). */
  actions: readonly string[];
  execId?: string;
  /** Epoch ms; `end` is unset while the call (an exec session) is still open. */
  start: number;
  end?: number;
}

/** Event times have second resolution in `time`; the daemon writes the event a little before or after the reply. */
const SLACK_BEFORE_MS = 1000;
const SLACK_AFTER_MS = 2000;
const KEEP = 20_000;

const baseAction = (action: string) => action.split(':')[0]!.trim();
const sameContainer = (a: string, b: string) =>
  a === b || (a.length >= 12 && b.length >= 12 && (a.startsWith(b) || b.startsWith(a)));

/**
 * Stowaway's own engine calls that the daemon records as events. Reading a container with `top`, an archive
 * read, an export or an exec shows up in the engine's event history like anyone else's; this log is how those
 * events are told apart from activity on the evidence, by call timing and, for execs, by exec id.
 */
export class OperationLog {
  private readonly ops: Operation[] = [];
  private readonly listeners = new Set<(op: Operation) => void>();

  begin(op: Omit<Operation, 'start' | 'end'>): Operation {
    const entry: Operation = { ...op, start: Date.now() };
    this.ops.push(entry);
    if (this.ops.length > KEEP) this.ops.splice(0, this.ops.length - KEEP);
    return entry;
  }

  /** Marks a call finished and tells listeners (custody) about it once. */
  end(op: Operation): void {
    if (op.end !== undefined) return;
    op.end = Date.now();
    for (const l of this.listeners) l(op);
  }

  onFinished(listener: (op: Operation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The call of ours that caused this event, if any. */
  match(ev: EngineEvent): Operation | undefined {
    if (ev.type !== 'container') return undefined;
    const action = baseAction(ev.action);
    const execId = ev.attributes.execID;
    const t = ev.timeNano !== undefined ? ev.timeNano / 1e6 : Date.parse(ev.time);
    // Without nanoseconds the event time is truncated to the second: widen the window by that second.
    const coarse = ev.timeNano === undefined ? 1000 : 0;
    for (let i = this.ops.length - 1; i >= 0; i--) {
      const op = this.ops[i]!;
      if (op.engineId !== ev.engineId || !op.actions.includes(action) || !sameContainer(op.containerId, ev.actorId))
        continue;
      if (execId && op.execId) {
        if (op.execId === execId) return op;
        continue;
      }
      const end = op.end ?? Date.now();
      if (t >= op.start - SLACK_BEFORE_MS - coarse && t <= end + SLACK_AFTER_MS) return op;
    }
    return undefined;
  }

  /** Events with `byStowaway` set on those our own calls caused. */
  annotate<T extends EngineEvent>(events: T[]): T[] {
    return events.map((e) => {
      const op = this.match(e);
      return op ? { ...e, byStowaway: { call: op.call, at: new Date(op.start).toISOString() } } : e;
    });
  }
}
