import { AppError } from '../errors.js';

/* Durations and times as an analyst writes them on the command line and in the scan options. */

const SINCE_UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** "30m", "24h", "7d" or an RFC 3339 time to an absolute time, as `docker events --since` understands them. */
export function parseSince(since: string, now = Date.now()): Date {
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(since.trim());
  if (m) return new Date(now - Number(m[1]) * SINCE_UNIT_MS[m[2]!]!);
  const t = Date.parse(since);
  if (Number.isNaN(t))
    throw new AppError(
      'VALIDATION',
      `Cannot read "${since.slice(0, 64)}" as a time: use a duration such as 30m, 24h or 7d, or an RFC 3339 time.`,
    );
  return new Date(t);
}

/** An observation within a scan: at least two samples, and at most ten minutes at two seconds a sample. */
export const OBSERVE_BOUNDS = { min: 2000, max: 10 * 60_000 } as const;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "8s", "2m", "1500ms" to milliseconds; the flag's name goes into the message so the analyst knows which one. */
export function parseDuration(text: string, flag: string, bounds: { min: number; max: number }): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  if (!m)
    throw new AppError(
      'VALIDATION',
      `${flag}: cannot read "${text.slice(0, 40)}" as a duration (use e.g. 8s, 2m, 1500ms)`,
    );
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms < bounds.min || ms > bounds.max)
    throw new AppError(
      'VALIDATION',
      `${flag}: ${text.slice(0, 40)} is outside ${bounds.min / 1000} s to ${bounds.max / 60_000} min`,
    );
  return ms;
}
