import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Plugin } from 'vite';
import { metaContentSecurityPolicy } from '../electron/server/csp.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [react(), cspMeta()],
  // The one alias of the code base (see tsconfig.json paths).
  resolve: { alias: { '@shared': path.resolve(here, '../shared') } },
  build: {
    outDir: path.resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
});

/**
 * The built page carries its CSP in a <meta> tag, whichever way it is served (Electron's protocol handler, web
 * mode). Only at build time: the dev server injects an inline script that a strict policy would block.
 */
function cspMeta(): Plugin {
  return {
    name: 'stowaway-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: metaContentSecurityPolicy() },
        injectTo: 'head-prepend',
      },
    ],
  };
}
