import type { z } from 'zod';
import type { Contract, OpName, OpOutput } from '@shared/api/contract.js';

/** Who is calling: the transport and, for audit, the analyst. */
export interface CallContext {
  transport: 'ipc' | 'http' | 'cli';
  user: string;
  signal?: AbortSignal;
}

export type Handler<K extends OpName> = (
  input: z.output<Contract[K]['input']>,
  ctx: CallContext,
) => Promise<OpOutput<K>>;

/** Implementation of every contract operation; services contribute partial maps that the composition root merges. */
export type Handlers = { [K in OpName]: Handler<K> };
export type PartialHandlers = { [K in OpName]?: Handler<K> };
