/**
 * Size limits for strings that come from containers. Everything a container shows us is hostile:
 * bounding at the schema keeps a 50 MB label or command line from reaching the UI or a report.
 */
export const LIMITS = {
  name: 256,
  label: 4096,
  command: 8192,
  path: 4096,
  summary: 1024,
  text: 65536,
  labels: 256,
} as const;

/** Cuts a string to `max` characters, marking the cut so nobody mistakes it for the whole value. */
export function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  return `${value.slice(0, Math.max(0, max - 1))}…`;
}
