import { GRIND_BATCH, grindNonce, NONCE_LIMIT } from '../../core/grind.ts';
import { type BlockHeader, encodeHeader } from '../../core/header.ts';
import { type NativeMiner, targetBytes } from './native.ts';

/**
 * What a mining worker runs: core's nonce grinding over the worker's own nonce range, rolling
 * the timestamp when the range is exhausted. Free of worker_threads so it can be tested on the
 * main thread.
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
 * Tries every nonce of `range` against `target`, starting at the header's timestamp; when the range
 * is exhausted, the timestamp goes up by one second and the range starts over. Because each worker
 * owns a disjoint range, (timestamp, nonce) pairs never repeat across workers.
 *
 * `progress(hashes)` is called with the hashes done since its previous call, after every `batch`
 * hashes and once more before returning a solution; returning false stops the search.
 *
 * With `native`, each batch is one call to the addon (same order, same results); its batches are
 * longer ({@link NATIVE_BATCH}) because its hashes are faster.
 */
export function searchNonces(
  header: BlockHeader,
  target: bigint,
  range: SearchRange,
  progress: (hashes: number) => boolean,
  batch = GRIND_BATCH,
  native?: NativeMiner,
): SearchOutcome {
  const { nonceStart, nonceEnd } = range;
  if (
    !(Number.isSafeInteger(nonceStart) && nonceStart >= 0 && nonceEnd > nonceStart && nonceEnd <= NONCE_LIMIT)
  )
    throw new RangeError(`bad nonce range [${nonceStart}, ${nonceEnd})`);
  if (!(Number.isSafeInteger(batch) && batch > 0)) throw new RangeError('batch must be a positive integer');
  if (native) return searchNative(native, header, target, range, progress, batch);
  let keepGoing = true;
  const options = {
    start: nonceStart,
    count: nonceEnd - nonceStart,
    batch,
    onProgress: (hashes: number) => {
      keepGoing = progress(hashes);
    },
    shouldStop: () => !keepGoing,
  };
  for (let timestamp = header.timestamp; Number.isSafeInteger(timestamp); timestamp++) {
    // A roll builds a new midstate: rare (a range of 2^53 / workers nonces), and one compression.
    const outcome = grindNonce({ ...header, timestamp }, target, options);
    if (outcome.found) return { found: true, nonce: outcome.nonce, timestamp };
    if (outcome.stopped) return { found: false };
  }
  return { found: false };
}

/**
 * Hashes per native call: ~3 ms at the ~20 M hashes/s of one SHA-NI core, which bounds how long a
 * worker runs after a cancel, as GRIND_BATCH does for the JavaScript search.
 */
export const NATIVE_BATCH = 65_536;

function searchNative(
  native: NativeMiner,
  header: BlockHeader,
  target: bigint,
  range: SearchRange,
  progress: (hashes: number) => boolean,
  batch: number,
): SearchOutcome {
  const targetWords = targetBytes(target);
  for (let timestamp = header.timestamp; Number.isSafeInteger(timestamp); timestamp++) {
    const bytes = encodeHeader({ ...header, timestamp, nonce: 0 });
    for (let start = range.nonceStart; start < range.nonceEnd; start += batch) {
      const count = Math.min(batch, range.nonceEnd - start);
      const nonce = native.search(bytes, targetWords, start, count);
      if (nonce >= 0) {
        progress(nonce - start + 1);
        return { found: true, nonce, timestamp };
      }
      if (!progress(count)) return { found: false };
    }
  }
  return { found: false };
}
