import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { addAbortSignal, type Readable } from 'node:stream';
import { EngineEventSchema, type EngineEvent } from '@shared/domain/event.js';
import type { ExecRecord } from '@shared/domain/evidence-set.js';

/** The daemon keeps a bounded event log; more than this in one window is noise or a flood. */
export const MAX_EVENTS = 20_000;
/** Longest event line read; one past it is skipped. */
const MAX_LINE = 4 * 1024 * 1024;

/** What is kept of a raw response body: its SHA-256 and length, over the exact bytes received. */
export interface BodyDigest {
  sha256: string;
  size: number;
}

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
): Promise<{ events: EngineEvent[]; body: BodyDigest }> {
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
  // The body is hashed as it arrives, never kept whole: a day of history on a busy engine is megabytes of JSON.
  const hash = createHash('sha256');
  let size = 0;
  const text = new StringDecoder('utf8');
  let buf = '';
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
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      take(buf + text.end());
      buf = '';
      resolve({ events, body: { sha256: hash.digest('hex'), size } });
    };
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      hash.update(chunk);
      size += chunk.length;
      buf += text.write(chunk);
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        take(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
      // One line this long is no event the schema would keep: drop it rather than hold it.
      if (buf.length > MAX_LINE) buf = '';
      if (events.length >= MAX_EVENTS) stream.destroy();
    });
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', (e) => {
      if (settled) return;
      settled = true;
      reject(e);
    });
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
