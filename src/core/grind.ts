import { type BlockHeader, HeaderHasher } from './header.ts';
import { targetWords, wordsMeetTarget } from './pow.ts';

/**
 * Nonce grinding (docs/PROTOCOL.md §5): the one loop that searches for a header meeting a target.
 * The miner's workers, regtest, the scripts and the tests all use it. The midstate of the
 * header's first 64 bytes (which hold neither timestamp nor nonce) is built once, so each nonce
 * costs one SHA-256 compression.
 */

/** One past Number.MAX_SAFE_INTEGER: every nonce must stay exact in JSON (§4.1). */
export const NONCE_LIMIT = 2 ** 53;

/**
 * Hashes between two progress calls. Each call costs the miner an atomic add and load; at ~2M
 * hashes/s per thread 4096 hashes take ~2 ms, which bounds how long a worker runs after a cancel.
 */
export const GRIND_BATCH = 4096;

export interface GrindOptions {
  /** First nonce to try; default 0. */
  readonly start?: number;
  /** How many nonces to try at most; default all up to {@link NONCE_LIMIT}. */
  readonly count?: number;
  /** Hashes per progress call; default {@link GRIND_BATCH}. */
  readonly batch?: number;
  /**
   * Called with the hashes done since the previous call: after every batch, and once more
   * (counting the winning nonce) before a solution is returned.
   */
  readonly onProgress?: (hashes: number) => void;
  /** Asked after each batch (after onProgress); true ends the search. */
  readonly shouldStop?: () => boolean;
}

export type GrindOutcome =
  /** `hash` is headerHash of the header with `nonce`, lowercase hex. */
  | { readonly found: true; readonly nonce: number; readonly hash: string }
  /** `stopped`: shouldStop said so; otherwise every nonce of the range was tried. */
  | { readonly found: false; readonly stopped: boolean };

/** What a grinder hashes with: one compression per nonce on a precomputed midstate. */
export interface NonceHasher {
  hashWith(nonce: number): Uint32Array;
  /** The hex hash of the last {@link hashWith} call. */
  digestHex(): string;
}

/**
 * The one nonce-search loop: tries the nonces [start, start + count) in order with `hasher` and
 * returns the first whose hash is ≤ `target`. Block headers ({@link grindNonce}) and post stamps
 * (stamp.ts `grindStamp`) both search through it.
 */
export function grindWith(hasher: NonceHasher, target: bigint, options: GrindOptions = {}): GrindOutcome {
  const start = options.start ?? 0;
  const count = options.count ?? NONCE_LIMIT - start;
  const batch = options.batch ?? GRIND_BATCH;
  // Compared before adding: start + count would round above 2^53.
  if (!(Number.isSafeInteger(start) && start >= 0 && Number.isInteger(count) && count >= 0))
    throw new RangeError(`bad nonce range: start ${start}, count ${count}`);
  if (count > NONCE_LIMIT - start) throw new RangeError(`nonce range from ${start} passes 2^53`);
  const end = start + count;
  if (!(Number.isSafeInteger(batch) && batch > 0)) throw new RangeError('batch must be a positive integer');
  const { onProgress, shouldStop } = options;
  const words = targetWords(target);
  for (let nonce = start; nonce < end; ) {
    const batchStart = nonce;
    const batchEnd = Math.min(end, nonce + batch);
    for (; nonce < batchEnd; nonce++) {
      if (wordsMeetTarget(hasher.hashWith(nonce), words)) {
        onProgress?.(nonce - batchStart + 1);
        return { found: true, nonce, hash: hasher.digestHex() };
      }
    }
    onProgress?.(batchEnd - batchStart);
    if (shouldStop?.()) return { found: false, stopped: true };
  }
  return { found: false, stopped: false };
}

/**
 * Tries the nonces [start, start + count) in order on `header` (its timestamp as given, its own
 * nonce ignored) and returns the first whose hash is ≤ `target`.
 */
export function grindNonce(header: BlockHeader, target: bigint, options: GrindOptions = {}): GrindOutcome {
  return grindWith(new HeaderHasher(header), target, options);
}
