import { AppError } from '@shared/errors.js';

/** Bounds one step (a ping, a handshake) so an engine that accepts but never answers is reported as such. */
export async function withTimeout<T>(p: Promise<T>, ms: number, target: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError(
            'ENGINE_TIMEOUT',
            `${target} did not answer within ${(ms / 1000).toFixed(ms < 1000 ? 1 : 0)} s (engine not responding).`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
