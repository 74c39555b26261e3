import type { BlockHeader } from '../../core/header.ts';
import type { BlockReader } from '../store/store.ts';
import type { Chain } from './chain.ts';

/** Most hashes in a locator; log2 of any realistic height plus the dense top stays far below. */
export const MAX_LOCATOR_HASHES = 64;
/** Most headers in one answer (as Bitcoin's `headers` message). */
export const MAX_HEADERS_PER_ANSWER = 2000;

/** A header as it travels between nodes: the header fields and the block hash. */
export type WireHeader = BlockHeader & { hash: string };

/**
 * A block locator of the best chain (Bitcoin's CChain::GetLocator): the 10 newest hashes, then
 * hashes at exponentially growing steps back, always ending with the genesis, so the peer finds
 * the last common block in O(log height) hashes even after a deep fork.
 */
export function buildLocator(chain: Chain): string[] {
  const hashes: string[] = [];
  let step = 1;
  let height = chain.tip.height;
  while (height > 0 && hashes.length < MAX_LOCATOR_HASHES - 1) {
    hashes.push(chain.bestHashAt(height)!);
    if (hashes.length >= 10) step *= 2;
    height -= step;
  }
  hashes.push(chain.params.genesisHash);
  return hashes;
}

/**
 * The answer to a headers request: the best-chain headers after the first locator hash that is
 * on this node's best chain (the genesis when none is), up to `max` or through `stop`.
 */
export function headersAfter(
  blocks: BlockReader,
  tipHeight: number,
  locator: readonly string[],
  stop: string | undefined,
  max = MAX_HEADERS_PER_ANSWER,
): WireHeader[] {
  let fork = 0;
  for (const hash of locator) {
    const entry = blocks.get(hash);
    if (entry !== undefined && blocks.isOnBestChain(entry)) {
      fork = entry.height;
      break;
    }
  }
  const last = Math.min(tipHeight, fork + Math.min(max, MAX_HEADERS_PER_ANSWER));
  const out: WireHeader[] = [];
  if (last <= fork) return out;
  for (const entry of blocks.bestRange(fork + 1, last)) {
    const { version, previous_hash, merkle_root, timestamp, bits, nonce, hash, height } = entry;
    out.push({ version, index: height, previous_hash, merkle_root, timestamp, bits, nonce, hash });
    if (hash === stop) break;
  }
  return out;
}
