import { AppError } from '../../../shared/errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "8s", "2m", "1500ms" to milliseconds; the flag's name goes into the message so the analyst knows which one. */
export function parseDuration(text: string, flag: string, bounds: { min: number; max: number }): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new AppError('VALIDATION', `${flag}: cannot read "${text.slice(0, 40)}" as a duration (use e.g. 8s, 2m, 1500ms)`);
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms < bounds.min || ms > bounds.max) throw new AppError('VALIDATION', `${flag}: ${text.slice(0, 40)} is outside ${bounds.min / 1000} s to ${bounds.max / 60_000} min`);
  return ms;
}
