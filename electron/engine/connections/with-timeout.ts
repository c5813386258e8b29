import { AppError } from '@shared/errors.js';
import type { AbortableCall } from '../collect/timeout.js';

/**
 * Bounds one step (a ping, a handshake) so an engine that accepts but never answers is reported as such.
 * The step gets a signal that is aborted on time-out, so its request does not stay open after we stop waiting.
 */
export async function withTimeout<T>(step: AbortableCall<T>, ms: number, target: string): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new AppError(
        'ENGINE_TIMEOUT',
        `${target} did not answer within ${(ms / 1000).toFixed(ms < 1000 ? 1 : 0)} s (engine not responding).`,
      );
      controller.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([step(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
