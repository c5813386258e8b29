import { AppError } from '@shared/app-error.js';

/** A call that can be told to give up: the signal goes to the request (dockerode's `abortSignal` option). */
export type AbortableCall<T> = (signal: AbortSignal) => Promise<T>;

/**
 * Fails a call that takes longer than `ms`, so one wedged container or a stuck daemon handler becomes
 * an entry in the scan's errors instead of a scan that never ends. `onTimeout` releases what the call holds.
 *
 * Given a function rather than a promise, the call receives a signal that is aborted on time-out: a request
 * cut mid-answer never calls back by itself, so without the abort its socket and buffers would live on.
 */
export function withTimeout<T>(
  call: Promise<T> | AbortableCall<T>,
  ms: number,
  name: string,
  onTimeout?: () => void,
): Promise<T> {
  const controller = typeof call === 'function' ? new AbortController() : undefined;
  let promise: Promise<T>;
  try {
    promise = controller ? (call as AbortableCall<T>)(controller.signal) : (call as Promise<T>);
  } catch (e) {
    return Promise.reject(e);
  }
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new AppError('ENGINE_TIMEOUT', `${name} did not answer within ${ms} ms`);
      controller?.abort(err);
      onTimeout?.();
      reject(err);
    }, ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
