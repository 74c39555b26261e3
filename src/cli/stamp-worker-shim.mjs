// Entry point of a stamping worker when the CLI runs from TypeScript sources (tests, dev): a
// worker thread does not inherit tsx's loader hooks, so register them first (as the miner's shim).
import { register } from 'tsx/esm/api';

register();
await import('./stamp-worker.ts');
