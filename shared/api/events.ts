import { z } from 'zod';
import { EngineStateSchema } from '../domain/engine.js';
import { EngineEventSchema } from '../domain/event.js';
import { ScanProgressSchema } from '../domain/scan.js';
import { TerminalDataSchema, TerminalExitSchema } from './terminal.js';
import { KubeCollectProgressSchema } from './kube-collect.js';

/** Events pushed from the engine to the UI, over IPC or WebSocket. */
export const eventSchemas = {
  'engine.state': EngineStateSchema,
  'engine.event': EngineEventSchema,
  'scan.progress': ScanProgressSchema,
  'terminal.data': TerminalDataSchema,
  'terminal.exit': TerminalExitSchema,
  'kube.collect.progress': KubeCollectProgressSchema,
} as const;

export type EventName = keyof typeof eventSchemas;
export type EventPayload<E extends EventName> = z.output<(typeof eventSchemas)[E]>;
export const EVENT_NAMES = Object.keys(eventSchemas) as EventName[];
