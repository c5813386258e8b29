import type { OpInput, OpName, OpOutput } from '@shared/api/contract.js';
import { AppError, type ErrorCode } from '@shared/errors.js';
import type { AppOptions } from '../engine/app.js';
import type { EventSource } from './scan-watch.js';

/**
 * The engine as the command line sees it: the contract operations the UI calls, dispatched in this process with
 * the same validation, and the engine's events. Output formatting stays with the commands.
 */
export interface EngineClient {
  call<K extends OpName>(op: K, input: OpInput<K>, opts?: { signal?: AbortSignal }): Promise<OpOutput<K>>;
  events: EventSource;
  /** The analyst named in the custody lines the calls write. */
  user: string;
  dispose(): Promise<void>;
}

/**
 * Builds the engine in this process. It is imported only here and only when a command runs, so `--version`,
 * `--help` and the commands that need no engine do not load the Docker, ssh and Kubernetes clients or SQLite.
 */
export async function openEngine(opts: AppOptions = {}): Promise<EngineClient> {
  const { createApp } = await import('../engine/app.js');
  const app = createApp(opts);
  return {
    async call(op, input, callOpts = {}) {
      const reply = await app.dispatch(op, input, { transport: 'cli', user: app.user, signal: callOpts.signal });
      if (!reply.ok) throw new AppError(reply.error.code as ErrorCode, reply.error.message, reply.error.details);
      return reply.value as OpOutput<typeof op>;
    },
    events: app.bus,
    user: app.user,
    dispose: () => app.dispose(),
  };
}

/** Runs a command against the engine and always releases it (the case database, engine connections). */
export async function withEngine<T>(opts: AppOptions, fn: (engine: EngineClient) => Promise<T>): Promise<T> {
  const engine = await openEngine(opts);
  try {
    return await fn(engine);
  } finally {
    await engine.dispose();
  }
}
