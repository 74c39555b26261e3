import type { Chain } from '../chain/chain.ts';
import type { Mempool } from '../mempool.ts';
import { postFromRow } from '../store/posts.ts';
import type { PostReader } from '../store/store.ts';
import type { ChainView, PendingPool, PostLookup } from './ports.ts';

/** The Chain is the peer layer's ChainView as it is: its stores stay private behind these methods. */
export function chainView(chain: Chain): ChainView {
  return chain;
}

/** Posts by id from the store's post reader: known in any state, relayable when pending or confirmed. */
export function postLookup(posts: PostReader): PostLookup {
  return {
    holdsPost: (id) => posts.isHeld(id),
    relayablePost: (id) => {
      const row = posts.byId(id);
      if (row === undefined || !(posts.isPending(row.seq) || posts.isConfirmed(row.seq))) return undefined;
      return postFromRow(row);
    },
    storedPost: (id) => {
      const row = posts.byId(id);
      return row === undefined ? undefined : postFromRow(row);
    },
  };
}

/** The mempool as the pending pool the peer layer submits to and listens on. */
export function pendingPool(mempool: Mempool): PendingPool {
  return {
    submit: (input) => mempool.submit(input),
    onAdded: (listener) => mempool.onAdded(listener),
    page: (limit, afterSeq) => mempool.list(limit, afterSeq),
  };
}
