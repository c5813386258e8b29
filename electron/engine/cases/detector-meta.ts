import type { DetectorMeta } from '@shared/domain/finding.js';
import { DETECTORS } from '../detect/registry.js';

/** Metadata of every registered detector, for reports (blind spots, response, ATT&CK, ADS report). */
export const detectorMetas = (): DetectorMeta[] => DETECTORS.map((d) => d.meta);
