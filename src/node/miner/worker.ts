import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadNativeMiner } from './native.ts';
import { NATIVE_BATCH, searchNonces } from './search.ts';
import { type FromWorker, GENERATION, type ToWorker, type WorkerInit } from './shared.ts';

/**
 * A mining worker thread. It lives as long as the pool: each job arrives as a message and is
 * hashed synchronously until it is solved or its generation in shared memory changes. The thread
 * never yields while hashing, so a cancel is seen through Atomics, not through a message.
 */

if (!parentPort) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;
const { shared, slot, nice } = workerData as WorkerInit;
const control = new Int32Array(shared.control);
const counters = new BigInt64Array(shared.counters);

function send(message: FromWorker): void {
  port.postMessage(message);
}

/**
 * Lowers this thread's priority so the main thread (HTTP, chain) wins the CPU when every core
 * mines. On Linux, setpriority(PRIO_PROCESS, 0) acts on the calling thread only (each thread has
 * its own nice value); on other systems it would renice the whole process, so it is not done.
 */
function lowerPriority(): number | undefined {
  if (process.platform !== 'linux' || nice === 0) return undefined;
  try {
    setPriority(0, nice);
    return nice;
  } catch {
    return undefined; // not permitted: mine at normal priority
  }
}

const niceness = lowerPriority();
const native = loadNativeMiner();

port.on('message', (message: ToWorker) => {
  if (message.type === 'crash') throw new Error(message.message);
  const { generation } = message;
  // A job that was superseded while it waited in the queue: skip it without building a midstate.
  if (Atomics.load(control, GENERATION) !== generation) return;
  const progress = (hashes: number) => {
    Atomics.add(counters, slot, BigInt(hashes));
    return Atomics.load(control, GENERATION) === generation;
  };
  const outcome = native.ok
    ? searchNonces(message.header, message.target, message, progress, NATIVE_BATCH, native.miner)
    : searchNonces(message.header, message.target, message, progress);
  if (outcome.found) send({ type: 'found', generation, nonce: outcome.nonce, timestamp: outcome.timestamp });
});

send({
  type: 'ready',
  backend: native.ok ? native.miner.backend : 'js',
  ...(native.ok ? {} : { fallback: native.reason }),
  ...(niceness !== undefined ? { nice: niceness } : {}),
});
