import type { Db } from './database.ts';

/** How a peer's address was learned. */
export type PeerSource = 'config' | 'register' | 'inbound' | 'addr';

export interface PeerRow {
  url: string;
  added_at: number;
  last_seen: number | null;
  /** End of a discouragement (ms since the epoch), or null. */
  banned_until: number | null;
  score: number;
  ban_reason: string | null;
  source: PeerSource;
}

/** Known peers, kept across restarts, with their misbehaviour score and discouragement. */
export class PeerStore {
  private readonly addStmt;
  private readonly listStmt;
  private readonly countStmt;
  private readonly getStmt;
  private readonly seenStmt;
  private readonly scoreStmt;
  private readonly banStmt;
  private readonly removeStmt;

  constructor(db: Db) {
    this.addStmt = db.prepare('INSERT OR IGNORE INTO peers (url, added_at, source) VALUES (?, ?, ?)');
    this.listStmt = db.prepare<[], PeerRow>('SELECT * FROM peers ORDER BY added_at, url');
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM peers');
    this.getStmt = db.prepare<[string], PeerRow>('SELECT * FROM peers WHERE url = ?');
    this.seenStmt = db.prepare('UPDATE peers SET last_seen = ? WHERE url = ?');
    this.scoreStmt = db.prepare('UPDATE peers SET score = ? WHERE url = ?');
    this.banStmt = db.prepare('UPDATE peers SET banned_until = ?, ban_reason = ?, score = 0 WHERE url = ?');
    this.removeStmt = db.prepare('DELETE FROM peers WHERE url = ?');
  }

  /** Adds a normalised URL; returns whether it was new. */
  add(url: string, source: PeerSource = 'config'): boolean {
    return this.addStmt.run(url, Date.now(), source).changes === 1;
  }

  get(url: string): PeerRow | undefined {
    return this.getStmt.get(url);
  }

  list(): PeerRow[] {
    return this.listStmt.all();
  }

  count(): number {
    return this.countStmt.get()!.n;
  }

  markSeen(url: string, at = Date.now()): void {
    this.seenStmt.run(at, url);
  }

  setScore(url: string, score: number): void {
    this.scoreStmt.run(score, url);
  }

  /** Discourages a peer until `until` (ms); its score restarts from zero afterwards. */
  discourage(url: string, until: number, reason: string): void {
    this.add(url, 'inbound');
    this.banStmt.run(until, reason.slice(0, 200), url);
  }

  /** Whether the peer is discouraged at `now` (ms). */
  isDiscouraged(url: string, now = Date.now()): boolean {
    const row = this.getStmt.get(url);
    return row?.banned_until != null && row.banned_until > now;
  }

  remove(url: string): void {
    this.removeStmt.run(url);
  }
}
