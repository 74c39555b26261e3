import { utf8 } from '#core/bytes.ts';
import { REGTEST } from '#core/params.ts';
import { type Post, postSize, signPost } from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { ChainQueries, type FeedFilter, type PostView } from '#node/store/queries.ts';
import type { Store } from '#node/store/store.ts';
import { idOf, type TestChain } from './chain.ts';

/** A deterministic Ed25519 private key per name. */
export function keyOf(name: string): Uint8Array {
  return nodeCrypto.sha256(utf8(`queries test key ${name}`));
}

/** The public key (hex) a name signs with. */
export function pubkeyOf(name: string): string {
  return signPost({ author: 'x', content: 'x', timestamp: 1 }, keyOf(name), nodeCrypto).pubkey!;
}

let counter = 0;

/** A post by `author`, signed with the key named `signer` (default: the author) unless `unsigned`. */
export function postBy(
  author: string,
  content: string,
  options: { signer?: string; unsigned?: boolean; reply_to?: string; timestamp?: number } = {},
): Post {
  const post: Post = {
    author,
    content,
    timestamp: options.timestamp ?? REGTEST.genesis.timestamp + 3600 + ++counter / 1000,
    ...(options.reply_to !== undefined ? { reply_to: options.reply_to } : {}),
  };
  if (options.unsigned) return post;
  return signPost(post, keyOf(options.signer ?? author), nodeCrypto);
}

/**
 * Stores a post and puts it in the pending pool synchronously, with the statements the
 * mempool's group commit runs (a fixture: the mempool's own tests cover its path); returns its seq.
 */
export function addPending(store: Store, post: Post): number {
  const size = postSize(post);
  const seq = store.posts.insert(post, idOf(post), size, Date.now());
  store.pending.add(seq, size);
  return seq;
}

/** The read queries over a test chain, wired as src/node/node.ts does. */
export function queriesOf({ chain, store, mempool }: TestChain): ChainQueries {
  return new ChainQueries({ store, params: chain.params, tip: () => chain.tip, pending: mempool });
}

/** Every page of a feed query, following `next`; fails on a page that does not advance. */
export function allPages(queries: ChainQueries, filter: Omit<FeedFilter, 'before'>): PostView[][] {
  const pages: PostView[][] = [];
  let before: number | undefined;
  for (;;) {
    const page = queries.posts({ ...filter, ...(before !== undefined ? { before } : {}) });
    pages.push(page.items);
    if (page.next === undefined) return pages;
    if (before !== undefined && page.next >= before) throw new Error('the cursor did not advance');
    before = page.next;
  }
}

/** The ids of every page of a feed query, in order. */
export function feedIds(queries: ChainQueries, filter: Omit<FeedFilter, 'before'>): string[] {
  return allPages(queries, filter).flatMap((page) => page.map((view) => view.id));
}
