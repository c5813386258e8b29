import { z } from 'zod';

/**
 * One operation of the contract. `mutates` marks operations that change a container or the case:
 * both transports refuse them unless the input carries `confirm: true`, so the UI must ask first.
 */
export interface OpDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  mutates: boolean;
  /** Long operations get a larger transport time-out. */
  timeoutMs: number;
}

export function defineOp<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  opts: { mutates?: boolean; timeoutMs?: number } = {},
): OpDef<I, O> {
  return { input, output, mutates: opts.mutates ?? false, timeoutMs: opts.timeoutMs ?? 30_000 };
}

/** Input shared by operations that change something: the UI sets it only after the analyst confirmed. */
export const ConfirmSchema = z.object({ confirm: z.literal(true) });
