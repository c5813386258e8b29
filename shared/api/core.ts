import { z } from 'zod';
import { defineOp } from './define.js';
import { EngineStateSchema, EngineViewSchema } from '../domain/engine.js';
import { ContainerDetailSchema, ContainerSummarySchema } from '../domain/container.js';

const EngineRef = z.object({ engineId: z.string().min(1).max(128) });
const ContainerRef = EngineRef.extend({ containerId: z.string().regex(/^[0-9a-f]{12,64}$/) });
export { EngineRef, ContainerRef };

/** Operations every build has: identity, engines and containers. */
export const coreOps = {
  'app.info': defineOp(
    z.object({}),
    z.object({ version: z.string(), transport: z.enum(['ipc', 'http']), user: z.string(), platform: z.string() }),
  ),
  'engines.list': defineOp(z.object({}), z.array(EngineViewSchema)),
  'engines.connect': defineOp(EngineRef, EngineStateSchema, { timeoutMs: 60_000 }),
  'containers.list': defineOp(EngineRef.extend({ all: z.boolean().default(true) }), z.array(ContainerSummarySchema)),
  'containers.inspect': defineOp(ContainerRef, ContainerDetailSchema),
};
