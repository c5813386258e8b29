import os from 'node:os';
import { EventBus } from './event-bus.js';
import { EngineRegistry } from './engines/registry.js';
import { discoverLocalEngines } from './engines/local-discovery.js';
import { ContainerService } from './docker/containers.js';
import { createDispatcher } from './dispatcher.js';
import type { Handlers } from './handlers.js';
import { VERSION } from './version.js';

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  dataDir?: string;
}

/** The composition root of the engine: builds every service and the handler map for both transports. */
export function createApp(opts: AppOptions = {}) {
  const env = opts.env ?? process.env;
  const bus = new EventBus();
  const engines = new EngineRegistry(bus);
  engines.setEngines(discoverLocalEngines(env, opts.home));
  const containers = new ContainerService(engines);
  const user = env.STOWAWAY_ANALYST || os.userInfo().username;

  const handlers: Handlers = {
    'app.info': async (_i, ctx) => ({ version: VERSION, transport: ctx.transport === 'ipc' ? 'ipc' : 'http', user, platform: process.platform }),
    'engines.list': async () => engines.list(),
    'engines.connect': async ({ engineId }) => engines.connect(engineId),
    'containers.list': async ({ engineId, all }) => containers.list(engineId, all),
    'containers.inspect': async ({ engineId, containerId }) => containers.inspect(engineId, containerId),
  };

  return { bus, engines, containers, handlers, dispatch: createDispatcher(handlers), user, dispose: async () => {} };
}

export type App = ReturnType<typeof createApp>;
