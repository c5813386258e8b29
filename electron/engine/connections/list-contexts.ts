import type { EngineState } from '@shared/domain/engine.js';
import type { ContextListing } from '@shared/api/engines.js';
import { EventBus } from '../event-bus.js';
import { endpointUrl } from '../docker/client.js';
import { discover, type DiscoverOptions } from './discover.js';
import { EngineRegistry } from './registry.js';

/**
 * Every engine discovery finds, as `stowaway contexts` lists them; with `check`, each is connected once (through a
 * registry of its own, so the engines in use are left alone) and its state is shown.
 */
export async function listContexts(
  opts: DiscoverOptions & { check: boolean; timeoutMs: number },
): Promise<ContextListing> {
  const found = discover(opts);
  const states = new Map<string, EngineState>();
  if (opts.check) {
    const registry = new EngineRegistry(new EventBus(), {
      env: opts.env,
      home: opts.home,
      callTimeoutMs: opts.timeoutMs,
      healthIntervalMs: 0,
      sshHealthIntervalMs: 0,
    });
    try {
      registry.setEngines(found.engines);
      await Promise.all(found.engines.map(async (e) => states.set(e.id, await registry.connect(e.id))));
    } finally {
      registry.dispose();
    }
  }
  const engines = found.engines.map((e) => ({
    ...e,
    url: endpointUrl(e.endpoint),
    ...(states.has(e.id) ? { state: states.get(e.id) } : {}),
  }));
  return { currentBy: found.currentBy, engines, warnings: found.warnings };
}
