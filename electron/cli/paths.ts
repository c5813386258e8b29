import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built renderer next to the bundled CLI (dist/renderer), or undefined when the UI was not built. */
export function rendererDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [
    path.join(here, 'renderer'),
    path.join(here, '../../dist/renderer'),
    path.join(here, '../dist/renderer'),
  ]) {
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}
