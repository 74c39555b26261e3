import type { ValidBlock } from '../../core/block.ts';
import type { SignatureCheck } from './pool.ts';

/** Verifies many signatures off the calling thread (SignatureVerifierPool.verifyMany). */
export interface BulkSignatureVerifier {
  verifyMany(checks: readonly SignatureCheck[]): Promise<boolean[]>;
}

/**
 * The (post id, signature) pairs whose Ed25519 signature verified. The id commits to the post's
 * pubkey (§2.2), so the pair names exactly one verification: `has` is true only for the same id
 * with the same signature, and a post differing in either is verified again by whoever asks.
 */
export class VerifiedSignatures {
  private readonly pairs = new Set<string>();

  add(id: string, signature: string): void {
    this.pairs.add(`${id}:${signature}`);
  }

  has(id: string, signature: string | undefined): boolean {
    return signature !== undefined && this.pairs.has(`${id}:${signature}`);
  }

  get size(): number {
    return this.pairs.size;
  }
}

/**
 * Verifies the signatures of the signed posts of blocks that passed §7.1 steps 1–16 (their ids
 * are computed, their hex checked), on the verifier's workers. Resolves with the pairs that
 * verified; a signature that does not verify is simply absent, so the chain checks it again
 * in block order and rejects the block with its own code and message.
 */
export async function verifyBlockSignatures(
  verifier: BulkSignatureVerifier,
  blocks: readonly ValidBlock[],
): Promise<VerifiedSignatures> {
  const checks: SignatureCheck[] = [];
  const pairs: [string, string][] = [];
  for (const { block, ids } of blocks) {
    block.transactions.forEach((post, i) => {
      if (post.signature === undefined || post.pubkey === undefined) return;
      const id = ids[i]!;
      // The hex was checked by the form checks; Buffer decodes it natively.
      checks.push({
        signature: Buffer.from(post.signature, 'hex'),
        message: Buffer.from(id, 'hex'),
        publicKey: Buffer.from(post.pubkey, 'hex'),
      });
      pairs.push([id, post.signature]);
    });
  }
  const verified = new VerifiedSignatures();
  if (checks.length === 0) return verified;
  const results = await verifier.verifyMany(checks);
  results.forEach((valid, i) => {
    if (valid) verified.add(pairs[i]![0], pairs[i]![1]);
  });
  return verified;
}
