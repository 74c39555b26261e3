import type { Db } from '../store/database.ts';

/** One confirmed timeline post: its seq and its chain place (the page cursor). */
export interface TimelineRow {
  readonly seq: number;
  readonly place: number;
}

/**
 * The confirmed part of a home timeline, read in O(follows + page) index entries rather than
 * O(follows × page): the newest `limit` rows below a cursor over the followed keys'
 * `timeline_posts` (each key's posts by (pubkey, place)), in one statement.
 *
 * 1. Heads: each followed key's newest place below the cursor: its key_heads row (store
 *    migration 12: a join on one row per key), or, when that is not below the cursor, a seek in
 *    the key's timeline_posts (NULL when the key has none below it: NULLs sort last, and are
 *    not counted; no filter on them, which would evaluate the seek twice). Only the `limit`
 *    newest heads are kept. The `limit`-th of them is a floor: those heads are `limit` distinct
 *    rows at or above it, so every row of the page is at or above it, and only the keys whose
 *    head reaches it can hold one. With fewer heads, the floor is 0.
 * 2. Those keys' rows between the floor and the cursor, each key cut at its `limit`-th newest
 *    (so a prolific key costs at most a page), merged newest first. Places are unique (one
 *    post, one place), so a page never splits a tie.
 */
export class TimelineReader {
  private readonly statement;

  constructor(db: Db) {
    this.statement = db.prepare<{ key: string; before: number; limit: number; follows: number }, TimelineRow>(
      `WITH heads AS MATERIALIZED (
           SELECT f.target AS pubkey, CASE WHEN k.place < @before THEN k.place ELSE (SELECT t.place
             FROM timeline_posts t WHERE t.pubkey = f.target AND t.place < @before
             ORDER BY t.place DESC LIMIT 1) END AS head
           FROM (SELECT target FROM follows WHERE follower = @key ORDER BY target LIMIT @follows) f
           CROSS JOIN key_heads k ON k.pubkey = f.target
           ORDER BY head DESC LIMIT @limit),
         floor AS MATERIALIZED (SELECT CASE WHEN count(head) = @limit THEN min(head) ELSE 0 END AS place FROM heads)
         SELECT t.post_seq AS seq, t.place AS place
         FROM heads h CROSS JOIN floor CROSS JOIN timeline_posts t ON t.pubkey = h.pubkey
         WHERE t.place < @before AND t.place >= floor.place
           AND t.place >= coalesce((SELECT b.place FROM timeline_posts b
             WHERE b.pubkey = h.pubkey AND b.place < @before AND b.place >= floor.place
             ORDER BY b.place DESC LIMIT 1 OFFSET @limit - 1), 0)
         ORDER BY t.place DESC LIMIT @limit`,
    );
  }

  /** The statement's SQL (for EXPLAIN QUERY PLAN in the bench). */
  get source(): string {
    return this.statement.source;
  }

  /**
   * The newest `limit` timeline rows of the keys `key` follows (the first `follows` of them by
   * key order), strictly below the place `before`, newest first.
   */
  page(key: string, before: number, limit: number, follows: number): TimelineRow[] {
    return limit <= 0 ? [] : this.statement.all({ key, before, limit, follows });
  }
}
