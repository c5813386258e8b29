import { AppError } from '../../../shared/errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "30m", "24h", "7d" or an RFC 3339 time to an absolute time, as `docker events --since` understands them. */
export function parseSince(since: string, now = Date.now()): Date {
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(since.trim());
  if (m) return new Date(now - Number(m[1]) * UNIT_MS[m[2]!]!);
  const t = Date.parse(since);
  if (Number.isNaN(t)) throw new AppError('VALIDATION', `Cannot read "${since.slice(0, 64)}" as a time: use a duration such as 30m, 24h or 7d, or an RFC 3339 time.`);
  return new Date(t);
}
