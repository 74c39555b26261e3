import type { Statement } from 'better-sqlite3';
import type { BlockDetail, BlockSummary } from '../../../core/api/schemas.ts';
import type { Block } from '../../../core/block.ts';
import { bigIntToHex256 } from '../../../core/bytes.ts';
import { decodeBits } from '../../../core/compact.ts';
import type { Db } from '../database.ts';
import { type PostRow, postFromRow } from '../posts.ts';
import { badRequest, checkCursor, checkLimit, HASH, HEIGHT, QUERY_LIMITS } from './limits.ts';
import type { Page } from './views.ts';

export type { BlockDetail, BlockSummary };

interface BlockRow {
  hash: string;
  previous_hash: string;
  height: number;
  version: number;
  merkle_root: string;
  timestamp: number;
  bits: number;
  nonce: number;
  chainwork: string;
  status: number;
  post_count: number;
  size: number;
  received_at: number;
}

/** Blocks for the explorer (summaries, one block with its posts) and the tutorial's GET /chain. */
export class BlockQuery {
  private readonly byHashStmt: Statement<[string], BlockRow>;
  private readonly byHeightStmt: Statement<[number], BlockRow>;
  private readonly bestHashAtStmt: Statement<[number], string>;
  private readonly descStmt: Statement<[number, number], BlockRow>;
  private readonly rangeHeadersStmt: Statement<[number, number], BlockRow>;
  private readonly rangePostsStmt: Statement<[number, number], PostRow & { block_height: number }>;
  private readonly bodyStmt: Statement<[string], PostRow>;

  constructor(
    db: Db,
    /** powLimit of the network, for the difficulty. */
    private readonly powLimit: bigint,
    private readonly tipHeight: () => number,
  ) {
    this.byHashStmt = db.prepare('SELECT * FROM blocks WHERE hash = ?');
    this.byHeightStmt = db.prepare(
      'SELECT b.* FROM best_chain c CROSS JOIN blocks b ON b.hash = c.hash WHERE c.height = ?',
    );
    this.bestHashAtStmt = db
      .prepare('SELECT hash FROM best_chain WHERE height = ?')
      .pluck() as unknown as Statement<[number], string>;
    this.descStmt = db.prepare(
      `SELECT b.* FROM best_chain c CROSS JOIN blocks b ON b.hash = c.hash
       WHERE c.height < ? ORDER BY c.height DESC LIMIT ?`,
    );
    this.rangeHeadersStmt = db.prepare(
      `SELECT b.* FROM best_chain c CROSS JOIN blocks b ON b.hash = c.hash
       WHERE c.height >= ? AND c.height < ? ORDER BY c.height`,
    );
    this.rangePostsStmt = db.prepare(
      `SELECT c.height AS block_height, p.* FROM best_chain c
         CROSS JOIN block_posts b ON b.block_hash = c.hash
         CROSS JOIN posts p ON p.seq = b.post_seq
       WHERE c.height >= ? AND c.height < ? ORDER BY c.height, b.position`,
    );
    this.bodyStmt = db.prepare(
      `SELECT p.* FROM block_posts b CROSS JOIN posts p ON p.seq = b.post_seq
       WHERE b.block_hash = ? ORDER BY b.position`,
    );
  }

  /** Best-chain blocks, newest first; `beforeHeight` (exclusive) is the cursor, `next` the following one. */
  page(opts: { limit: number; beforeHeight?: number }): Page<BlockSummary> {
    checkLimit(opts.limit, QUERY_LIMITS.blocksMaxLimit);
    checkCursor(opts.beforeHeight, 'beforeHeight');
    const tipHeight = this.tipHeight();
    const rows = this.descStmt.all(opts.beforeHeight ?? tipHeight + 1, opts.limit);
    const items = rows.map((row) => this.summary(row, tipHeight, true));
    const last = items[items.length - 1];
    return items.length === opts.limit && last !== undefined && last.height > 0
      ? { items, next: last.height }
      : { items };
  }

  /**
   * One block with its posts: a decimal string is a height on the best chain, 64 lowercase hex
   * digits a hash on any branch; anything else (or an unknown block) is undefined.
   */
  get(hashOrHeight: string): BlockDetail | undefined {
    if (typeof hashOrHeight !== 'string') return undefined;
    let row: BlockRow | undefined;
    if (HEIGHT.test(hashOrHeight)) row = this.byHeightStmt.get(Number(hashOrHeight));
    else if (HASH.test(hashOrHeight)) row = this.byHashStmt.get(hashOrHeight);
    if (row === undefined) return undefined;
    const onBest = this.bestHashAtStmt.get(row.height) === row.hash;
    const rows = this.bodyStmt.all(row.hash);
    return {
      ...this.summary(row, this.tipHeight(), onBest),
      transactions: rows.map(postFromRow),
      ids: rows.map((post) => post.id),
      on_best_chain: onBest,
    };
  }

  /**
   * Best-chain blocks in the served protocol form (as Chain.blockAt), heights `start` up to
   * `start + limit − 1`, ascending. Two queries: the headers of the range, then all their posts.
   */
  range(start: number, limit: number): Block[] {
    if (!Number.isSafeInteger(start) || start < 0) throw badRequest('start must be a non-negative integer');
    if (!Number.isSafeInteger(limit) || limit < 0) throw badRequest('limit must be a non-negative integer');
    if (limit === 0) return [];
    const end = start + limit;
    const blocks: Block[] = this.rangeHeadersStmt.all(start, end).map((row) => ({
      version: row.version,
      index: row.height,
      previous_hash: row.previous_hash,
      merkle_root: row.merkle_root,
      timestamp: row.timestamp,
      bits: row.bits,
      nonce: row.nonce,
      hash: row.hash,
      transactions: [],
    }));
    if (blocks.length === 0) return blocks;
    const first = blocks[0]!.index;
    for (const row of this.rangePostsStmt.iterate(start, end)) {
      blocks[row.block_height - first]!.transactions.push(postFromRow(row));
    }
    return blocks;
  }

  private summary(row: BlockRow, tipHeight: number, onBest: boolean): BlockSummary {
    const target = decodeBits(row.bits) ?? 0n;
    return {
      hash: row.hash,
      height: row.height,
      previous_hash: row.previous_hash,
      merkle_root: row.merkle_root,
      timestamp: row.timestamp,
      bits: row.bits,
      nonce: row.nonce,
      version: row.version,
      target: bigIntToHex256(target),
      difficulty: target === 0n ? 0 : Number(this.powLimit) / Number(target),
      chainwork: row.chainwork,
      post_count: row.post_count,
      size: row.size,
      confirmations: onBest ? tipHeight - row.height + 1 : 0,
    };
  }
}
