import { BLOCK_VERSION, type Block } from '../../core/block.ts';
import { decodeBits } from '../../core/compact.ts';
import { minimumTimestamp, requiredBits } from '../../core/contextual.ts';
import { grindNonce } from '../../core/grind.ts';
import type { BlockHeader } from '../../core/header.ts';
import { merkleRoot } from '../../core/merkle.ts';
import type { Post } from '../../core/post.ts';
import type { BlockIndexEntry } from '../store/blocks.ts';
import { type PostRow, postFromRow } from '../store/posts.ts';
import type { Chain } from './chain.ts';

/** A block to be mined: its header (nonce 0), target and posts. */
export interface BlockTemplate {
  readonly header: BlockHeader;
  readonly target: bigint;
  readonly transactions: readonly Post[];
  readonly ids: readonly string[];
  readonly parent: BlockIndexEntry;
}

/** The pool read densest first (the Mempool: stamp work per byte, docs/PROTOCOL.md §12.4). */
export interface DensestReader {
  densest(): Iterable<PostRow>;
}

/**
 * Builds a template on the current tip from pending posts, densest first (read through the
 * Mempool, the pool's owner), up to the block limits (post count and bytes): a post that does
 * not fit ends the template, so a denser post is never left for a less dense one. The timestamp
 * is the clock, raised to median time past + 1.
 */
export function buildTemplate(
  chain: Chain,
  pool: DensestReader,
  nowSeconds: number,
  maxPosts = chain.params.maxBlockPosts,
): BlockTemplate {
  const parent = chain.tip;
  const params = chain.params;
  const timestamp = Math.max(Math.floor(nowSeconds), minimumTimestamp(chain.parentContext(parent)));
  const transactions: Post[] = [];
  const ids: string[] = [];
  let bytes = 0;
  const limit = Math.min(maxPosts, params.maxBlockPosts);
  for (const row of pool.densest()) {
    if (transactions.length >= limit) break;
    if (bytes + row.size > params.maxBlockBytes) break;
    if (row.timestamp > timestamp + params.maxFutureBlockTime) continue;
    transactions.push(postFromRow(row));
    ids.push(row.id);
    bytes += row.size;
  }
  const bits = requiredBits(params, parent);
  const header: BlockHeader = {
    version: BLOCK_VERSION,
    index: parent.height + 1,
    previous_hash: parent.hash,
    merkle_root: merkleRoot(ids),
    timestamp,
    bits,
    nonce: 0,
  };
  return { header, target: decodeBits(bits)!, transactions, ids, parent };
}

/** The block a solved header completes. */
export function completeBlock(template: BlockTemplate, header: BlockHeader, hash: string): Block {
  return { ...header, hash, transactions: [...template.transactions] };
}

/**
 * Mines on the calling thread, trying at most `maxTries` nonces: for regtest (about two tries
 * per block) and tests. Real mining uses the worker pool in src/node/miner.
 */
export function mineSync(template: BlockTemplate, maxTries = 1_000_000): Block | undefined {
  const solved = grindNonce(template.header, template.target, { count: maxTries });
  return solved.found
    ? completeBlock(template, { ...template.header, nonce: solved.nonce }, solved.hash)
    : undefined;
}
