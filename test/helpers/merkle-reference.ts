/**
 * RFC 6962 §2.1 Merkle Tree Hash and audit paths exactly as the RFC defines them (top-down
 * recursion, node:crypto's SHA-256), to cross-check src/core/merkle.ts (bottom-up, its own
 * SHA-256) in the tests and scripts/generate-vectors.ts. Slow on purpose.
 */
import { createHash } from 'node:crypto';

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

/** The largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function mth(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return sha256(LEAF, leaves[0]!);
  const k = split(leaves.length);
  return sha256(NODE, mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** RFC 6962 §2.1.1 PATH(m, D[n]): sibling hashes from the leaf up. */
function path(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  if (m < k) return [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))];
  return [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const raw = (ids: readonly string[]) => ids.map((id) => new Uint8Array(Buffer.from(id, 'hex')));

/** The root of post ids given in hex. */
export function referenceMerkleRoot(ids: readonly string[]): string {
  return hex(mth(raw(ids)));
}

/** The audit path of leaf `index`, in hex. */
export function referenceMerklePath(ids: readonly string[], index: number): string[] {
  return path(index, raw(ids)).map(hex);
}
