import { contract, isOpName, type Envelope } from '@shared/api/contract.js';
import { AppError } from '@shared/errors.js';
import type { CallContext, Handlers } from './handlers.js';
import { toAppError } from './errors.js';

/**
 * The transport-agnostic entry point: looks up the operation, validates input against the contract,
 * refuses unconfirmed mutations, calls the handler, validates its output, and returns an envelope.
 */
export function createDispatcher(handlers: Handlers) {
  return async function dispatch(op: string, rawInput: unknown, ctx: CallContext): Promise<Envelope<unknown>> {
    try {
      if (!isOpName(op)) throw new AppError('NOT_FOUND', `Unknown operation: ${op.slice(0, 100)}`);
      const def = contract[op];
      if (
        def.mutates &&
        (typeof rawInput !== 'object' || rawInput === null || (rawInput as { confirm?: unknown }).confirm !== true)
      ) {
        throw new AppError('CONFIRMATION_REQUIRED', `${op} changes state and needs an explicit confirmation`);
      }
      const parsed = def.input.safeParse(rawInput ?? {});
      if (!parsed.success)
        throw new AppError(
          'VALIDATION',
          `Invalid input for ${op}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
        );
      const handler = handlers[op] as (input: unknown, ctx: CallContext) => Promise<unknown>;
      const value = await handler(parsed.data, ctx);
      const out = def.output.safeParse(value);
      if (!out.success)
        throw new AppError(
          'INTERNAL',
          `${op} produced output outside the contract: ${out.error.issues[0]?.path.join('.')} ${out.error.issues[0]?.message}`,
        );
      return { ok: true, value: out.data };
    } catch (e) {
      const err = toAppError(e);
      return { ok: false, error: err.toPayload() };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
