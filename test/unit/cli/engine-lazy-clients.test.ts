import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ENGINE = path.resolve('electron/engine');
/** Packages that cost the most to load: each is loaded where a command first talks to an engine or a cluster. */
const HEAVY = ['dockerode', 'docker-modem', 'ssh2', '@kubernetes/client-node'];

/**
 * What a module needs loaded before it runs: static imports and re-exports that bring values. Type-only imports
 * are erased, and dynamic import() calls and require() through createRequire load only when reached.
 */
function valueImports(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const st of src.statements) {
    if (ts.isImportDeclaration(st)) {
      const c = st.importClause;
      if (c?.isTypeOnly) continue;
      const named = c?.namedBindings;
      const onlyTypes =
        c !== undefined &&
        c.name === undefined &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      if (!onlyTypes) out.push((st.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && !st.isTypeOnly) {
      out.push((st.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = spec.startsWith('.')
    ? path.resolve(path.dirname(from), spec)
    : spec.startsWith('@shared/')
      ? path.resolve('shared', spec.slice('@shared/'.length))
      : undefined;
  if (!base) return undefined;
  const ts_ = base.replace(/\.js$/, '.ts');
  return existsSync(ts_) ? ts_ : undefined;
}

/** Every heavy package that loading `entry` loads too, with the chain of modules that brings it in. */
function heavyLoadedBy(entry: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of valueImports(file)) {
      const local = resolveLocal(file, spec);
      if (local) walk(local, [...chain, path.relative(ENGINE, local)]);
      else if (HEAVY.some((h) => spec === h || spec.startsWith(`${h}/`)))
        found.push(`${spec} <- ${chain.join(' <- ')}`);
    }
  };
  walk(entry, ['app.ts']);
  return found;
}

describe('building the engine in process', () => {
  it('sees value imports and not type-only ones', () => {
    const probe = path.join(ENGINE, 'kube', 'kube-config.ts');
    expect(valueImports(probe)).not.toContain('@kubernetes/client-node');
    expect(valueImports(path.join(ENGINE, 'app.ts'))).toContain('./connections/registry.js');
  });

  it('loads none of the Docker, ssh and Kubernetes clients until a command uses them', () => {
    const found = heavyLoadedBy(path.join(ENGINE, 'app.ts'));
    expect(found, found.join('\n')).toEqual([]);
  });
});
