import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderCatalogue } from './catalogue.js';
import { DETECTORS } from './registry.js';

/** Regenerates DETECTORS.md next to this file from the detector metadata. */
export const CATALOGUE_PATH = fileURLToPath(new URL('./DETECTORS.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(CATALOGUE_PATH, renderCatalogue(DETECTORS));
  process.stdout.write(`wrote ${CATALOGUE_PATH} (${DETECTORS.length} detectors)\n`);
}
