import type Docker from 'dockerode';
import { addAbortSignal, type Readable } from 'node:stream';
import { EngineEventSchema, type EngineEvent } from '@shared/domain/event.js';
import type { ExecRecord } from '@shared/domain/evidence-set.js';

/** The daemon keeps a bounded event log; more than this in one window is noise or a flood. */
export const MAX_EVENTS = 20_000;

/** One event as the Engine API streams it. */
export interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

/** Maps one raw event to the shared shape; hostile attribute values are clipped by the schema. */
export function mapEvent(engineId: string, e: RawEvent): EngineEvent {
  const attrs = e.Actor?.Attributes ?? {};
  return EngineEventSchema.parse({
    engineId,
    time: new Date(e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000).toISOString(),
    timeNano: e.timeNano,
    type: (e.Type ?? 'unknown').slice(0, 64),
    action: e.Action ?? e.status ?? '',
    actorId: (e.Actor?.ID ?? e.id ?? '').slice(0, 256),
    actorName: attrs.name,
    attributes: attrs,
  });
}

/**
 * The engine's event history between `since` and `until` (unix seconds, fractions kept). With `until` set the
 * daemon ends the stream itself; the caller's time-out still bounds it.
 */
export async function collectEvents(
  docker: Docker,
  engineId: string,
  since: number,
  until: number,
  signal?: AbortSignal,
): Promise<{ events: EngineEvent[]; raw: string }> {
  // Fractional seconds: the daemon reads "s.fff", and a whole-second `until` would drop this second's events.
  const stream = (await docker.getEvents({
    since: since.toFixed(3),
    until: until.toFixed(3),
    abortSignal: signal,
  } as unknown as {
    since: number;
    until: number;
  })) as unknown as Readable;
  // The request's own signal cannot reach a response already streaming: stop reading and close it here.
  if (signal) addAbortSignal(signal, stream);
  let buf = '';
  let raw = '';
  const events: EngineEvent[] = [];
  const take = (line: string) => {
    if (!line.trim() || events.length >= MAX_EVENTS) return;
    try {
      events.push(mapEvent(engineId, JSON.parse(line) as RawEvent));
    } catch {
      // A half line or a daemon message that is not JSON: skip it rather than fail the history.
    }
  };
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      const s = chunk.toString('utf8');
      if (raw.length < 64 * 1024 * 1024) raw += s;
      buf += s;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        take(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
      if (events.length >= MAX_EVENTS) stream.destroy();
    });
    stream.on('end', () => {
      take(buf);
      resolve({ events, raw });
    });
    stream.on('close', () => resolve({ events, raw }));
    stream.on('error', reject);
  });
}

/** exec_create events carry "exec_create: CMD ARGS" and the execID attribute. */
export function execRecordsFromEvents(events: EngineEvent[]): ExecRecord[] {
  const out: ExecRecord[] = [];
  for (const e of events) {
    if (e.type !== 'container' || !e.action.startsWith('exec_create')) continue;
    out.push({
      execId: e.attributes.execID ?? '',
      containerId: e.actorId,
      time: e.time,
      command: e.action.replace(/^exec_create:\s*/, ''),
    });
  }
  return out;
}

/**
 * Adds user, privilege and tty from GET /exec/{id}/json. The daemon forgets an exec some minutes after it
 * ended or when its container goes, so a missing record keeps what the event said.
 */
export async function enrichExec(
  docker: Docker,
  rec: ExecRecord,
  signal?: AbortSignal,
): Promise<{ rec: ExecRecord; raw?: string }> {
  if (!rec.execId) return { rec };
  try {
    const info = (await docker.getExec(rec.execId).inspect({ abortSignal: signal })) as {
      ProcessConfig?: { user?: string; privileged?: boolean; tty?: boolean; entrypoint?: string; arguments?: string[] };
    };
    const pc = info.ProcessConfig ?? {};
    return {
      rec: {
        ...rec,
        user: pc.user ? pc.user.slice(0, 256) : undefined,
        privileged: pc.privileged,
        tty: pc.tty,
        command: pc.entrypoint ? [pc.entrypoint, ...(pc.arguments ?? [])].join(' ').slice(0, 8192) : rec.command,
      },
      raw: JSON.stringify(info),
    };
  } catch {
    return { rec };
  }
}
