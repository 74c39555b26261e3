import type { Post } from '../../core/post.ts';
import { mentionsOf } from '../../core/social/mentions.ts';
import type { Db } from './database.ts';

/** A stored post row. */
export interface PostRow {
  seq: number;
  id: string;
  author: string;
  content: string;
  timestamp: number;
  pubkey: string | null;
  reply_to: string | null;
  signature: string | null;
  size: number;
  received_at: number;
  /** The stamp (§12), both null for a post without one. */
  stamp_bits: number | null;
  stamp_nonce: number | null;
  /** Milliseconds since 1970 when the pool evicted it for denser posts; null otherwise. */
  evicted_at: number | null;
  /** A social action's kind and ref (§13); null on plain posts. */
  kind: string | null;
  ref: string | null;
}

/** Where a post stands relative to the best chain. */
export interface PostStatus {
  readonly row: PostRow;
  readonly pending: boolean;
  /** Height of the best-chain block confirming it, and its position there. */
  readonly confirmed?: { readonly height: number; readonly position: number };
}

/** Rebuilds the protocol form of a post from its row (only the fields it has). */
export function postFromRow(row: PostRow): Post {
  const post: Post = { author: row.author, content: row.content, timestamp: row.timestamp };
  if (row.pubkey !== null) post.pubkey = row.pubkey;
  if (row.reply_to !== null) post.reply_to = row.reply_to;
  if (row.signature !== null) post.signature = row.signature;
  if (row.stamp_bits !== null && row.stamp_nonce !== null)
    post.stamp = { bits: row.stamp_bits, nonce: row.stamp_nonce };
  if (row.kind !== null) post.kind = row.kind;
  if (row.ref !== null) post.ref = row.ref;
  return post;
}

/**
 * Posts and their confirmations: prepared statements over the schema. It reads whether a post
 * is pending (a status lookup); the pending table itself is written only through the Mempool
 * (store/pending.ts).
 */
export class PostStore {
  private readonly insertStmt;
  private readonly bySeqStmt;
  private readonly byIdStmt;
  private readonly seqByIdStmt;
  private readonly stateByIdStmt;
  private readonly heldByIdStmt;
  private readonly pendingHasStmt;
  private readonly confirmedGetStmt;
  private readonly confirmStmt;
  private readonly confirmBlockStmt;
  private readonly unconfirmStmt;
  private readonly evictedStmt;
  private readonly mentionStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO posts (id, author, content, timestamp, pubkey, reply_to, signature, size, received_at,
         stamp_bits, stamp_nonce, kind, ref)
       VALUES (@id, @author, @content, @timestamp, @pubkey, @reply_to, @signature, @size, @received_at,
         @stamp_bits, @stamp_nonce, @kind, @ref)
       ON CONFLICT(id) DO NOTHING`,
    );
    this.bySeqStmt = db.prepare<[number], PostRow>('SELECT * FROM posts WHERE seq = ?');
    this.byIdStmt = db.prepare<[string], PostRow>('SELECT * FROM posts WHERE id = ?');
    this.seqByIdStmt = db.prepare<[string], { seq: number }>('SELECT seq FROM posts WHERE id = ?');
    this.stateByIdStmt = db.prepare<[string], { pending: number; confirmed: number }>(
      `SELECT EXISTS (SELECT 1 FROM pending WHERE post_seq = p.seq) AS pending,
              EXISTS (SELECT 1 FROM confirmed WHERE post_seq = p.seq) AS confirmed
       FROM posts p WHERE p.id = ?`,
    );
    this.heldByIdStmt = db.prepare<[string], { held: number }>(
      `SELECT EXISTS (SELECT 1 FROM pending WHERE post_seq = p.seq)
              OR EXISTS (SELECT 1 FROM confirmed WHERE post_seq = p.seq)
              OR p.evicted_at IS NOT NULL AS held
       FROM posts p WHERE p.id = ?`,
    );
    this.pendingHasStmt = db.prepare<[number], { size: number }>(
      'SELECT size FROM pending WHERE post_seq = ?',
    );
    this.confirmedGetStmt = db.prepare<[number], { height: number; position: number }>(
      'SELECT height, position FROM confirmed WHERE post_seq = ?',
    );
    this.confirmStmt = db.prepare('INSERT INTO confirmed (post_seq, height, position) VALUES (?, ?, ?)');
    this.confirmBlockStmt = db.prepare<[number, string]>(
      `INSERT INTO confirmed (post_seq, height, position)
       SELECT post_seq, ?, position FROM block_posts WHERE block_hash = ? ORDER BY position`,
    );
    this.unconfirmStmt = db.prepare('DELETE FROM confirmed WHERE post_seq = ?');
    this.evictedStmt = db.prepare('UPDATE posts SET evicted_at = ? WHERE seq = ?');
    this.mentionStmt = db.prepare('INSERT OR IGNORE INTO post_mentions (name, post_seq) VALUES (?, ?)');
  }

  /** Marks a post evicted from the pool at `at` (ms), or clears the mark with null (the Mempool only). */
  setEvicted(seq: number, at: number | null): void {
    this.evictedStmt.run(at, seq);
  }

  /** Stores a post if its id is new; returns its seq either way. */
  insert(post: Post, id: string, size: number, receivedAt: number): number {
    return this.store(post, id, size, receivedAt).seq;
  }

  /** Stores a post if its id is new; returns its seq, and whether this call stored it. */
  store(post: Post, id: string, size: number, receivedAt: number): { seq: number; stored: boolean } {
    const result = this.insertStmt.run({
      id,
      author: post.author,
      content: post.content,
      timestamp: post.timestamp,
      pubkey: post.pubkey ?? null,
      reply_to: post.reply_to ?? null,
      signature: post.signature ?? null,
      size,
      received_at: receivedAt,
      stamp_bits: post.stamp?.bits ?? null,
      stamp_nonce: post.stamp?.nonce ?? null,
      kind: post.kind ?? null,
      ref: post.ref ?? null,
    });
    if (result.changes === 1) {
      const seq = Number(result.lastInsertRowid);
      // The names it mentions (§13.5), for notifications; a post never changes, so once.
      if (post.content.includes('@'))
        for (const name of mentionsOf(post.content)) this.mentionStmt.run(name, seq);
      return { seq, stored: true };
    }
    return { seq: this.seqByIdStmt.get(id)!.seq, stored: false };
  }

  bySeq(seq: number): PostRow | undefined {
    return this.bySeqStmt.get(seq);
  }

  byId(id: string): PostRow | undefined {
    return this.byIdStmt.get(id);
  }

  seqOf(id: string): number | undefined {
    return this.seqByIdStmt.get(id)?.seq;
  }

  /** Whether a stored post is pending and whether it is confirmed (one lookup); undefined if unknown. */
  state(id: string): { pending: boolean; confirmed: boolean } | undefined {
    const row = this.stateByIdStmt.get(id);
    return row === undefined ? undefined : { pending: row.pending === 1, confirmed: row.confirmed === 1 };
  }

  /**
   * Whether the node holds the post for relay: pending, confirmed on the best chain, or evicted
   * by the pool (dropped on purpose). A post stored only with a block off the best chain is not
   * held: an announcement of it is worth fetching into the pool.
   */
  isHeld(id: string): boolean {
    return this.heldByIdStmt.get(id)?.held === 1;
  }

  status(id: string): PostStatus | undefined {
    const row = this.byId(id);
    if (row === undefined) return undefined;
    const confirmed = this.confirmedGetStmt.get(row.seq);
    return { row, pending: this.isPending(row.seq), ...(confirmed ? { confirmed } : {}) };
  }

  isPending(seq: number): boolean {
    return this.pendingHasStmt.get(seq) !== undefined;
  }

  isConfirmed(seq: number): boolean {
    return this.confirmedGetStmt.get(seq) !== undefined;
  }

  confirm(seq: number, height: number, position: number): void {
    this.confirmStmt.run(seq, height, position);
  }

  /**
   * Confirms every post of a stored block at `height`, in block order: one statement for the
   * block rather than one per post (sync connects 100,000 posts this way).
   */
  confirmBlock(hash: string, height: number): void {
    this.confirmBlockStmt.run(height, hash);
  }

  unconfirm(seq: number): void {
    this.unconfirmStmt.run(seq);
  }
}
