import type { Block } from '#core/block.ts';
import { decodeBits } from '#core/compact.ts';
import { minimumTimestamp, requiredBits } from '#core/contextual.ts';
import { grindNonce } from '#core/grind.ts';
import { merkleRoot } from '#core/merkle.ts';
import { type NetworkParams, REGTEST } from '#core/params.ts';
import { type Post, postId, signPost } from '#core/post.ts';
import { Chain } from '#node/chain/chain.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { Mempool, type MempoolOptions } from '#node/mempool.ts';
import type { BlockIndexEntry } from '#node/store/blocks.ts';
import { Store } from '#node/store/store.ts';

/** A settable clock in seconds, starting one day after the genesis. */
export class TestClock {
  seconds: number;
  constructor(start = REGTEST.genesis.timestamp + 86_400) {
    this.seconds = start;
  }
  readonly now = (): number => this.seconds;
}

export interface TestChain {
  readonly chain: Chain;
  readonly clock: TestClock;
  readonly store: Store;
  /** The pending pool the chain drops confirmed posts from and returns disconnected ones to. */
  readonly mempool: Mempool;
}

/**
 * A chain with its store and pool, wired as src/node/node.ts does, on a data directory
 * (default an in-memory database); the pool's clock is the test clock unless `pool.now` is set.
 */
export function chainOn(
  dataDir: string,
  params: NetworkParams = REGTEST,
  pool: MempoolOptions = {},
  clock = new TestClock(),
): TestChain {
  const store = Store.open({ dataDir, params });
  const mempool = new Mempool(store, params, nodeCrypto, { now: clock.now, ...pool });
  const chain = new Chain({ store, pool: mempool, params, crypto: nodeCrypto, now: clock.now });
  return { chain, clock, store, mempool };
}

/** An in-memory regtest chain with a test clock, its store and pending pool. */
export function testChain(params: NetworkParams = REGTEST, pool: MempoolOptions = {}): TestChain {
  return chainOn(':memory:', params, pool);
}

let counter = 0;

/** A distinct signed post (fixed key) unless `unsigned`. */
export function makePost(
  content = `post ${++counter}`,
  unsigned = false,
  timestamp = REGTEST.genesis.timestamp + 3600,
): Post {
  const post = { author: 'alice', content, timestamp };
  if (unsigned) return post;
  return signPost(post, new Uint8Array(32).fill(7), nodeCrypto);
}

export function idOf(post: Post): string {
  return postId(post, nodeCrypto);
}

/**
 * Mines a valid block on `parent` (any branch) with `posts`, on the calling thread.
 * `timestampOffset` moves the timestamp after the minimum.
 */
export function mineOn(chain: Chain, parent: BlockIndexEntry, posts: Post[], timestampOffset = 1): Block {
  const params = chain.params;
  const timestamp = minimumTimestamp(chain.parentContext(parent)) + timestampOffset;
  const bits = requiredBits(params, parent);
  const header = {
    version: 1,
    index: parent.height + 1,
    previous_hash: parent.hash,
    merkle_root: merkleRoot(posts.map(idOf)),
    timestamp,
    bits,
    nonce: 0,
  };
  const solved = grindNonce(header, decodeBits(bits)!, { count: 10_000_000 });
  if (!solved.found) throw new Error('no nonce found');
  return { ...header, nonce: solved.nonce, hash: solved.hash, transactions: posts };
}

/** Mines a block on `parent` and accepts it, asserting success; returns its index entry. */
export function extend(
  chain: Chain,
  parent: BlockIndexEntry,
  posts: Post[] = [],
  timestampOffset = 1,
): BlockIndexEntry {
  const block = mineOn(chain, parent, posts, timestampOffset);
  const outcome = chain.acceptBlock(block);
  if (!outcome.ok) throw new Error(`block rejected: ${outcome.code} ${outcome.message}`);
  return chain.getEntry(block.hash)!;
}
