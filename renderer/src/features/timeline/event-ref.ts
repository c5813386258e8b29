import type { TimelineItem } from './timeline-items.js';

/** What an event evidence reference says about where it sits on the axis, when the item itself is not loaded. */
export interface EventRefInfo {
  time?: number;
  /** A container id prefix ("container 0123456789ab", short-lived containers). */
  containerPrefix?: string;
}

const EXEC_ORDER = ['exec_start', 'exec_create', 'exec_die'];

/**
 * The timeline item a finding's event evidence names. Detectors write: an exec id (exec sessions), "type/action@time"
 * (image commits, loads, imports), "container <id prefix>" (short-lived containers), "finding:<id>", or a bare time.
 */
export function itemForEventRef(items: TimelineItem[], ref: string): TimelineItem | undefined {
  const r = ref.trim();
  if (!r) return undefined;
  const exact = items.filter((i) => i.id === r || i.keys?.includes(r));
  if (exact.length) return exact.sort((a, b) => rank(a) - rank(b))[0];
  const cont = /^container ([0-9a-f]{6,64})$/.exec(r);
  if (cont) {
    const life = items.filter((i) => i.lane === 'lifecycle' && i.containerId?.startsWith(cont[1]!));
    return life.find((i) => / create$/.test(i.label)) ?? life[0];
  }
  const at = /^([a-z]+)\/(.+)@(.+)$/.exec(r);
  if (at) {
    const t = Date.parse(at[3]!);
    const label = `${at[1]} ${at[2]}`;
    // Refs are clipped and times rounded to the second: the same label within a second is the same event.
    return items.find(
      (i) =>
        (i.label === label || label.startsWith(i.label) || i.label.startsWith(label)) &&
        !Number.isNaN(t) &&
        Math.abs(i.time - t) < 1000,
    );
  }
  return items.find((i) => i.id.includes(r));
}

/** Exec sessions leave create, start and die events with the same id; the start is the one to show. */
function rank(i: TimelineItem): number {
  const verb = i.label.split(' ')[1]?.replace(/:$/, '') ?? '';
  const k = EXEC_ORDER.indexOf(verb);
  return k < 0 ? EXEC_ORDER.length : k;
}

export function eventRefInfo(ref: string): EventRefInfo {
  const r = ref.trim();
  const cont = /^container ([0-9a-f]{6,64})$/.exec(r);
  if (cont) return { containerPrefix: cont[1] };
  const at = /@(.+)$/.exec(r);
  const t = Date.parse(at ? at[1]! : r);
  return Number.isNaN(t) ? {} : { time: t };
}
