import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // shared/ is imported as @shared/ everywhere outside it (tsconfig.json paths; esbuild and tsx read those).
  resolve: { alias: { '@shared': fileURLToPath(new URL('./shared', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Docker-backed suites share one daemon; two workers match this machine's two cores.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
