import type { Envelope, OpInput, OpName, OpOutput } from '@shared/api/contract.js';
import type { EventName, EventPayload } from '@shared/api/events.js';

/** An error that came back through the contract, with its code for the UI to act on. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** What the UI needs from a transport: the same on IPC and HTTP. */
export interface Transport {
  readonly kind: 'ipc' | 'http';
  invoke(op: string, input: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
  onConnection?(listener: (up: boolean) => void): () => void;
}

/** Typed client over either transport. */
export class ApiClient {
  constructor(readonly transport: Transport) {}

  async call<K extends OpName>(op: K, input: OpInput<K>): Promise<OpOutput<K>> {
    const env = await this.transport.invoke(op, input);
    if (!env.ok) throw new ApiError(env.error.code, env.error.message, env.error.details);
    return env.value as OpOutput<K>;
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.transport.subscribe((name, payload) => {
      if (name === event) listener(payload as EventPayload<E>);
    });
  }
}
