import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const CLI = path.resolve('electron/cli');
const ENGINE = path.resolve('electron/engine');

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The engine modules one file imports: static imports and re-exports (types too) and dynamic import() calls. */
function engineImports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts'))
    .filter((target) => target.startsWith(ENGINE + path.sep))
    .map((target) => path.relative(ENGINE, target));
}

describe('the command line is a client of the engine', () => {
  it('reads the imports of its files, dynamic ones included', () => {
    const found = engineImports(path.join(CLI, 'engine-client.ts'));
    expect(found).toContain('app.ts');
  });

  it('imports at most 5 engine modules; everything else goes through the contract operations', () => {
    const byModule = new Map<string, string[]>();
    for (const file of sources(CLI)) {
      for (const m of engineImports(file)) byModule.set(m, [...(byModule.get(m) ?? []), path.relative(CLI, file)]);
    }
    const listing = [...byModule].map(([m, files]) => `${m} <- ${files.join(', ')}`).sort();
    expect(listing.length, listing.join('\n')).toBeLessThanOrEqual(5);
  });
});
