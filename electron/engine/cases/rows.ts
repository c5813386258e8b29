/**
 * One database row as the domain names it: snake_case columns become camelCase fields, in the order selected,
 * and NULL becomes undefined. Queries select exactly the fields of the type they are read as.
 */
export function fromRow<T>(row: unknown): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row as Record<string, unknown>))
    out[k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] = v === null ? undefined : v;
  return out as T;
}

export const fromRows = <T>(rows: unknown[]): T[] => rows.map((r) => fromRow<T>(r));
