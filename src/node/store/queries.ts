import type { Block } from '../../core/block.ts';
import type { NetworkParams } from '../../core/params.ts';
import type { PendingReader } from './pending.ts';
import { type BlockDetail, BlockQuery, type BlockSummary } from './queries/blocks.ts';
import { type FeedFilter, FeedQuery } from './queries/feed.ts';
import { PendingQuery } from './queries/pending.ts';
import { PostDetailQuery } from './queries/post-detail.ts';
import { type ChainStats, StatsQuery } from './queries/stats.ts';
import type { Page, PostDetail, PostView } from './queries/views.ts';
import type { SearchIndex } from './search-index.ts';
import type { Store } from './store.ts';

export type { BlockDetail, BlockSummary } from './queries/blocks.ts';
export { QueryError } from './queries/errors.ts';
export type { FeedFilter } from './queries/feed.ts';
export { QUERY_LIMITS } from './queries/limits.ts';
export { ftsQuery } from './queries/search.ts';
export type { ChainStats } from './queries/stats.ts';
export type { Page, PostDetail, PostView } from './queries/views.ts';

export interface ChainQueriesOptions {
  /** The database read, and its one full-text index. */
  readonly store: Pick<Store, 'database' | 'searchIndex'>;
  readonly params: NetworkParams;
  /** The tip of the best chain (confirmations, cursors, counts). */
  readonly tip: () => { readonly hash: string; readonly height: number };
  /** The pending pool's read path (the Mempool). */
  readonly pending: PendingReader;
}

/**
 * The read side of the node for the HTTP API and the web app: the feed (queries/feed.ts), posts
 * with their inclusion proofs (queries/post-detail.ts), blocks (queries/blocks.ts), the pending
 * pool (queries/pending.ts, through the Mempool) and counts (queries/stats.ts). Every method is
 * synchronous, runs prepared statements over the store (never a full scan for a page) and
 * returns plain JSON-ready objects. A post is visible when it is pending or confirmed on the
 * best chain; posts known only from side-branch blocks are not shown.
 */
export class ChainQueries {
  /** The full-text index, brought up to date before each search (it is filled in batches). */
  readonly searchIndex: SearchIndex;
  private readonly feed: FeedQuery;
  private readonly detail: PostDetailQuery;
  private readonly blockQuery: BlockQuery;
  private readonly pendingQuery: PendingQuery;
  private readonly statsQuery: StatsQuery;

  constructor(options: ChainQueriesOptions) {
    const db = options.store.database;
    const tipHeight = () => options.tip().height;
    this.searchIndex = options.store.searchIndex;
    this.feed = new FeedQuery(db, this.searchIndex, tipHeight);
    this.detail = new PostDetailQuery(db, tipHeight);
    this.blockQuery = new BlockQuery(db, options.params.powLimit, tipHeight);
    this.pendingQuery = new PendingQuery(db, options.pending);
    this.statsQuery = new StatsQuery(db, options.tip);
  }

  /** The feed: visible posts, newest first, filtered and paged (see FeedQuery.page). */
  posts(filter: FeedFilter): Page<PostView> {
    return this.feed.page(filter);
  }

  /** The SQL of every feed statement by a label, for EXPLAIN QUERY PLAN in the tests. */
  feedPlans(): Record<string, string> {
    return this.feed.plans();
  }

  /** One visible post by id, with its inclusion proof when confirmed; undefined otherwise. */
  post(id: string): PostDetail | undefined {
    return this.detail.get(id);
  }

  /** Best-chain blocks, newest first; `beforeHeight` (exclusive) is the cursor. */
  blocks(opts: { limit: number; beforeHeight?: number }): Page<BlockSummary> {
    return this.blockQuery.page(opts);
  }

  /** One block by best-chain height (decimal) or hash (any branch), with its posts. */
  block(hashOrHeight: string): BlockDetail | undefined {
    return this.blockQuery.get(hashOrHeight);
  }

  /** Pending posts in arrival order, after the seq `afterSeq`. */
  pending(limit: number, afterSeq = 0): PostView[] {
    return this.pendingQuery.page(limit, afterSeq);
  }

  /** Best-chain blocks in the served protocol form, heights `start` to `start + limit − 1`. */
  chainPage(start: number, limit: number): Block[] {
    return this.blockQuery.range(start, limit);
  }

  /** Counts for the status page. */
  stats(): ChainStats {
    return this.statsQuery.get();
  }
}
