import { type BlockHeader, HeaderHasher } from '../../core/header.ts';
import { targetWords, wordsMeetTarget } from '../../core/pow.ts';

/**
 * The hashing loop a worker runs, kept free of worker_threads so it can be tested on the main
 * thread.
 */

export interface SearchRange {
  /** First nonce to try. */
  readonly nonceStart: number;
  /** One past the last nonce to try; at most 2^53 so every nonce is a safe integer. */
  readonly nonceEnd: number;
}

export type SearchOutcome =
  | { readonly found: true; readonly nonce: number; readonly timestamp: number }
  | { readonly found: false };

/**
 * Hashes per progress report. Each report costs an atomic add and an atomic load; at ~2M hashes/s
 * per thread 4096 hashes take ~2 ms, which bounds how long a worker keeps going after a cancel.
 */
export const BATCH = 4096;

/**
 * Tries every nonce of `range` against `target`, starting at the header's timestamp; when the range
 * is exhausted, the timestamp goes up by one second and the range starts over. Because each worker
 * owns a disjoint range, (timestamp, nonce) pairs never repeat across workers.
 *
 * `progress(hashes)` is called with the hashes done since its previous call, after every {@link BATCH}
 * hashes and once more before returning a solution; returning false stops the search.
 */
export function searchNonces(
  header: BlockHeader,
  target: bigint,
  range: SearchRange,
  progress: (hashes: number) => boolean,
  batch = BATCH,
): SearchOutcome {
  const { nonceStart, nonceEnd } = range;
  if (!(Number.isSafeInteger(nonceStart) && nonceStart >= 0 && nonceEnd > nonceStart && nonceEnd <= 2 ** 53))
    throw new RangeError(`bad nonce range [${nonceStart}, ${nonceEnd})`);
  // The midstate covers bytes 0–63, which hold neither the timestamp nor the nonce: build it once.
  const hasher = new HeaderHasher(header);
  const words = targetWords(target);
  for (let timestamp = header.timestamp; Number.isSafeInteger(timestamp); timestamp++) {
    hasher.setTimestamp(timestamp);
    for (let nonce = nonceStart; nonce < nonceEnd; ) {
      const batchStart = nonce;
      const batchEnd = Math.min(nonceEnd, nonce + batch);
      for (; nonce < batchEnd; nonce++) {
        if (wordsMeetTarget(hasher.hashWith(nonce), words)) {
          progress(nonce - batchStart + 1);
          return { found: true, nonce, timestamp };
        }
      }
      if (!progress(batchEnd - batchStart)) return { found: false };
    }
  }
  return { found: false };
}
