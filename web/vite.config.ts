import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes the build's /assets/ files and an id of the build into dist/sw.js (copied from
 * web/public), so the service worker caches the lazily loaded chunks at install too (the pages
 * and the key code open offline) and each build gets a worker, and a cache, of its own.
 */
function swAssets(): Plugin {
  let outDir = '';
  return {
    name: 'yournet-sw-assets',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir.startsWith('/') ? config.build.outDir : join(config.root, config.build.outDir);
    },
    closeBundle() {
      const assets = readdirSync(join(outDir, 'assets'))
        .filter((name) => /\.(js|css)$/.test(name))
        .sort()
        .map((name) => `/assets/${name}`);
      const version = createHash('sha256').update(assets.join('\n')).digest('hex').slice(0, 12);
      const path = join(outDir, 'sw.js');
      const source = readFileSync(path, 'utf8');
      const written = source
        .replace("const VERSION = 'dev';", `const VERSION = '${version}';`)
        .replace('const BUILD_ASSETS = [];', `const BUILD_ASSETS = ${JSON.stringify(assets)};`);
      if (!written.includes(version) || written.includes('const BUILD_ASSETS = [];')) {
        throw new Error('sw.js: the VERSION and BUILD_ASSETS lines to fill are missing');
      }
      writeFileSync(path, written);
    },
  };
}

/**
 * The YourNet web app. Run from the repository root: `vite build web` (npm run build) writes
 * web/dist, which the node serves at `/`; `vite web` (npm run dev:web) serves it with live reload.
 * JSX is compiled for Preact by Vite's own transformer (no plugin needed).
 */
export default defineConfig({
  base: '/',
  plugins: [swAssets()],
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
