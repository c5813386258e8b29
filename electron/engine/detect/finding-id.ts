import { createHash } from 'node:crypto';

/**
 * Stable finding id: the same condition on the same container yields the same id on every scan, so cases
 * dedupe re-scans and triage decisions stick. Built only from identity, never from times or counts.
 */
export function findingId(detector: string, engineId: string, containerId: string | undefined, ref: string): string {
  const h = createHash('sha256');
  for (const part of [detector, engineId, containerId ?? '-', ref]) h.update(part).update('\0');
  return `f-${h.digest('hex').slice(0, 32)}`;
}
