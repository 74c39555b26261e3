import type { Statement } from 'better-sqlite3';
import type { Db } from '../database.ts';
import type { PendingReader } from '../pending.ts';
import { checkCursor, checkLimit, QUERY_LIMITS } from './limits.ts';
import { type PostView, pendingView, REPLIES_SQL } from './views.ts';

/** Views of the pending pool, read through its owner (the Mempool's one read path). */
export class PendingQuery {
  private readonly repliesStmt: Statement<[string], number>;

  constructor(
    db: Db,
    private readonly pool: PendingReader,
  ) {
    this.repliesStmt = db.prepare(REPLIES_SQL).pluck() as unknown as Statement<[string], number>;
  }

  /** Pending posts in arrival order, after the seq `afterSeq` (the last seq of the previous page). */
  page(limit: number, afterSeq = 0): PostView[] {
    checkLimit(limit, QUERY_LIMITS.pendingMaxLimit);
    checkCursor(afterSeq, 'afterSeq');
    return this.pool.list(limit, afterSeq).map((row) => pendingView(row, this.repliesStmt.get(row.id)!));
  }
}
