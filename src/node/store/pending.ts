import type { Db } from './database.ts';
import type { PostRow } from './posts.ts';

/**
 * How readers list the pending pool (the block template, /pending_tx, /api/v1/pending): the
 * Mempool implements it, so that every read of the pool goes through its owner.
 */
export interface PendingReader {
  /** Pending posts in arrival order, after the seq `afterSeq`. */
  list(limit: number, afterSeq?: number): PostRow[];
}

/**
 * The `pending` table: which stored posts wait for a block, with their sizes. Only the Mempool
 * (src/node/mempool.ts) holds this store and writes through it; the chain moves posts in and out
 * of the pool by asking the Mempool (PendingPoolWriter), and every reader lists the pool through
 * the Mempool too. Prepared statements only: policy lives in the Mempool.
 */
export class PendingStore {
  private readonly addStmt;
  private readonly removeStmt;
  private readonly pageStmt;
  private readonly totalsStmt;

  constructor(db: Db) {
    this.addStmt = db.prepare('INSERT OR IGNORE INTO pending (post_seq, size) VALUES (?, ?)');
    this.removeStmt = db.prepare('DELETE FROM pending WHERE post_seq = ?');
    this.pageStmt = db.prepare<[number, number], PostRow>(
      `SELECT p.* FROM pending q JOIN posts p ON p.seq = q.post_seq
       WHERE q.post_seq > ? ORDER BY q.post_seq LIMIT ?`,
    );
    this.totalsStmt = db.prepare<[], { count: number; bytes: number | null }>(
      'SELECT count(*) AS count, sum(size) AS bytes FROM pending',
    );
  }

  /** Adds a stored post; returns whether it was not there yet. */
  add(seq: number, size: number): boolean {
    return this.addStmt.run(seq, size).changes === 1;
  }

  /** Removes a post; returns whether it was there. */
  remove(seq: number): boolean {
    return this.removeStmt.run(seq).changes === 1;
  }

  /** Pending posts in arrival order, after `afterSeq`. */
  page(limit: number, afterSeq = 0): PostRow[] {
    return this.pageStmt.all(afterSeq, limit);
  }

  /** Number of pending posts and their bytes. */
  totals(): { count: number; bytes: number } {
    const totals = this.totalsStmt.get()!;
    return { count: totals.count, bytes: totals.bytes ?? 0 };
  }
}
