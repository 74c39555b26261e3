/**
 * What the browser checks for itself on a post's page, with src/core only: the post's id, its
 * signature, its merkle inclusion proof against its block's root, and that block's header hash
 * and proof of work. Pure (the crypto port is passed in), so test/web runs it under Node.
 */
import { decodeBits } from '#core/compact.ts';
import type { CryptoPort } from '#core/crypto.ts';
import { headerHash } from '#core/header.ts';
import { type MerkleProof, verifyMerkleProof } from '#core/merkle.ts';
import { checkPost as checkPostForm, type Post, verifyPostSignature } from '#core/post.ts';
import { meetsTarget } from '#core/pow.ts';

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The header fields of a block as the API serves them (`height` is the header's `index`). */
export interface HeaderFields {
  readonly hash: string;
  readonly height: number;
  readonly version: number;
  readonly previous_hash: string;
  readonly merkle_root: string;
  readonly timestamp: number;
  readonly bits: number;
  readonly nonce: number;
}

/**
 * The id is the SHA-256 of the post's canonical JSON, and the signature (if any) verifies:
 * core's post door (checkPost, then verifyPostSignature), as a node admits the post.
 */
export function checkPost(id: string, post: Post, crypto: CryptoPort): Check[] {
  const checked = checkPostForm(post, crypto);
  if (!checked.ok) {
    return [{ name: 'Post id', ok: false, detail: `the post is not well formed: ${checked.message}` }];
  }
  const computed = checked.value.id;
  const checks: Check[] = [
    {
      name: 'Post id',
      ok: computed === id,
      detail:
        computed === id
          ? 'SHA-256 of the canonical post matches its id'
          : `the post hashes to ${computed}, not to its id`,
    },
  ];
  if (post.signature !== undefined) {
    const valid = verifyPostSignature(checked.value, crypto).ok;
    checks.push({
      name: 'Signature',
      ok: valid,
      detail: valid
        ? 'Ed25519 signature by the author’s key is valid'
        : 'the Ed25519 signature does not verify',
    });
  }
  return checks;
}

/** The proof puts the id in the block's merkle root; the header hashes to the block's hash and meets its target. */
export function checkInclusion(
  id: string,
  proof: MerkleProof,
  merkleRoot: string,
  header: HeaderFields,
): Check[] {
  const included = verifyMerkleProof(id, proof, merkleRoot);
  const rootMatches = header.merkle_root === merkleRoot;
  const hash = headerHash({
    version: header.version,
    index: header.height,
    previous_hash: header.previous_hash,
    merkle_root: header.merkle_root,
    timestamp: header.timestamp,
    bits: header.bits,
    nonce: header.nonce,
  });
  const target = decodeBits(header.bits);
  const work = target !== undefined && meetsTarget(hash, target);
  return [
    {
      name: 'Merkle proof',
      ok: included && rootMatches,
      detail: included
        ? rootMatches
          ? `leaf ${proof.index + 1} of ${proof.size}: ${proof.path.length} hashes lead to the block’s merkle root`
          : 'the proof leads to a root that is not the block’s'
        : 'the proof does not lead to the merkle root',
    },
    {
      name: 'Block header',
      ok: hash === header.hash,
      detail: hash === header.hash ? 'the header hashes to the block’s hash' : `the header hashes to ${hash}`,
    },
    {
      name: 'Proof of work',
      ok: work,
      detail: work ? 'the block hash is below its target' : 'the block hash is above its target',
    },
  ];
}
