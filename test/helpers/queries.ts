import { utf8 } from '../../src/core/bytes.ts';
import { REGTEST } from '../../src/core/params.ts';
import { type Post, postSize, signPost } from '../../src/core/post.ts';
import type { Chain } from '../../src/node/chain/chain.ts';
import { nodeCrypto } from '../../src/node/crypto-node.ts';
import type { ChainQueries, FeedFilter, PostView } from '../../src/node/store/queries.ts';
import { idOf } from './chain.ts';

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

/** Stores a post and puts it in the pending pool, as the mempool does; returns its seq. */
export function addPending(chain: Chain, post: Post): number {
  const size = postSize(post);
  const seq = chain.posts.insert(post, idOf(post), size, Date.now());
  chain.posts.addPending(seq, size);
  return seq;
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
