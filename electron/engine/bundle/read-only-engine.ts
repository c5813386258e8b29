import { AppError } from '../../../shared/errors.js';
import type { EngineConfig } from '../../../shared/domain/engine.js';

/** True for an engine that is an opened evidence bundle rather than a live Docker engine. */
export const isBundleEngine = (config: Pick<EngineConfig, 'endpoint'>): boolean => config.endpoint.type === 'bundle';

/**
 * The error of every operation that needs a live engine (exec, logs, stats, reading image layers, a new scan)
 * asked of an evidence bundle: the bundle holds what was collected then, and nothing can be asked of it now.
 */
export function readOnlyBundleError(name: string, what = 'this needs a live engine'): AppError {
  return new AppError('FORBIDDEN', `read-only evidence bundle: "${name.slice(0, 256)}" holds evidence collected earlier; ${what}`);
}
