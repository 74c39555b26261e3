import type { Chain } from '../chain/chain.ts';
import type { Mempool } from '../mempool.ts';
import { postFromRow } from '../store/posts.ts';
import type { ChainView, PendingPool, PostLookup } from './ports.ts';

/**
 * The ports of ports.ts built from today's Chain and Mempool: the only p2p code that reaches
 * into `chain.blocks` / `chain.posts`. Once Chain offers hasBlock, getEntry, bestHashAt,
 * bestRange and blockBody itself, `chainView` becomes `chain` and this file shrinks to the
 * post lookup.
 */
export function chainView(chain: Chain): ChainView {
  return {
    get params() {
      return chain.params;
    },
    get tip() {
      return chain.tip;
    },
    hasBlock: (hash) => chain.blocks.has(hash),
    getEntry: (hash) => chain.blocks.get(hash),
    bestHashAt: (height) => chain.blocks.bestHashAt(height),
    bestRange: (from, to) => chain.blocks.bestRange(from, to),
    blockBody: (hash) => chain.blocks.body(hash),
    parentContext: (parent) => chain.parentContext(parent),
    checkBlock: (input) => chain.checkBlock(input),
    validateStateless: (input, options) => chain.validateStateless(input, options),
    acceptBlock: (input, options) => chain.acceptBlock(input, options),
    inOneTransaction: (work) => chain.inOneTransaction(work),
    // One implementation for both overloads of ChainView.on; the event names are Chain's own.
    on: ((event: 'block', listener: Parameters<Chain['on']>[1]) =>
      chain.on(event, listener)) as ChainView['on'],
  };
}

/** Posts by id from the chain's post store: known in any state, relayable when pending or confirmed. */
export function postLookup(chain: Chain): PostLookup {
  const posts = chain.posts;
  return {
    hasPost: (id) => posts.byId(id) !== undefined,
    relayablePost: (id) => {
      const row = posts.byId(id);
      if (row === undefined || !(posts.isPending(row.seq) || posts.isConfirmed(row.seq))) return undefined;
      return postFromRow(row);
    },
  };
}

/** The mempool as the pending pool the peer layer submits to and listens on. */
export function pendingPool(mempool: Mempool): PendingPool {
  return {
    submit: (input) => mempool.submit(input),
    onAdded: (listener) => mempool.onAdded(listener),
  };
}
