import type { Statement } from 'better-sqlite3';
import type { Db } from '../database.ts';
import { HASH } from './limits.ts';
import { ProofCache } from './proofs.ts';
import { type PostDetail, toView, VIEW_JOINS, VIEW_SELECT, type ViewRow } from './views.ts';

/** One visible post by id, with the inclusion proof of its id when it is confirmed. */
export class PostDetailQuery {
  private readonly byIdStmt: Statement<[string], ViewRow>;
  private readonly merkleRootStmt: Statement<[string], string>;
  private readonly blockIdsStmt: Statement<[string], string>;
  private readonly proofs = new ProofCache();

  constructor(
    db: Db,
    private readonly tipHeight: () => number,
  ) {
    this.byIdStmt = db.prepare(`${VIEW_SELECT} FROM posts p ${VIEW_JOINS} WHERE p.id = ?`);
    this.merkleRootStmt = db
      .prepare('SELECT merkle_root FROM blocks WHERE hash = ?')
      .pluck() as unknown as Statement<[string], string>;
    this.blockIdsStmt = db
      .prepare(
        `SELECT p.id FROM block_posts b CROSS JOIN posts p ON p.seq = b.post_seq
         WHERE b.block_hash = ? ORDER BY b.position`,
      )
      .pluck() as unknown as Statement<[string], string>;
  }

  /**
   * One visible post by id; when confirmed, with the inclusion proof of its id in its block
   * and that block's merkle root. Undefined for unknown posts and for posts that are neither
   * pending nor confirmed on the best chain.
   */
  get(id: string): PostDetail | undefined {
    if (typeof id !== 'string' || !HASH.test(id)) return undefined;
    const row = this.byIdStmt.get(id);
    if (row === undefined || (row.height === null && row.is_pending === 0 && row.evicted_at === null))
      return undefined;
    const view = toView(row, this.tipHeight());
    if (row.block_hash === null || row.position === null) return view;
    const blockHash = row.block_hash;
    const merkleRoot = this.merkleRootStmt.get(blockHash)!;
    return {
      ...view,
      proof: this.proofs.proof(blockHash, merkleRoot, row.position, () => this.blockIdsStmt.all(blockHash)),
      merkle_root: merkleRoot,
    };
  }
}
