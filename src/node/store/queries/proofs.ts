import { type MerkleProof, MerkleTree, merkleProof } from '../../../core/merkle.ts';

/** Trees the cache keeps, least recently used evicted: at most this many blocks and bytes. */
const PROOF_CACHE_BLOCKS = 128;
const PROOF_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Inclusion proofs of post ids in their blocks (docs/PROTOCOL.md §3), from core's MerkleTree of
 * each recently asked block, so that every proof of a cached block costs O(log n) instead of
 * hashing the whole block per request. A tree is used only when its root equals the block's
 * merkle root; otherwise core's merkleProof answers.
 */
export class ProofCache {
  private readonly trees = new Map<string, MerkleTree>();
  private bytes = 0;

  /** The inclusion proof of leaf `position` of the block `hash`, whose post ids `ids()` reads. */
  proof(hash: string, merkleRoot: string, position: number, ids: () => string[]): MerkleProof {
    let tree = this.trees.get(hash);
    if (tree !== undefined) {
      // Most recently used last.
      this.trees.delete(hash);
      this.trees.set(hash, tree);
      return tree.proof(position);
    }
    const leaves = ids();
    tree = MerkleTree.build(leaves);
    if (tree.root !== merkleRoot) return merkleProof(leaves, position);
    this.trees.set(hash, tree);
    this.bytes += tree.bytes;
    while (this.trees.size > PROOF_CACHE_BLOCKS || this.bytes > PROOF_CACHE_BYTES) {
      const [oldest, evicted] = this.trees.entries().next().value!;
      this.trees.delete(oldest);
      this.bytes -= evicted.bytes;
    }
    return tree.proof(position);
  }
}
