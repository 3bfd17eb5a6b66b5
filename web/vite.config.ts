import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dashboard, built into web/dist and served by `cloak serve` at `/` (src/api/web.ts).
// No inline script or style in the output: the page runs under a strict CSP.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The module preload polyfill is an inline script: not needed by the browsers we support.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 300,
  },
});
