import type { Statement } from 'better-sqlite3';
import type { Db } from './database.ts';

/**
 * The full-text index (`posts_fts`, FTS5 over author and content) filled in batches rather
 * than by a trigger on every insert (schema migration 3): indexing a thousand posts in one
 * transaction costs about half as much per post as one at a time, and takes the index off the
 * path of every group commit. `meta.fts_indexed_seq` is the high-water mark: posts with a seq
 * up to it are indexed, posts above it are not yet. Posts are never deleted or renumbered, so
 * the posts above the mark are exactly the backlog.
 *
 * Searches call {@link catchUp} first, so a search never misses a stored post; the store's
 * maintenance timer (store/maintenance.ts) indexes the backlog in between. The index is derived
 * data: the mark and the index change in the same transaction, and a missing mark rebuilds the
 * index from `posts`.
 */

export const FTS_INDEXED_SEQ_KEY = 'fts_indexed_seq';

/** Posts one transaction indexes by default. */
export const FTS_BATCH = 1_000;

export class SearchIndex {
  private readonly markStmt: Statement<[], string>;
  private readonly setMarkStmt: Statement<[string]>;
  private readonly maxSeqStmt: Statement<[], number | null>;
  private readonly batchEndStmt: Statement<[number, number], number | null>;
  private readonly indexRangeStmt: Statement<[number, number]>;
  private readonly rebuildStmt: Statement<[]>;

  constructor(private readonly db: Db) {
    this.markStmt = db
      .prepare(`SELECT value FROM meta WHERE key = '${FTS_INDEXED_SEQ_KEY}'`)
      .pluck() as unknown as Statement<[], string>;
    this.setMarkStmt = db.prepare(
      `INSERT INTO meta (key, value) VALUES ('${FTS_INDEXED_SEQ_KEY}', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    this.maxSeqStmt = db.prepare('SELECT max(seq) FROM posts').pluck() as unknown as Statement<
      [],
      number | null
    >;
    this.batchEndStmt = db
      .prepare('SELECT max(seq) FROM (SELECT seq FROM posts WHERE seq > ? ORDER BY seq LIMIT ?)')
      .pluck() as unknown as Statement<[number, number], number | null>;
    this.indexRangeStmt = db.prepare(
      `INSERT INTO posts_fts (rowid, author, content)
       SELECT seq, author, content FROM posts WHERE seq > ? AND seq <= ? ORDER BY seq`,
    );
    this.rebuildStmt = db.prepare(`INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')`);
  }

  /** The highest seq indexed; undefined when the mark is missing (the index is then rebuilt). */
  indexedSeq(): number | undefined {
    const value = this.markStmt.get();
    if (value === undefined) return undefined;
    const seq = Number(value);
    return Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
  }

  /** Posts stored but not indexed yet (an upper bound when seqs have gaps). */
  backlog(): number {
    const max = this.maxSeqStmt.get() ?? 0;
    const mark = this.indexedSeq();
    return mark === undefined ? max : Math.max(0, max - mark);
  }

  /** Indexes up to `limit` posts of the backlog in one transaction; returns how many. */
  indexBatch(limit: number = FTS_BATCH): number {
    return this.db.transaction(() => {
      const mark = this.indexedSeq();
      if (mark === undefined) return this.rebuild();
      const end = this.batchEndStmt.get(mark, limit);
      if (end === null || end === undefined) return 0;
      const indexed = this.indexRangeStmt.run(mark, end).changes;
      this.setMarkStmt.run(String(end));
      return indexed;
    })();
  }

  /** Indexes the whole backlog (before a search, so it finds every stored post); returns how many. */
  catchUp(): number {
    if (this.backlog() === 0) return 0;
    let total = 0;
    for (;;) {
      const indexed = this.indexBatch(FTS_BATCH);
      if (indexed === 0) return total;
      total += indexed;
    }
  }

  /** Rebuilds the index from `posts` and sets the mark (the mark was missing or unreadable). */
  private rebuild(): number {
    const max = this.maxSeqStmt.get() ?? 0;
    this.rebuildStmt.run();
    this.setMarkStmt.run(String(max));
    return max;
  }
}
