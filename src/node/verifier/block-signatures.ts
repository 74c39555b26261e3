import type { ValidBlock } from '../../core/block.ts';
import { MESSAGE_AT, PUBLIC_KEY_AT, RECORD_BYTES } from './shared.ts';

/** Verifies many signatures off the calling thread (SignatureVerifierPool.verifyRecords). */
export interface BulkSignatureVerifier {
  /** Records of shared.ts's layout in; one byte per record out, 1 when the signature verifies. */
  verifyRecords(records: Uint8Array): Promise<Uint8Array>;
  /**
   * Verifies one waiting part of earlier verifyRecords calls on the calling thread; false when
   * nothing waits. Lets a caller that would only wait for the workers help them instead.
   */
  verifyQueuedHere?(): boolean;
}

/**
 * The (post id, signature) pairs whose Ed25519 signature verified. The id commits to the post's
 * pubkey (§2.2), so the pair names exactly one verification: `has` is true only for the same id
 * with the same signature, and a post differing in either is verified again by whoever asks.
 */
export class VerifiedSignatures {
  /** Signature by post id (a block holds a post id once; several blocks could hold it with other signatures). */
  private readonly pairs = new Map<string, string | string[]>();

  add(id: string, signature: string): void {
    const known = this.pairs.get(id);
    if (known === undefined) this.pairs.set(id, signature);
    else if (Array.isArray(known)) known.push(signature);
    else if (known !== signature) this.pairs.set(id, [known, signature]);
  }

  has(id: string, signature: string | undefined): boolean {
    if (signature === undefined) return false;
    const known = this.pairs.get(id);
    return known === signature || (Array.isArray(known) && known.includes(signature));
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
  let count = 0;
  for (const { block } of blocks)
    for (const post of block.transactions) if (post.signature !== undefined) count++;
  const verified = new VerifiedSignatures();
  if (count === 0) return verified;
  // The form checks allowed only lowercase hex of the right lengths: each write fills its field.
  const records = Buffer.alloc(count * RECORD_BYTES);
  let at = 0;
  for (const { block, ids } of blocks) {
    block.transactions.forEach((post, i) => {
      if (post.signature === undefined || post.pubkey === undefined) return;
      records.write(post.signature, at, 'hex');
      records.write(ids[i]!, at + MESSAGE_AT, 'hex');
      records.write(post.pubkey, at + PUBLIC_KEY_AT, 'hex');
      at += RECORD_BYTES;
    });
  }
  const results = await verifier.verifyRecords(records);
  let record = 0;
  for (const { block, ids } of blocks) {
    block.transactions.forEach((post, i) => {
      if (post.signature === undefined || post.pubkey === undefined) return;
      if (results[record++] === 1) verified.add(ids[i]!, post.signature);
    });
  }
  return verified;
}
