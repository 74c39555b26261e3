/**
 * Fills a node's store with generated blocks by set-based SQL instead of Chain.acceptBlock: the
 * million suite's store (1,000,000 posts) in minutes instead of hours. It writes the rows the
 * chain would write (posts, blocks, block_posts, block_merkle_subtrees, best_chain, confirmed,
 * pending, post_mentions)
 * with the triggers and secondary indexes dropped, rebuilds the indexes once at the end,
 * derives the social tables in one statement each (src/node/social/rebuild.ts: the rows their
 * triggers would write), puts the triggers back from their stored SQL, and
 * indexes the full text in the node's own batches. The schema ends byte-identical (the same
 * CREATE statements from sqlite_master) and the rows identical to the acceptBlock path, which
 * test/node/store/queries-bulk-fill.test.ts checks on a small store.
 *
 * Only plain posts and replies: the loader refuses social actions (kind), whose derived rows
 * (follows, deletes) it does not compute.
 */

import { decodeBits } from '#core/compact.ts';
import { MERKLE_SUBTREE_LEAVES, merkleSubtreeLevel } from '#core/merkle.ts';
import { blockWork } from '#core/pow.ts';
import { mentionsOf } from '#core/social/mentions.ts';
import { REBUILD_SQL } from '#node/social/rebuild.ts';
import { chainworkHex } from '#node/store/blocks.ts';
import { FTS_BATCH } from '#node/store/search-index.ts';
import type { Store } from '#node/store/store.ts';
import type { GeneratedBlock, GeneratedPost, ParentHeader } from './store-data.ts';

/** Rows written per transaction while filling. */
const ROWS_PER_TRANSACTION = 50_000;

interface SchemaObject {
  type: 'index' | 'trigger';
  name: string;
  sql: string;
}

/** A bulk writer over an open store whose chain holds only the genesis block. */
export class BulkFill {
  private readonly db;
  private readonly saved: SchemaObject[];
  private seq: number;
  private tip: ParentHeader & { chainwork: bigint };
  private pendingRows = 0;
  private readonly insertPost;
  private readonly insertMention;
  private readonly insertBlock;
  private readonly insertBlockPost;
  private readonly insertSubtrees;
  private readonly insertBest;
  private readonly insertConfirmed;
  private readonly insertPending;

  constructor(private readonly store: Store) {
    const db = store.database;
    this.db = db;
    const genesis = store.blocks.bestTip();
    if (genesis === undefined || genesis.height !== 0)
      throw new Error('bulk fill needs a store at its genesis');
    const entry = store.blocks.get(genesis.hash)!;
    this.tip = { ...entry, index: entry.height };
    this.seq = (db.prepare('SELECT coalesce(max(seq), 0) FROM posts').pluck().get() as number) ?? 0;
    // Every trigger and explicit index of the node's tables (not FTS5's own shadow tables).
    this.saved = db
      .prepare(
        `SELECT type, name, sql FROM sqlite_master
         WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name NOT LIKE 'posts_fts%'
         ORDER BY rowid`,
      )
      .all() as SchemaObject[];
    // For the fill only: the rollback journal in memory (better-sqlite3's defensive mode refuses
    // OFF), no syncs, a large cache (the process ends after it). WAL would write every page twice.
    db.pragma('wal_checkpoint(TRUNCATE)');
    if (db.pragma('journal_mode = MEMORY', { simple: true }) !== 'memory')
      throw new Error('bulk fill: could not leave WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1000000');
    db.pragma('temp_store = MEMORY');
    db.exec('BEGIN');
    for (const object of this.saved) db.exec(`DROP ${object.type.toUpperCase()} ${object.name}`);
    db.exec('COMMIT');
    this.insertPost = db.prepare(
      `INSERT INTO posts (seq, id, author, content, timestamp, pubkey, reply_to, signature, size, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertMention = db.prepare('INSERT OR IGNORE INTO post_mentions (name, post_seq) VALUES (?, ?)');
    this.insertBlock = db.prepare(
      `INSERT INTO blocks (hash, previous_hash, height, version, merkle_root, timestamp, bits, nonce,
         chainwork, status, post_count, size, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
    );
    this.insertBlockPost = db.prepare(
      'INSERT INTO block_posts (block_hash, position, post_seq) VALUES (?, ?, ?)',
    );
    this.insertSubtrees = db.prepare('INSERT INTO block_merkle_subtrees (block_hash, roots) VALUES (?, ?)');
    this.insertBest = db.prepare('INSERT INTO best_chain (height, hash) VALUES (?, ?)');
    this.insertConfirmed = db.prepare('INSERT INTO confirmed (post_seq, height, position) VALUES (?, ?, ?)');
    this.insertPending = db.prepare('INSERT INTO pending (post_seq, size) VALUES (?, ?)');
    db.exec('BEGIN');
  }

  /** The best tip so far: the parent of the next block. */
  get parent(): ParentHeader {
    return this.tip;
  }

  /** Appends a block to the best chain (its posts must be new). */
  addBlock({ block, ids, sizes }: GeneratedBlock): void {
    if (block.previous_hash !== this.tip.hash) throw new Error('bulk fill: blocks must extend the tip');
    const receivedAt = Date.now();
    let size = 0;
    block.transactions.forEach((post, position) => {
      const seq = this.writePost({ post, id: ids[position]!, size: sizes[position]! }, receivedAt);
      size += sizes[position]!;
      this.insertBlockPost.run(block.hash, position, seq);
      this.insertConfirmed.run(seq, block.index, position);
    });
    const chainwork = this.tip.chainwork + blockWork(decodeBits(block.bits)!);
    this.insertBlock.run(
      block.hash,
      block.previous_hash,
      block.index,
      block.version,
      block.merkle_root,
      block.timestamp,
      block.bits,
      block.nonce,
      chainworkHex(chainwork),
      ids.length,
      size,
      receivedAt,
    );
    if (ids.length > MERKLE_SUBTREE_LEAVES)
      this.insertSubtrees.run(block.hash, Buffer.from(merkleSubtreeLevel(ids)));
    this.insertBest.run(block.index, block.hash);
    const { transactions: _, ...header } = block;
    this.tip = { ...header, chainwork };
    this.rows(block.transactions.length * 4);
  }

  /** Adds a post to the pending pool. */
  addPending(generated: GeneratedPost): void {
    this.insertPending.run(this.writePost(generated, Date.now()), generated.size);
    this.rows(2);
  }

  /**
   * Rebuilds the indexes, derives the social rows, restores the triggers, indexes the full text
   * in the node's batches, and returns the database to the node's journal (WAL).
   */
  finish(): void {
    const db = this.db;
    db.exec('COMMIT');
    if (db.prepare('SELECT 1 FROM posts WHERE kind IS NOT NULL LIMIT 1').get() !== undefined)
      throw new Error('bulk fill: social actions are not supported');
    db.exec('BEGIN');
    for (const index of this.saved) if (index.type === 'index') db.exec(index.sql);
    // The derived social tables by the same set-based definitions a rebuild uses
    // (src/node/social/rebuild.ts, proved equal to the triggers' rows), while triggers are off.
    db.exec(REBUILD_SQL);
    for (const trigger of this.saved) if (trigger.type === 'trigger') db.exec(trigger.sql);
    db.exec('COMMIT');
    while (this.store.searchIndex.indexBatch(FTS_BATCH) > 0);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }

  private writePost({ post, id, size }: GeneratedPost, receivedAt: number): number {
    if (post.kind !== undefined) throw new Error('bulk fill: social actions are not supported');
    const seq = ++this.seq;
    this.insertPost.run(
      seq,
      id,
      post.author,
      post.content,
      post.timestamp,
      post.pubkey ?? null,
      post.reply_to ?? null,
      post.signature ?? null,
      size,
      receivedAt,
    );
    if (post.content.includes('@'))
      for (const name of mentionsOf(post.content)) this.insertMention.run(name, seq);
    return seq;
  }

  /** Commits every ROWS_PER_TRANSACTION rows (one huge transaction would hold all its pages). */
  private rows(count: number): void {
    this.pendingRows += count;
    if (this.pendingRows < ROWS_PER_TRANSACTION) return;
    this.pendingRows = 0;
    this.db.exec('COMMIT');
    this.db.exec('BEGIN');
  }
}
