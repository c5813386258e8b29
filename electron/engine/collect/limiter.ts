/**
 * Runs at most `concurrency` tasks at once. The Engine API serialises much of its work per daemon:
 * unbounded fan-out over fifty containers makes every call slower, not the scan faster.
 */
export function createLimiter(concurrency: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (active >= concurrency) return;
    const run = queue.shift();
    if (run) {
      active++;
      run();
    }
  };
  return function limit<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
  };
}

export type Limiter = ReturnType<typeof createLimiter>;
