import { AppError } from '@shared/errors.js';

/**
 * Fails a call that takes longer than `ms`, so one wedged container or a stuck daemon handler becomes
 * an entry in the scan's errors instead of a scan that never ends. `onTimeout` releases what the call holds.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, call: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new AppError('ENGINE_TIMEOUT', `${call} did not answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
