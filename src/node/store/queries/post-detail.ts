import type { Statement } from 'better-sqlite3';
import type { Db } from '../database.ts';
import { HASH } from './limits.ts';
import { BlockProofs } from './proofs.ts';
import { type PostDetail, toView, VIEW_JOINS, VIEW_SELECT, type ViewRow } from './views.ts';

/** One visible post by id, with the inclusion proof of its id when it is confirmed. */
export class PostDetailQuery {
  private readonly byIdStmt: Statement<[string], ViewRow>;
  private readonly blockStmt: Statement<[string], { merkle_root: string; post_count: number }>;
  private readonly proofs: BlockProofs;

  constructor(
    db: Db,
    private readonly tipHeight: () => number,
  ) {
    this.byIdStmt = db.prepare(`${VIEW_SELECT} FROM posts p ${VIEW_JOINS} WHERE p.id = ?`);
    this.blockStmt = db.prepare('SELECT merkle_root, post_count FROM blocks WHERE hash = ?');
    this.proofs = new BlockProofs(db);
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
    const block = this.blockStmt.get(blockHash)!;
    return {
      ...view,
      proof: this.proofs.proof(blockHash, block.merkle_root, block.post_count, row.position),
      merkle_root: block.merkle_root,
    };
  }
}
