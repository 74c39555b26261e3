/// <reference lib="webworker" />
/**
 * One stamping thread of the web app (docs/PROTOCOL.md §12): grinds the nonce chunks index,
 * index + workers, … of a post's stamp with core's grindStamp and reports progress per chunk, so
 * the page can show a progress bar and stop every worker at once (terminate) on cancel.
 */
import { nobleCrypto } from '#core/crypto-noble.ts';
import { NONCE_LIMIT } from '#core/grind.ts';
import type { Post } from '#core/post.ts';
import { grindStamp, stampDigest } from '#core/stamp.ts';

export interface StampJob {
  readonly post: Post;
  readonly bits: number;
  readonly index: number;
  readonly workers: number;
  readonly chunk: number;
}

export type StampWorkerReply =
  | { readonly type: 'progress'; readonly hashes: number }
  | { readonly type: 'found'; readonly nonce: number; readonly hashes: number };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<StampJob>) => {
  const { post, bits, index, workers, chunk } = event.data;
  const digest = stampDigest(post, nobleCrypto);
  for (let c = index; c * chunk < NONCE_LIMIT; c += workers) {
    const start = c * chunk;
    const count = Math.min(chunk, NONCE_LIMIT - start);
    const outcome = grindStamp(post, bits, nobleCrypto, { start, count }, digest);
    if (outcome.found) {
      const hashes = outcome.stamp.nonce - start + 1;
      scope.postMessage({ type: 'found', nonce: outcome.stamp.nonce, hashes } satisfies StampWorkerReply);
      return;
    }
    scope.postMessage({ type: 'progress', hashes: count } satisfies StampWorkerReply);
  }
};
