// Entry point of a signature worker when the pool runs from TypeScript sources (tests, dev):
// a worker thread does not inherit tsx's loader hooks, so register them before loading worker.ts.
// Compiled builds start dist/node/verifier/worker.js and never load this file.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
