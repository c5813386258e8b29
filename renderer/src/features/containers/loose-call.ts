import type { z } from 'zod';
import { ApiError, type ApiClient } from '../../api/client.js';

/**
 * Calls an operation by name and validates the answer with the shared schema. Used for operations other
 * services add to the contract, so this view keeps working whichever build it runs against: an operation
 * the backend does not have yet answers with an error the view shows, not a crash.
 */
export async function callOp<S extends z.ZodType>(api: ApiClient, op: string, input: unknown, schema: S): Promise<z.output<S>> {
  const env = await api.transport.invoke(op, input);
  if (!env.ok) throw new ApiError(env.error.code, env.error.message, env.error.details);
  const parsed = schema.safeParse(env.value);
  if (!parsed.success) throw new ApiError('VALIDATION', `${op} answered with data this view cannot read: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** True when the backend says it has no such operation (an older or partial build). */
export const isUnknownOp = (e: unknown) => e instanceof ApiError && e.code === 'NOT_FOUND' && /^Unknown operation/.test(e.message);
