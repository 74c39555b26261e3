import type { Db } from './database.ts';

export interface PeerRow {
  url: string;
  added_at: number;
  last_seen: number | null;
  banned_until: number | null;
}

/** Known peers, kept across restarts. */
export class PeerStore {
  private readonly addStmt;
  private readonly listStmt;
  private readonly countStmt;

  constructor(db: Db) {
    this.addStmt = db.prepare('INSERT OR IGNORE INTO peers (url, added_at) VALUES (?, ?)');
    this.listStmt = db.prepare<[], PeerRow>('SELECT * FROM peers ORDER BY added_at, url');
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM peers');
  }

  /** Adds a normalised URL; returns whether it was new. */
  add(url: string): boolean {
    return this.addStmt.run(url, Date.now()).changes === 1;
  }

  list(): PeerRow[] {
    return this.listStmt.all();
  }

  count(): number {
    return this.countStmt.get()!.n;
  }
}
