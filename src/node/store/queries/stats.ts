import type { Statement } from 'better-sqlite3';
import type { ChainStats } from '../../../core/api/schemas.ts';
import type { Db } from '../database.ts';

export type { ChainStats };

/** Counts for the status page: confirmed posts are counted once per tip. */
export class StatsQuery {
  private readonly confirmedCountStmt: Statement<[], number>;
  private readonly pendingCountStmt: Statement<[], number>;
  private confirmedCount?: { tip: string; count: number };

  constructor(
    db: Db,
    private readonly tip: () => { readonly hash: string; readonly height: number },
  ) {
    this.confirmedCountStmt = db.prepare('SELECT count(*) FROM confirmed').pluck() as unknown as Statement<
      [],
      number
    >;
    this.pendingCountStmt = db.prepare('SELECT count(*) FROM pending').pluck() as unknown as Statement<
      [],
      number
    >;
  }

  get(): ChainStats {
    const tip = this.tip();
    if (this.confirmedCount?.tip !== tip.hash) {
      this.confirmedCount = { tip: tip.hash, count: this.confirmedCountStmt.get()! };
    }
    return {
      posts_confirmed: this.confirmedCount.count,
      posts_pending: this.pendingCountStmt.get()!,
      blocks: tip.height + 1,
    };
  }
}
