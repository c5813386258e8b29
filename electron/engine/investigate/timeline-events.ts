import type Docker from 'dockerode';
import type { EngineEvent } from '@shared/domain/event.js';
import { mapEvent, type RawEvent } from '../collect/events.js';
import { TIMELINE_MAX_EVENTS } from '@shared/api/timeline.js';
import { toAppError } from '../errors.js';

export interface TimelineQuery {
  since: string | number;
  until?: string | number;
  containerId?: string;
}

export interface TimelineResult {
  events: EngineEvent[];
  since: string;
  until: string;
  truncated: number;
}

/** The Engine API takes unix seconds (with an optional fraction); ISO strings are converted here. */
export function toUnixSeconds(t: string | number): number {
  if (typeof t === 'number') return t;
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${t.slice(0, 64)}`);
  return Math.floor(ms / 1000);
}

/** The asked window in unix seconds; an open end is now. */
function windowOf(q: TimelineQuery): { since: number; until: number } {
  const since = toUnixSeconds(q.since);
  const until = q.until === undefined ? Math.ceil(Date.now() / 1000) : toUnixSeconds(q.until);
  if (until < since) throw new Error('the end of the window is before its start');
  return { since, until };
}

const windowResult = (events: EngineEvent[], since: number, until: number, truncated: number): TimelineResult => ({
  events,
  since: new Date(since * 1000).toISOString(),
  until: new Date(until * 1000).toISOString(),
  truncated,
});

/**
 * Reads engine events in a closed window. With `until` set the daemon ends the stream itself, so this never
 * hangs on a live feed; filtering by container ID (not name) avoids matching earlier containers of the same name.
 */
export async function readEngineEvents(docker: Docker, engineId: string, q: TimelineQuery): Promise<TimelineResult> {
  const { since, until } = windowOf(q);
  const filters: Record<string, string[]> = {};
  if (q.containerId) filters.container = [q.containerId];
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.getEvents({ since, until, filters })) as NodeJS.ReadableStream;
  } catch (e) {
    throw toAppError(e, `engine "${engineId}"`);
  }
  const events: EngineEvent[] = [];
  let truncated = 0;
  let buf = '';
  const take = (line: string) => {
    if (!line.trim()) return;
    try {
      events.push(mapEvent(engineId, JSON.parse(line) as RawEvent));
    } catch {
      // One unreadable line must not cost the analyst the rest of the window.
      return;
    }
    // Keep the newest events: the end of a window is where the incident usually is.
    if (events.length > TIMELINE_MAX_EVENTS) {
      events.shift();
      truncated++;
    }
  };
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer | string) => {
      buf += chunk.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        take(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
      // A single line without a newline this long is not an event; drop it instead of growing without bound.
      if (buf.length > 1_000_000) buf = '';
    });
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', (e) => reject(toAppError(e, `engine "${engineId}"`)));
  });
  take(buf);
  return windowResult(events, since, until, truncated);
}

/**
 * The events an evidence bundle recorded, in the asked window. A bundle's clock stopped when it was collected:
 * a window reaching past that moment is moved back to end there, keeping its length, so "the last hour" of a
 * bundle is the hour before its collection.
 */
export function recordedEvents(
  events: EngineEvent[],
  collectedAt: string,
  engineId: string,
  q: TimelineQuery,
): TimelineResult {
  let { since, until } = windowOf(q);
  const end = Math.ceil(Date.parse(collectedAt) / 1000);
  if (Number.isFinite(end) && until > end) {
    since = Math.max(0, since - (until - end));
    until = end;
  }
  const inWindow = events
    .filter((e) => {
      const t = Date.parse(e.time) / 1000;
      return (
        t >= since &&
        t <= until &&
        (!q.containerId ||
          e.actorId === q.containerId ||
          (q.containerId.length >= 12 && e.actorId.startsWith(q.containerId)))
      );
    })
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
    .map((e) => ({ ...e, engineId }));
  const truncated = Math.max(0, inWindow.length - TIMELINE_MAX_EVENTS);
  return windowResult(inWindow.slice(truncated), since, until, truncated);
}
