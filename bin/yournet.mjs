#!/usr/bin/env node
// Entry point of `npx yournet`: runs the compiled CLI (built by `npm run build`, which `npm ci` runs).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('yournet is not built yet: run `npm run build` (or `npm ci`) first.');
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
