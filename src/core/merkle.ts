import { fromHex, isLowerHex, toHex } from './bytes.ts';
import { compress, SHA256_IV, sha256Short, writeDigest } from './sha256-fixed.ts';

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

/*
 * The tree itself is built on 32-bit words: a level is a Uint32Array of 8 big-endian words per
 * node (the SHA-256 state words of its hash), ids are decoded from hex straight into words, and
 * the padded SHA-256 blocks of 0x00 ‖ id (33 bytes, one block) and 0x01 ‖ left ‖ right
 * (65 bytes, two blocks) are assembled from those words by shifting one byte. No bytes, no
 * per-leaf allocation, no hex until the root. The byte helpers above serve proof verification
 * and ids that are not 64 hex digits (where they keep the errors of fromHex).
 */

const BLOCK = new Uint32Array(16);
const STATE = new Uint32Array(8);
const ID_WORDS = new Uint32Array(8);
const FALLBACK_DIGEST = new Uint8Array(32);

// Hex digit values by UTF-16 code unit (upper and lower case, as fromHex accepts); -1 otherwise.
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[0x61 + i] = 10 + i;
  HEX_VALUE[0x41 + i] = 10 + i;
}

/** Decodes 64 hex digits into 8 big-endian words; false when a character is not a hex digit. */
function hexToWords(hex: string, out: Uint32Array): boolean {
  let bad = 0;
  for (let w = 0; w < 8; w++) {
    let word = 0;
    for (let k = 0; k < 8; k++) {
      const code = hex.charCodeAt(w * 8 + k);
      const v = code < 256 ? HEX_VALUE[code]! : -1;
      bad |= v;
      word = (word << 4) | (v & 15);
    }
    out[w] = word;
  }
  return bad >= 0;
}

/** SHA-256(0x00 ‖ id) for the id in ID_WORDS, written as 8 words into `level` at node `index`. */
function hashLeafWords(level: Uint32Array, index: number): void {
  // Message bytes: 00 id[0..31] 80 00… length (33 × 8 = 264 bits) in the last two bytes.
  let previous = 0;
  for (let j = 0; j < 8; j++) {
    const word = ID_WORDS[j]!;
    BLOCK[j] = (previous << 24) | (word >>> 8);
    previous = word;
  }
  BLOCK[8] = (previous << 24) | 0x800000;
  BLOCK.fill(0, 9, 15);
  BLOCK[15] = 264;
  STATE.set(SHA256_IV);
  compress(STATE, BLOCK);
  level.set(STATE, index * 8);
}

/** SHA-256(0x01 ‖ node[left] ‖ node[right]) written as 8 words into `target` at node `out`. */
function hashNodeWords(
  level: Uint32Array,
  left: number,
  right: number,
  out: number,
  target: Uint32Array = level,
): void {
  // First block: 01 left[0..31] right[0..30].
  const l = left * 8;
  const r = right * 8;
  let previous = 0x01;
  for (let j = 0; j < 8; j++) {
    const word = level[l + j]!;
    BLOCK[j] = (previous << 24) | (word >>> 8);
    previous = word;
  }
  for (let j = 0; j < 8; j++) {
    const word = level[r + j]!;
    BLOCK[8 + j] = (previous << 24) | (word >>> 8);
    previous = word;
  }
  STATE.set(SHA256_IV);
  compress(STATE, BLOCK);
  // Second block: right[31] 80 00… length (65 × 8 = 520 bits).
  BLOCK[0] = (previous << 24) | 0x800000;
  BLOCK.fill(0, 1, 15);
  BLOCK[15] = 520;
  compress(STATE, BLOCK);
  target.set(STATE, out * 8);
}

function leafLevel(ids: readonly string[]): Uint32Array {
  const level = new Uint32Array(ids.length * 8);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id.length !== 64 || !hexToWords(id, ID_WORDS)) {
      // Not 64 hex digits: the byte path, which throws fromHex's errors. (An id of another
      // length is no post id: as before this change, it is hashed with whatever bytes of an
      // earlier leaf remain in LEAF_INPUT, or overflows it and throws; callers pass real ids.)
      hashLeafInto(fromHex(id), FALLBACK_DIGEST, 0);
      for (let j = 0; j < 8; j++) {
        const p = j * 4;
        level[i * 8 + j] =
          (FALLBACK_DIGEST[p]! << 24) |
          (FALLBACK_DIGEST[p + 1]! << 16) |
          (FALLBACK_DIGEST[p + 2]! << 8) |
          FALLBACK_DIGEST[p + 3]!;
      }
      continue;
    }
    hashLeafWords(level, i);
  }
  return level;
}

/** Hashes one level into the next, in place; returns the new node count. */
function reduceLevel(level: Uint32Array, count: number): number {
  const pairs = count >> 1;
  for (let i = 0; i < pairs; i++) hashNodeWords(level, 2 * i, 2 * i + 1, i);
  if (count & 1) level.copyWithin(pairs * 8, (count - 1) * 8, count * 8);
  return pairs + (count & 1);
}

const HEX_OUT = new Uint8Array(32);

/** Lowercase hex of node `index` of a level. */
function nodeHex(level: Uint32Array, index: number): string {
  writeDigest(level.subarray(index * 8, index * 8 + 8), HEX_OUT);
  return toHex(HEX_OUT);
}

/** Merkle root (lowercase hex) of post ids given as 64-character lowercase hex. */
export function merkleRoot(ids: readonly string[]): string {
  if (ids.length === 0) return EMPTY_MERKLE_ROOT;
  const level = leafLevel(ids);
  let count = ids.length;
  while (count > 1) count = reduceLevel(level, count);
  return nodeHex(level, 0);
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
  const path: string[] = [];
  appendPath(leafLevel(ids), ids.length, index, path);
  return { index, size: ids.length, path };
}

/** Appends the audit path of node `position` of a level of `count` nodes, reducing it in place. */
function appendPath(level: Uint32Array, count: number, position: number, path: string[]): void {
  while (count > 1) {
    const sibling = position ^ 1;
    if (sibling < count) path.push(nodeHex(level, sibling));
    count = reduceLevel(level, count);
    position >>= 1;
  }
}

/**
 * Leaves under each node of the subtree level: a power of two, so that level log2(64) of the
 * bottom-up tree is exactly the roots of the aligned runs of 64 leaves (the last run may be
 * shorter: its root is the tree of that run, carried up unchanged where it has no sibling).
 */
export const MERKLE_SUBTREE_LEAVES = 64;
const SUBTREE_DEPTH = 6;

/**
 * The roots of the 64-leaf subtrees of the tree of `ids`, 32 bytes each, in order
 * (⌈n / 64⌉ of them; none for no ids). With the ids of one subtree they give any proof of the
 * tree (merkleProofFromSubtrees) without hashing the other leaves.
 */
export function merkleSubtreeLevel(ids: readonly string[]): Uint8Array {
  return merkleRootAndSubtrees(ids).subtrees;
}

/** merkleRoot and merkleSubtreeLevel of `ids` at the cost of the root alone. */
export function merkleRootAndSubtrees(ids: readonly string[]): { root: string; subtrees: Uint8Array } {
  const count = Math.ceil(ids.length / MERKLE_SUBTREE_LEAVES);
  const subtrees = new Uint8Array(count * 32);
  if (count === 0) return { root: EMPTY_MERKLE_ROOT, subtrees };
  const level = leafLevel(ids);
  let nodes = ids.length;
  for (let depth = 0; depth < SUBTREE_DEPTH; depth++) nodes = reduceLevel(level, nodes);
  for (let i = 0; i < count; i++) writeDigest(level.subarray(i * 8, i * 8 + 8), subtrees, i * 32);
  while (nodes > 1) nodes = reduceLevel(level, nodes);
  return { root: nodeHex(level, 0), subtrees };
}

/** A proof built from subtrees, and the root its hashes lead to. */
export interface SubtreeProof {
  readonly proof: MerkleProof;
  /**
   * The root of the tree of the given subtree's ids and the level's other roots: equal to the
   * block's merkle root exactly when the proof verifies against it (the check costs no hash).
   */
  readonly root: string;
}

/**
 * The audit path of leaf `index` of a tree of `size` leaves, exactly as merkleProof returns it,
 * from `subtreeIds` (the ids of the leaf's 64-leaf subtree: leaves 64·⌊index / 64⌋ onwards,
 * 64 of them or the rest of the tree) and `subtreeLevel` (merkleSubtreeLevel of the whole tree;
 * unused, and may be empty, when size ≤ 64). About 64 leaf and 64 + ⌈size / 64⌉ node hashes.
 */
export function merkleProofFromSubtrees(
  subtreeIds: readonly string[],
  subtreeLevel: Uint8Array,
  index: number,
  size: number,
): SubtreeProof {
  if (!Number.isSafeInteger(size) || !Number.isInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${size} leaves`);
  }
  const subtree = Math.floor(index / MERKLE_SUBTREE_LEAVES);
  const first = subtree * MERKLE_SUBTREE_LEAVES;
  const subtrees = Math.ceil(size / MERKLE_SUBTREE_LEAVES);
  const leaves = Math.min(MERKLE_SUBTREE_LEAVES, size - first);
  if (subtreeIds.length !== leaves) {
    throw new RangeError(
      `subtree ${subtree} of a tree of ${size} has ${leaves} leaves, not ${subtreeIds.length}`,
    );
  }
  if (subtrees > 1 && subtreeLevel.length !== subtrees * 32) {
    throw new RangeError(
      `a tree of ${size} leaves has ${subtrees} subtrees, not ${subtreeLevel.length / 32}`,
    );
  }
  const path: string[] = [];
  const local = leafLevel(subtreeIds);
  appendPath(local, leaves, index - first, path);
  // Node 0 of the reduced level is now the subtree's root.
  if (subtrees === 1) return { proof: { index, size, path }, root: nodeHex(local, 0) };
  // The subtree's own root replaces the stored one, so the root reached tells whether the
  // other roots (the path's) are right.
  const upper = wordsOf(subtreeLevel);
  upper.set(local.subarray(0, 8), subtree * 8);
  appendPath(upper, subtrees, subtree, path);
  return { proof: { index, size, path }, root: nodeHex(upper, 0) };
}

/** 32-byte hashes as a level of 8 big-endian words each. */
function wordsOf(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(bytes.length >> 2);
  for (let i = 0; i < words.length; i++) {
    const p = i * 4;
    words[i] = (bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!;
  }
  return words;
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

/**
 * Every level of the tree of `ids`, built once (the same hashing as merkleRoot), so that each
 * proof of a tree held in memory costs O(log n) instead of hashing all its leaves. (The node
 * keeps only each block's subtree level instead: merkleSubtreeLevel.)
 */
export class MerkleTree {
  private constructor(
    /** Level 0 holds the leaves; each level is its nodes' hashes as 8 words each. */
    private readonly levels: readonly Uint32Array[],
    readonly size: number,
  ) {}

  static build(ids: readonly string[]): MerkleTree {
    let level = leafLevel(ids);
    const levels = [level];
    let count = ids.length;
    while (count > 1) {
      const pairs = count >> 1;
      const next = new Uint32Array((pairs + (count & 1)) * 8);
      for (let i = 0; i < pairs; i++) hashNodeWords(level, 2 * i, 2 * i + 1, i, next);
      if (count & 1) next.set(level.subarray((count - 1) * 8, count * 8), pairs * 8);
      levels.push(next);
      level = next;
      count = pairs + (count & 1);
    }
    return new MerkleTree(levels, ids.length);
  }

  /** The root in lowercase hex (EMPTY_MERKLE_ROOT for no leaves), as merkleRoot returns it. */
  get root(): string {
    if (this.size === 0) return EMPTY_MERKLE_ROOT;
    return nodeHex(this.levels[this.levels.length - 1]!, 0);
  }

  /** Bytes the levels hold (for a cache's budget). */
  get bytes(): number {
    return this.levels.reduce((sum, level) => sum + level.byteLength, 0);
  }

  /** The audit path of leaf `index`, exactly as merkleProof returns it. */
  proof(index: number): MerkleProof {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`leaf index ${index} is outside a tree of ${this.size} leaves`);
    }
    const path: string[] = [];
    let position = index;
    let count = this.size;
    for (let depth = 0; count > 1; depth++) {
      const sibling = position ^ 1;
      if (sibling < count) path.push(nodeHex(this.levels[depth]!, sibling));
      position >>= 1;
      count = (count >> 1) + (count & 1);
    }
    return { index, size: this.size, path };
  }
}
