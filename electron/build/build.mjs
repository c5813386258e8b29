// Builds the CLI/engine and the Electron shell with esbuild, and the renderer with Vite.
import { build } from 'esbuild';
import { existsSync, mkdirSync, chmodSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const only = process.argv[2];

// Native and optional modules stay outside the bundle; they load from node_modules at run time.
const external = [
  'electron',
  'better-sqlite3',
  'ssh2',
  'cpu-features',
  '@kubernetes/client-node',
  'playwright-core',
  'dockerode',
  'docker-modem',
  'ws',
  'bufferutil',
  'utf-8-validate',
];
const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, external, logLevel: 'warning' };
const esmBanner = {
  js: "import { createRequire as __stowawayRequire } from 'node:module'; const require = __stowawayRequire(import.meta.url);",
};

async function buildNode() {
  // The CLI is split: dist/cli.mjs (the bin) reads the arguments, and each command's code sits in a chunk that
  // loads only when that command runs, so `stowaway --version` starts at once.
  rmSync(path.join(dist, 'cli-chunks'), { recursive: true, force: true });
  await build({
    ...common,
    format: 'esm',
    splitting: true,
    entryPoints: { cli: path.join(root, 'electron/cli/main.ts') },
    outdir: dist,
    chunkNames: 'cli-chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    banner: { js: `#!/usr/bin/env node\n${esmBanner.js}` },
  });
  chmodSync(path.join(dist, 'cli.mjs'), 0o755);
  // Bundle imports, engine collections and host reads run in worker threads, which load their own files (see
  // engine/bundle/import-bundle.ts, engine/scan/collect-in-worker.ts and engine/collect/host-read-pool.ts).
  await build({
    ...common,
    format: 'esm',
    entryPoints: {
      'bundle-import-worker': path.join(root, 'electron/engine/bundle/import-worker.ts'),
      'host-read-worker': path.join(root, 'electron/engine/collect/host-read-worker.ts'),
      'collect-worker': path.join(root, 'electron/engine/scan/collect-worker.ts'),
    },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    banner: esmBanner,
  });
  await build({
    ...common,
    format: 'esm',
    entryPoints: { main: path.join(root, 'electron/shell/main.ts') },
    outdir: path.join(dist, 'electron'),
    outExtension: { '.js': '.mjs' },
    banner: esmBanner,
  });
  // Sandboxed preloads cannot be ES modules.
  await build({
    ...common,
    format: 'cjs',
    entryPoints: { preload: path.join(root, 'electron/shell/preload.ts') },
    outdir: path.join(dist, 'electron'),
    outExtension: { '.js': '.cjs' },
  });
}

async function buildRenderer() {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: path.join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
}

mkdirSync(dist, { recursive: true });
if (!existsSync(path.join(root, 'electron/cli/main.ts'))) {
  console.error('build: electron/cli/main.ts is missing');
  process.exit(1);
}
if (!only || only === 'node') await buildNode();
if (!only || only === 'renderer') await buildRenderer();
