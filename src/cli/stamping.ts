import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Post } from '../core/post.ts';
import type { Stamp } from '../core/stamp.ts';
import type { StampWorkerData, StampWorkerMessage } from './stamp-worker.ts';

/** Nonces per chunk a worker reports after: ~2 ms at ~2M hashes/s. */
const CHUNK = 4096;

function workerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./stamp-worker-shim.mjs', import.meta.url)
    : new URL('./stamp-worker.js', import.meta.url);
}

export interface StampResult {
  readonly stamp: Stamp;
  readonly hashes: number;
  readonly seconds: number;
}

/**
 * Grinds a stamp of `bits` for `post` on worker threads (default: every core but one, at least
 * one); the first worker to find one wins and the others are terminated.
 */
export async function stampOnWorkers(
  post: Post,
  bits: number,
  options: { workers?: number; onProgress?: (hashes: number) => void } = {},
): Promise<StampResult> {
  const count = options.workers ?? Math.max(1, availableParallelism() - 1);
  const started = performance.now();
  const workers: Worker[] = [];
  let hashes = 0;
  try {
    return await new Promise<StampResult>((resolve, reject) => {
      for (let index = 0; index < count; index++) {
        const data: StampWorkerData = { post, bits, index, workers: count, chunk: CHUNK };
        const worker = new Worker(workerUrl(), { workerData: data });
        workers.push(worker);
        worker.on('message', (message: StampWorkerMessage) => {
          hashes += message.hashes;
          options.onProgress?.(hashes);
          if (message.type === 'found')
            resolve({
              stamp: { bits, nonce: message.nonce },
              hashes,
              seconds: (performance.now() - started) / 1000,
            });
        });
        worker.on('error', reject);
      }
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
