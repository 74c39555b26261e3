import { parentPort, workerData } from 'node:worker_threads';
import { NONCE_LIMIT } from '../core/grind.ts';
import type { Post } from '../core/post.ts';
import { grindStamp, stampDigest } from '../core/stamp.ts';
import { nodeCrypto } from '../node/crypto-node.ts';

/** One stamping thread of `yournet post`: nonce chunks index, index + workers, … (./stamping.ts). */
export interface StampWorkerData {
  readonly post: Post;
  readonly bits: number;
  readonly index: number;
  readonly workers: number;
  readonly chunk: number;
}

export type StampWorkerMessage =
  | { readonly type: 'progress'; readonly hashes: number }
  | { readonly type: 'found'; readonly nonce: number; readonly hashes: number };

const { post, bits, index, workers, chunk } = workerData as StampWorkerData;
const digest = stampDigest(post, nodeCrypto);
for (let c = index; c * chunk < NONCE_LIMIT; c += workers) {
  const start = c * chunk;
  const outcome = grindStamp(
    post,
    bits,
    nodeCrypto,
    { start, count: Math.min(chunk, NONCE_LIMIT - start) },
    digest,
  );
  if (outcome.found) {
    parentPort!.postMessage({
      type: 'found',
      nonce: outcome.stamp.nonce,
      hashes: outcome.stamp.nonce - start + 1,
    } satisfies StampWorkerMessage);
    break;
  }
  parentPort!.postMessage({ type: 'progress', hashes: chunk } satisfies StampWorkerMessage);
}
