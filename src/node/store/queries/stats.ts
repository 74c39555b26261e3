import type { Statement } from 'better-sqlite3';
import type { ChainStats } from '../../../core/api/schemas.ts';
import type { Db } from '../database.ts';

export type { ChainStats };

/** Blocks walked back from a new tip to the last counted one before counting anew. */
const MAX_STEPS = 64;

/**
 * Counts for the status page. Confirmed posts are counted once (count(*) walks the whole
 * `confirmed` table: tens of milliseconds at a million posts), then carried from tip to tip by
 * adding the post counts of the blocks that extend the counted tip; after a reorg, or a jump of
 * more than MAX_STEPS blocks, they are counted anew.
 */
export class StatsQuery {
  private readonly confirmedCountStmt: Statement<[], number>;
  private readonly pendingCountStmt: Statement<[], number>;
  private readonly blockStmt: Statement<[string], { previous_hash: string; post_count: number }>;
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
    this.blockStmt = db.prepare('SELECT previous_hash, post_count FROM blocks WHERE hash = ?');
  }

  get(): ChainStats {
    const tip = this.tip();
    if (this.confirmedCount?.tip !== tip.hash) {
      const count = this.carried(tip.hash) ?? this.confirmedCountStmt.get()!;
      this.confirmedCount = { tip: tip.hash, count };
    }
    return {
      posts_confirmed: this.confirmedCount.count,
      posts_pending: this.pendingCountStmt.get()!,
      blocks: tip.height + 1,
    };
  }

  /** The count at `tip` from the last one, when `tip` descends from its tip within MAX_STEPS. */
  private carried(tip: string): number | undefined {
    const counted = this.confirmedCount;
    if (counted === undefined) return undefined;
    let added = 0;
    let hash = tip;
    for (let step = 0; step < MAX_STEPS; step++) {
      const block = this.blockStmt.get(hash);
      if (block === undefined) return undefined;
      added += block.post_count;
      if (block.previous_hash === counted.tip) return counted.count + added;
      hash = block.previous_hash;
    }
    return undefined;
  }
}
