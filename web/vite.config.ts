import { defineConfig } from 'vite';

/**
 * The YourNet web app. Run from the repository root: `vite build web` (npm run build) writes
 * web/dist, which the node serves at `/`; `vite web` (npm run dev:web) serves it with live reload.
 * JSX is compiled for Preact by Vite's own transformer (no plugin needed).
 */
export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 300,
  },
  // The app imports ../src/core: let the dev server read the whole repository.
  server: { fs: { allow: ['..'] }, port: 5173 },
});
