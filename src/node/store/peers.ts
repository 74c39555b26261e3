import type { Db } from './database.ts';

/** How a peer's address was learned. */
export type PeerSource = 'config' | 'register' | 'inbound' | 'addr' | 'seed';

/** What else than a URL a discouragement binds to: a proven node key, or a source IP address. */
export type BanKind = 'key' | 'ip';

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
  private readonly evictStmt;
  private readonly banIdStmt;
  private readonly bannedIdStmt;
  private readonly pruneBansStmt;

  constructor(db: Db) {
    this.addStmt = db.prepare('INSERT OR IGNORE INTO peers (url, added_at, source) VALUES (?, ?, ?)');
    this.listStmt = db.prepare<[], PeerRow>('SELECT * FROM peers ORDER BY added_at, url');
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM peers');
    this.getStmt = db.prepare<[string], PeerRow>('SELECT * FROM peers WHERE url = ?');
    this.seenStmt = db.prepare('UPDATE peers SET last_seen = ? WHERE url = ?');
    this.scoreStmt = db.prepare('UPDATE peers SET score = ? WHERE url = ?');
    this.banStmt = db.prepare('UPDATE peers SET banned_until = ?, ban_reason = ?, score = 0 WHERE url = ?');
    this.removeStmt = db.prepare('DELETE FROM peers WHERE url = ?');
    // Never-connected addresses go first, those learned from peers before those given by the operator.
    this.evictStmt = db.prepare(
      `DELETE FROM peers WHERE url = (SELECT url FROM peers WHERE last_seen IS NULL
         AND (banned_until IS NULL OR banned_until < ?)
         ORDER BY source = 'addr' DESC, source = 'inbound' DESC, added_at LIMIT 1)`,
    );
    this.banIdStmt = db.prepare(
      'INSERT OR REPLACE INTO discouraged (kind, value, until, reason) VALUES (?, ?, ?, ?)',
    );
    this.bannedIdStmt = db.prepare<[string, string, number], { n: number }>(
      'SELECT count(*) AS n FROM discouraged WHERE kind = ? AND value = ? AND until > ?',
    );
    this.pruneBansStmt = db.prepare('DELETE FROM discouraged WHERE until <= ?');
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

  /** Removes one never-connected address (learned ones first); false if there is none. */
  evictNeverConnected(now = Date.now()): boolean {
    return this.evictStmt.run(now).changes === 1;
  }

  /** Discourages a node key or a source IP until `until` (ms). */
  ban(kind: BanKind, value: string, until: number, reason: string): void {
    this.pruneBansStmt.run(Date.now());
    this.banIdStmt.run(kind, value, until, reason.slice(0, 200));
  }

  /** Whether a node key or source IP is discouraged at `now` (ms). */
  isBanned(kind: BanKind, value: string, now = Date.now()): boolean {
    return this.bannedIdStmt.get(kind, value, now)!.n > 0;
  }
}
