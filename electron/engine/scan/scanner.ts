import type { ScanResult } from '../../../shared/domain/scan.js';
import type { EngineRegistry } from '../engines/registry.js';
import type { ContainerService } from '../docker/containers.js';
import { endpointUrl } from '../docker/client.js';

export interface ScanOptions {
  engineId: string;
  onProgress?: (done: number, total: number, message: string) => void;
}

/** Scans every container (running and stopped) of one engine. */
export async function scanEngine(engines: EngineRegistry, containers: ContainerService, opts: ScanOptions): Promise<ScanResult> {
  const started = Date.now();
  const config = engines.config(opts.engineId);
  opts.onProgress?.(0, 1, 'listing containers');
  const list = await containers.list(opts.engineId, true);
  const state = engines.state(opts.engineId);
  opts.onProgress?.(1, 1, `${list.length} containers`);
  return {
    engine: { id: config.id, name: config.name, endpoint: endpointUrl(config.endpoint), serverVersion: state.serverVersion },
    scannedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    containers: list.map((c) => ({ id: c.id, name: c.name, image: c.image, state: c.state, risk: c.risk ?? 0 })),
    findings: [],
    errors: [],
  };
}
