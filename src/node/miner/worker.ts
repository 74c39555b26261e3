import { parentPort, workerData } from 'node:worker_threads';
import { searchNonces } from './search.ts';
import { type FromWorker, GENERATION, type ToWorker, type WorkerInit } from './shared.ts';

/**
 * A mining worker thread. It lives as long as the pool: each job arrives as a message and is
 * hashed synchronously until it is solved or its generation in shared memory changes. The thread
 * never yields while hashing, so a cancel is seen through Atomics, not through a message.
 */

if (!parentPort) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;
const { shared, slot } = workerData as WorkerInit;
const control = new Int32Array(shared.control);
const counters = new BigInt64Array(shared.counters);

function send(message: FromWorker): void {
  port.postMessage(message);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'crash') throw new Error(message.message);
  const { generation } = message;
  // A job that was superseded while it waited in the queue: skip it without building a midstate.
  if (Atomics.load(control, GENERATION) !== generation) return;
  const outcome = searchNonces(message.header, message.target, message, (hashes) => {
    Atomics.add(counters, slot, BigInt(hashes));
    return Atomics.load(control, GENERATION) === generation;
  });
  if (outcome.found) send({ type: 'found', generation, nonce: outcome.nonce, timestamp: outcome.timestamp });
});

send({ type: 'ready' });
