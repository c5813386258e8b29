import type { Handler } from '../handlers.js';
import { STRATEGIES } from './catalogue.js';
import { DETECTORS } from './registry.js';
import { BASELINES } from './suppression-file.js';

/** Handlers of the detector operations; the catalogue is static, so they need no service. */
export function detectorHandlers(): { 'detectors.list': Handler<'detectors.list'> } {
  return {
    'detectors.list': async () => ({
      detectors: DETECTORS.map((d) => d.meta),
      strategies: Object.entries(STRATEGIES).map(([id, s]) => ({ id: id as keyof typeof STRATEGIES, ...s })),
      baselines: Object.entries(BASELINES).map(([name, entries]) => ({
        name,
        reason: entries.map((e) => e.reason).join(' '),
        detectors: [...new Set(entries.flatMap((e) => e.detectors))],
      })),
    }),
  };
}
