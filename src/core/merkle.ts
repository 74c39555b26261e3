import { fromHex, isLowerHex, toHex } from './bytes.ts';
import { sha256Short } from './sha256-fixed.ts';

/**
 * RFC 6962 §2.1 Merkle Tree Hash over post ids (docs/PROTOCOL.md §3):
 *   MTH({})      = SHA-256()
 *   MTH({d0})    = SHA-256(0x00 ‖ d0)
 *   MTH(D[n])    = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])), k the largest power of two < n.
 * Computed bottom-up: pairing adjacent nodes and carrying an unpaired last node up unchanged
 * gives exactly the RFC's split. Leaves and nodes are domain-separated, so no second-preimage
 * of an inner node as a leaf, and no odd-node duplication (Bitcoin's CVE-2012-2459).
 */

/** SHA-256 of the empty string: the root of a tree with no leaves. */
export const EMPTY_MERKLE_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const LEAF_INPUT = new Uint8Array(33);
const NODE_INPUT = new Uint8Array(65);
LEAF_INPUT[0] = 0x00;
NODE_INPUT[0] = 0x01;

function hashLeafInto(id: Uint8Array, out: Uint8Array, offset: number): void {
  LEAF_INPUT.set(id, 1);
  sha256Short(LEAF_INPUT, out, offset);
}

function hashNodeInto(level: Uint8Array, left: number, right: number, out: Uint8Array, offset: number): void {
  NODE_INPUT.set(level.subarray(left * 32, left * 32 + 32), 1);
  NODE_INPUT.set(level.subarray(right * 32, right * 32 + 32), 33);
  sha256Short(NODE_INPUT, out, offset);
}

function leafLevel(ids: readonly string[]): Uint8Array {
  const level = new Uint8Array(ids.length * 32);
  for (let i = 0; i < ids.length; i++) hashLeafInto(fromHex(ids[i]!), level, i * 32);
  return level;
}

/** Hashes one level into the next, in place; returns the new node count. */
function reduceLevel(level: Uint8Array, count: number): number {
  const pairs = count >> 1;
  for (let i = 0; i < pairs; i++) hashNodeInto(level, 2 * i, 2 * i + 1, level, i * 32);
  if (count & 1) level.copyWithin(pairs * 32, (count - 1) * 32, count * 32);
  return pairs + (count & 1);
}

/** Merkle root (lowercase hex) of post ids given as 64-character lowercase hex. */
export function merkleRoot(ids: readonly string[]): string {
  if (ids.length === 0) return EMPTY_MERKLE_ROOT;
  const level = leafLevel(ids);
  let count = ids.length;
  while (count > 1) count = reduceLevel(level, count);
  return toHex(level.subarray(0, 32));
}

/** An RFC 6962 §2.1.1 audit path: sibling hashes from the leaf up to the root. */
export interface MerkleProof {
  readonly index: number;
  readonly size: number;
  readonly path: readonly string[];
}

/** The audit path of leaf `index` among `ids`. */
export function merkleProof(ids: readonly string[], index: number): MerkleProof {
  if (!Number.isInteger(index) || index < 0 || index >= ids.length) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${ids.length} leaves`);
  }
  const level = leafLevel(ids);
  const path: string[] = [];
  let count = ids.length;
  let position = index;
  while (count > 1) {
    const sibling = position ^ 1;
    if (sibling < count) path.push(toHex(level.subarray(sibling * 32, sibling * 32 + 32)));
    count = reduceLevel(level, count);
    position >>= 1;
  }
  return { index, size: ids.length, path };
}

/**
 * Verifies that `id` is leaf `proof.index` of a tree of `proof.size` leaves with root `root`
 * (RFC 9162 §2.1.3.2).
 */
export function verifyMerkleProof(id: string, proof: MerkleProof, root: string): boolean {
  const { index, size, path } = proof;
  if (!isLowerHex(id, 32) || !isLowerHex(root, 32)) return false;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  const r = new Uint8Array(32);
  hashLeafInto(fromHex(id), r, 0);
  const pair = new Uint8Array(64);
  for (const sibling of path) {
    if (!isLowerHex(sibling, 32) || sn === 0) return false;
    const p = fromHex(sibling);
    if (fn % 2 === 1 || fn === sn) {
      pair.set(p, 0);
      pair.set(r, 32);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      pair.set(r, 0);
      pair.set(p, 32);
    }
    hashNodeInto(pair, 0, 1, r, 0);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && toHex(r) === root;
}
