import type { Statement } from 'better-sqlite3';
import {
  MERKLE_SUBTREE_LEAVES,
  type MerkleProof,
  merkleProof,
  merkleProofFromSubtrees,
  merkleSubtreeLevel,
} from '../../../core/merkle.ts';
import type { Db } from '../database.ts';

const NO_LEVEL = new Uint8Array();

/**
 * Inclusion proofs of post ids in their blocks (docs/PROTOCOL.md §3) from the ids of the post's
 * 64-post subtree and the block's stored subtree roots (store migration 11): two indexed reads
 * and about 64 + 64 + size / 64 hashes, whatever the size of the block. A block stored before
 * that migration gets its row at its first proof. A proof whose hashes do not lead to the block's
 * merkle root (a row that does not match the stored block: never expected) is rebuilt from the
 * whole block, and the row with it.
 */
export class BlockProofs {
  private readonly subtreesStmt: Statement<[string], Buffer>;
  private readonly saveStmt: Statement<[string, Buffer]>;
  private readonly idsStmt: Statement<[string, number, number], string>;
  private readonly blockIdsStmt: Statement<[string], string>;

  constructor(db: Db) {
    this.subtreesStmt = db
      .prepare('SELECT roots FROM block_merkle_subtrees WHERE block_hash = ?')
      .pluck() as unknown as Statement<[string], Buffer>;
    this.saveStmt = db.prepare(
      'INSERT OR REPLACE INTO block_merkle_subtrees (block_hash, roots) VALUES (?, ?)',
    );
    this.idsStmt = db
      .prepare(
        `SELECT p.id FROM block_posts b CROSS JOIN posts p ON p.seq = b.post_seq
         WHERE b.block_hash = ? AND b.position >= ? AND b.position < ? ORDER BY b.position`,
      )
      .pluck() as unknown as Statement<[string, number, number], string>;
    this.blockIdsStmt = db
      .prepare(
        `SELECT p.id FROM block_posts b CROSS JOIN posts p ON p.seq = b.post_seq
         WHERE b.block_hash = ? ORDER BY b.position`,
      )
      .pluck() as unknown as Statement<[string], string>;
  }

  /** The inclusion proof of leaf `position` of the block `hash` of `size` posts. */
  proof(hash: string, merkleRoot: string, size: number, position: number): MerkleProof {
    const first = position - (position % MERKLE_SUBTREE_LEAVES);
    const ids = this.idsStmt.all(hash, first, first + MERKLE_SUBTREE_LEAVES);
    const level =
      size > MERKLE_SUBTREE_LEAVES ? (this.subtreesStmt.get(hash) ?? this.derive(hash)) : NO_LEVEL;
    try {
      const { proof, root } = merkleProofFromSubtrees(ids, level, position, size);
      if (root === merkleRoot) return proof;
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
    }
    const all = this.blockIdsStmt.all(hash);
    if (size > MERKLE_SUBTREE_LEAVES) this.save(hash, merkleSubtreeLevel(all));
    return merkleProof(all, position);
  }

  /** The subtree roots of a block stored without them, kept for its next proofs. */
  private derive(hash: string): Uint8Array {
    const level = merkleSubtreeLevel(this.blockIdsStmt.all(hash));
    this.save(hash, level);
    return level;
  }

  private save(hash: string, level: Uint8Array): void {
    this.saveStmt.run(hash, Buffer.from(level.buffer, level.byteOffset, level.byteLength));
  }
}
