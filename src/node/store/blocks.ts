import type { Block } from '../../core/block.ts';
import type { BlockHeader } from '../../core/header.ts';
import { MERKLE_SUBTREE_LEAVES } from '../../core/merkle.ts';
import type { Db } from './database.ts';
import { type PostRow, postFromRow } from './posts.ts';

export const BlockStatus = { VALID: 1, INVALID: 2 } as const;

/** One entry of the block index: a header, its place in the tree and its cumulative work. */
export interface BlockIndexEntry extends BlockHeader {
  readonly hash: string;
  readonly height: number;
  readonly chainwork: bigint;
  readonly status: number;
  readonly post_count: number;
  readonly size: number;
  readonly received_at: number;
}

interface BlockRow extends Omit<BlockHeader, 'index'> {
  hash: string;
  height: number;
  chainwork: string;
  status: number;
  post_count: number;
  size: number;
  received_at: number;
}

function entryFromRow(row: BlockRow): BlockIndexEntry {
  return { ...row, index: row.height, chainwork: BigInt(`0x${row.chainwork}`) };
}

/** Chainwork as fixed-width hex, so SQLite's text order is numeric order. */
export function chainworkHex(work: bigint): string {
  return work.toString(16).padStart(64, '0');
}

/** Block index, bodies and the best chain: prepared statements over the schema. */
export class BlockStore {
  private readonly getStmt;
  private readonly hasStmt;
  private readonly insertStmt;
  private readonly insertPostStmt;
  private readonly insertSubtreesStmt;
  private readonly postSeqsStmt;
  private readonly bodyStmt;
  private readonly bestAtStmt;
  private readonly bestTipStmt;
  private readonly setBestStmt;
  private readonly unsetBestStmt;
  private readonly statusStmt;
  private readonly childrenStmt;
  private readonly heaviestStmt;
  private readonly bestRangeStmt;
  private readonly bestTimestampsStmt;
  private readonly sideBelowStmt;
  private readonly deleteBlockStmt;
  private readonly deleteLinksStmt;
  private readonly deleteSubtreesStmt;
  private readonly deleteLoosePostStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], BlockRow>('SELECT * FROM blocks WHERE hash = ?');
    this.hasStmt = db.prepare<[string], number>('SELECT 1 FROM blocks WHERE hash = ?').pluck();
    this.insertStmt = db.prepare(
      `INSERT INTO blocks (hash, previous_hash, height, version, merkle_root, timestamp, bits, nonce,
         chainwork, status, post_count, size, received_at)
       VALUES (@hash, @previous_hash, @height, @version, @merkle_root, @timestamp, @bits, @nonce,
         @chainwork, @status, @post_count, @size, @received_at)`,
    );
    // One statement per block, not one per post: the seqs come as a JSON array (position = index).
    this.insertPostStmt = db.prepare<[string, string]>(
      'INSERT INTO block_posts (block_hash, position, post_seq) SELECT ?, key, value FROM json_each(?)',
    );
    this.insertSubtreesStmt = db.prepare(
      'INSERT OR REPLACE INTO block_merkle_subtrees (block_hash, roots) VALUES (?, ?)',
    );
    this.postSeqsStmt = db
      .prepare<[string], { post_seq: number }>(
        'SELECT post_seq FROM block_posts WHERE block_hash = ? ORDER BY position',
      )
      .pluck() as unknown as { all(hash: string): number[] };
    this.bodyStmt = db.prepare<[string], PostRow>(
      `SELECT p.* FROM block_posts b JOIN posts p ON p.seq = b.post_seq
       WHERE b.block_hash = ? ORDER BY b.position`,
    );
    this.bestAtStmt = db.prepare<[number], { hash: string }>('SELECT hash FROM best_chain WHERE height = ?');
    this.bestTipStmt = db.prepare<[], { height: number; hash: string }>(
      'SELECT height, hash FROM best_chain ORDER BY height DESC LIMIT 1',
    );
    this.setBestStmt = db.prepare('INSERT OR REPLACE INTO best_chain (height, hash) VALUES (?, ?)');
    this.unsetBestStmt = db.prepare('DELETE FROM best_chain WHERE height = ?');
    this.statusStmt = db.prepare('UPDATE blocks SET status = ? WHERE hash = ?');
    this.childrenStmt = db.prepare<[string], { hash: string }>(
      'SELECT hash FROM blocks WHERE previous_hash = ?',
    );
    this.heaviestStmt = db.prepare<[number], BlockRow>(
      'SELECT * FROM blocks WHERE status = ? ORDER BY chainwork DESC, received_at ASC LIMIT 1',
    );
    this.bestRangeStmt = db.prepare<[number, number], BlockRow>(
      `SELECT b.* FROM best_chain c JOIN blocks b ON b.hash = c.hash
       WHERE c.height >= ? AND c.height <= ? ORDER BY c.height`,
    );
    this.bestTimestampsStmt = db
      .prepare<[number, number], number>(
        `SELECT b.timestamp FROM best_chain c JOIN blocks b ON b.hash = c.hash
         WHERE c.height >= ? AND c.height <= ? ORDER BY c.height`,
      )
      .pluck();
    this.sideBelowStmt = db.prepare<
      [number, number],
      { hash: string; previous_hash: string; height: number }
    >(
      `SELECT b.hash, b.previous_hash, b.height FROM blocks b
       WHERE b.height >= ? AND b.height < ?
         AND NOT EXISTS (SELECT 1 FROM best_chain c WHERE c.height = b.height AND c.hash = b.hash)`,
    );
    this.deleteBlockStmt = db.prepare('DELETE FROM blocks WHERE hash = ?');
    this.deleteLinksStmt = db.prepare('DELETE FROM block_posts WHERE block_hash = ?');
    this.deleteSubtreesStmt = db.prepare('DELETE FROM block_merkle_subtrees WHERE block_hash = ?');
    // A post no block, the pool or the best chain holds is only a side branch's: it goes with it.
    this.deleteLoosePostStmt = db.prepare(
      `DELETE FROM posts WHERE seq = @seq
         AND NOT EXISTS (SELECT 1 FROM block_posts WHERE post_seq = @seq)
         AND NOT EXISTS (SELECT 1 FROM pending WHERE post_seq = @seq)
         AND NOT EXISTS (SELECT 1 FROM confirmed WHERE post_seq = @seq)`,
    );
  }

  get(hash: string): BlockIndexEntry | undefined {
    const row = this.getStmt.get(hash);
    return row ? entryFromRow(row) : undefined;
  }

  has(hash: string): boolean {
    return this.hasStmt.get(hash) !== undefined;
  }

  /**
   * Stores a block's index entry, the seqs of its posts in order and, for a block of more than
   * 64 posts, `subtrees`: core merkleSubtreeLevel of its post ids (without it the first proof
   * asked of the block derives it).
   */
  insert(
    entry: Omit<BlockIndexEntry, 'chainwork'> & { chainwork: bigint },
    postSeqs: readonly number[],
    subtrees?: Uint8Array,
  ): void {
    const { version, index, previous_hash, merkle_root, timestamp, bits, nonce } = entry;
    this.insertStmt.run({
      hash: entry.hash,
      previous_hash,
      height: index,
      version,
      merkle_root,
      timestamp,
      bits,
      nonce,
      chainwork: chainworkHex(entry.chainwork),
      status: entry.status,
      post_count: entry.post_count,
      size: entry.size,
      received_at: entry.received_at,
    });
    if (postSeqs.length > 0) this.insertPostStmt.run(entry.hash, JSON.stringify(postSeqs));
    if (subtrees !== undefined && postSeqs.length > MERKLE_SUBTREE_LEAVES) {
      this.insertSubtreesStmt.run(
        entry.hash,
        Buffer.from(subtrees.buffer, subtrees.byteOffset, subtrees.byteLength),
      );
    }
  }

  postSeqs(hash: string): number[] {
    return this.postSeqsStmt.all(hash);
  }

  /** The stored post rows of a block, in block order. */
  bodyRows(hash: string): PostRow[] {
    return this.bodyStmt.all(hash);
  }

  /** The full block as served: header fields, hash and posts. */
  body(hash: string): Block | undefined {
    const entry = this.get(hash);
    if (entry === undefined) return undefined;
    return {
      version: entry.version,
      index: entry.height,
      previous_hash: entry.previous_hash,
      merkle_root: entry.merkle_root,
      timestamp: entry.timestamp,
      bits: entry.bits,
      nonce: entry.nonce,
      hash: entry.hash,
      transactions: this.bodyStmt.all(hash).map(postFromRow),
    };
  }

  bestHashAt(height: number): string | undefined {
    return this.bestAtStmt.get(height)?.hash;
  }

  bestTip(): { height: number; hash: string } | undefined {
    return this.bestTipStmt.get();
  }

  setBest(height: number, hash: string): void {
    this.setBestStmt.run(height, hash);
  }

  unsetBest(height: number): void {
    this.unsetBestStmt.run(height);
  }

  isOnBestChain(entry: { hash: string; height: number }): boolean {
    return this.bestHashAt(entry.height) === entry.hash;
  }

  /** Best-chain entries with from ≤ height ≤ to, ascending. */
  bestRange(from: number, to: number): BlockIndexEntry[] {
    return this.bestRangeStmt.all(from, to).map(entryFromRow);
  }

  /**
   * Timestamps of the best-chain blocks with from ≤ height ≤ to, ascending: what median time
   * past needs, without building whole index entries for every block connected.
   */
  bestTimestamps(from: number, to: number): number[] {
    return this.bestTimestampsStmt.all(from, to);
  }

  /** Marks a block and all its descendants invalid (they can never be part of the best chain). */
  markInvalid(hash: string): void {
    const stack = [hash];
    while (stack.length > 0) {
      const next = stack.pop()!;
      this.statusStmt.run(BlockStatus.INVALID, next);
      for (const child of this.childrenStmt.all(next)) stack.push(child.hash);
    }
  }

  /** Blocks off the best chain (any status) with from ≤ height < to: what side-branch pruning looks at. */
  sideBlocksIn(from: number, to: number): { hash: string; previous_hash: string; height: number }[] {
    return this.sideBelowStmt.all(from, to);
  }

  /** Hashes of the stored children of `hash` (any branch, any status). */
  childHashes(hash: string): string[] {
    return this.childrenStmt.all(hash).map((row) => row.hash);
  }

  /**
   * Deletes a block off the best chain: its index entry, its post links and merkle subtrees, and its posts that
   * nothing else holds. The caller keeps the tree whole (no stored block may lose its parent).
   */
  deleteBlock(hash: string): void {
    const seqs = this.postSeqsStmt.all(hash);
    this.deleteLinksStmt.run(hash);
    this.deleteSubtreesStmt.run(hash);
    this.deleteBlockStmt.run(hash);
    for (const seq of seqs) this.deleteLoosePostStmt.run({ seq });
  }

  /** The valid block with the most cumulative work (first received wins ties). */
  heaviestValid(): BlockIndexEntry | undefined {
    const row = this.heaviestStmt.get(BlockStatus.VALID);
    return row ? entryFromRow(row) : undefined;
  }
}
