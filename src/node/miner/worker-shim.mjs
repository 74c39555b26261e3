// Entry point of a mining worker when the pool runs from TypeScript sources (tests, dev).
// A worker thread does not inherit tsx's loader hooks from the main thread, so it cannot load
// worker.ts directly: register tsx here first. Compiled builds start dist/node/miner/worker.js
// instead and never load this file (tsc does not copy .mjs files into dist).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
