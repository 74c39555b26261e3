import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex } from '#core/bytes.ts';
import {
  EMPTY_MERKLE_ROOT,
  MERKLE_SUBTREE_LEAVES,
  type MerkleProof,
  merkleProof,
  merkleProofFromSubtrees,
  merkleRoot,
  merkleRootAndSubtrees,
  merkleSubtreeLevel,
  verifyMerkleProof,
} from '#core/merkle.ts';
import { sha256Hex } from '../helpers/core.ts';

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** RFC 6962 §2.1 MTH, recursive, straight from the definition. */
function mth(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256(new Uint8Array());
  if (leaves.length === 1) return sha256(concatBytes(Uint8Array.of(0), leaves[0]!));
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(concatBytes(Uint8Array.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k))));
}

/** RFC 6962 §2.1.1 PATH(m, D[n]), recursive. */
function path(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => sha256Hex(`id-${i}`));

describe('merkle root', () => {
  it('of no ids is SHA-256 of the empty string', () => {
    assert.equal(merkleRoot([]), EMPTY_MERKLE_ROOT);
    assert.equal(EMPTY_MERKLE_ROOT, toHex(sha256(new Uint8Array())));
  });

  it('of one id is SHA-256(0x00 ‖ id): leaves are domain-separated', () => {
    const [id] = ids(1);
    assert.equal(merkleRoot([id!]), toHex(sha256(concatBytes(Uint8Array.of(0), fromHex(id!)))));
    assert.notEqual(merkleRoot([id!]), id);
  });

  it('of two ids is SHA-256(0x01 ‖ leaf0 ‖ leaf1)', () => {
    const [a, b] = ids(2) as [string, string];
    const leaf = (id: string) => sha256(concatBytes(Uint8Array.of(0), fromHex(id)));
    assert.equal(merkleRoot([a, b]), toHex(sha256(concatBytes(Uint8Array.of(1), leaf(a), leaf(b)))));
    assert.notEqual(merkleRoot([a, b]), merkleRoot([b, a]));
  });

  it('matches the recursive RFC 6962 definition for every size from 0 to 70', () => {
    const all = ids(70);
    for (let n = 0; n <= 70; n++) {
      const some = all.slice(0, n);
      assert.equal(merkleRoot(some), toHex(mth(some.map(fromHex))), `${n} leaves`);
    }
  });

  it('no odd-node duplication (CVE-2012-2459): [a, b, c] and [a, b, c, c] have different roots', () => {
    for (const n of [3, 5, 7, 9, 13]) {
      const some = ids(n);
      assert.notEqual(merkleRoot(some), merkleRoot([...some, some[n - 1]!]));
    }
    const [a, b] = ids(2) as [string, string];
    assert.notEqual(merkleRoot([a, b]), merkleRoot([a, b, b]));
  });

  it('an inner node cannot pass for a leaf: root of [x, y] ≠ root of [H(leaf x ‖ leaf y)]', () => {
    const [x, y] = ids(2) as [string, string];
    const root = merkleRoot([x, y]);
    assert.notEqual(merkleRoot([root]), root);
  });
});

describe('merkle proofs', () => {
  it('match the recursive RFC 6962 PATH for every leaf of trees of 1 to 40 leaves', () => {
    const all = ids(40);
    for (let n = 1; n <= 40; n++) {
      const some = all.slice(0, n);
      const leaves = some.map(fromHex);
      for (let m = 0; m < n; m++) {
        const proof = merkleProof(some, m);
        assert.equal(proof.index, m);
        assert.equal(proof.size, n);
        assert.deepEqual(proof.path, path(m, leaves).map(toHex), `${m} of ${n}`);
      }
    }
  });

  it('merkleProof throws RangeError for an index outside the tree', () => {
    const some = ids(3);
    for (const index of [-1, 3, 1.5, Number.NaN]) assert.throws(() => merkleProof(some, index), RangeError);
    assert.throws(() => merkleProof([], 0), RangeError);
  });

  it('property: in random trees of 1–300 leaves every proof verifies; a wrong id, index or root fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.string({ maxLength: 8 }),
        fc.nat(),
        (n, salt, pick) => {
          const leaves = Array.from({ length: n }, (_, i) => sha256Hex(`${salt}/${i}`));
          const root = merkleRoot(leaves);
          const other = sha256Hex(`${salt}/other`);
          for (let index = 0; index < n; index++) {
            const proof = merkleProof(leaves, index);
            assert.equal(verifyMerkleProof(leaves[index]!, proof, root), true);
            // Checking every wrong variant for every leaf is quadratic: do it for some leaves.
            if (index % 17 !== pick % 17 && index !== n - 1) continue;
            assert.equal(verifyMerkleProof(other, proof, root), false);
            assert.equal(verifyMerkleProof(leaves[index]!, proof, other), false);
            if (n > 1) {
              const wrong = (index + 1 + (pick % (n - 1))) % n;
              assert.notEqual(wrong, index);
              assert.equal(verifyMerkleProof(leaves[index]!, { ...proof, index: wrong }, root), false);
              assert.equal(verifyMerkleProof(leaves[wrong]!, proof, root), false);
            }
            assert.equal(verifyMerkleProof(leaves[index]!, { ...proof, size: index }, root), false);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a proof with a changed, missing or extra path element fails', () => {
    const some = ids(13);
    const root = merkleRoot(some);
    for (let index = 0; index < 13; index++) {
      const proof = merkleProof(some, index);
      const id = some[index]!;
      for (let i = 0; i < proof.path.length; i++) {
        const changed = [...proof.path];
        changed[i] = sha256Hex('changed');
        assert.equal(verifyMerkleProof(id, { ...proof, path: changed }, root), false);
      }
      assert.equal(verifyMerkleProof(id, { ...proof, path: proof.path.slice(0, -1) }, root), false);
      assert.equal(verifyMerkleProof(id, { ...proof, path: [...proof.path, root] }, root), false);
    }
  });

  it('malformed inputs are rejected, not thrown', () => {
    const some = ids(4);
    const root = merkleRoot(some);
    const proof = merkleProof(some, 1);
    const id = some[1]!;
    const bad: [string, MerkleProof, string][] = [
      [id.toUpperCase(), proof, root],
      [id, proof, root.toUpperCase()],
      [id.slice(2), proof, root],
      [id, { ...proof, index: -1 }, root],
      [id, { ...proof, index: 4 }, root],
      [id, { ...proof, index: 1.5 }, root],
      [id, { ...proof, size: 0 }, root],
      [id, { ...proof, size: Number.POSITIVE_INFINITY }, root],
      [id, { ...proof, path: ['zz'] }, root],
      [id, { ...proof, path: [proof.path[0]!.toUpperCase(), proof.path[1]!] }, root],
    ];
    for (const [leaf, p, r] of bad) assert.equal(verifyMerkleProof(leaf, p, r), false, JSON.stringify(p));
    assert.equal(verifyMerkleProof(id, proof, root), true);
  });

  it('the size is not authenticated by the proof: the verifier must know it (RFC 9162 §2.1.3.2)', () => {
    // Leaf 0 of 5 has the same path shape as leaf 0 of 6, 7 or 8: the proof verifies with those
    // sizes too. The root itself does commit to the size (another size gives another root).
    const some = ids(5);
    const root = merkleRoot(some);
    const proof = merkleProof(some, 0);
    assert.equal(verifyMerkleProof(some[0]!, { ...proof, size: 8 }, root), true);
    assert.equal(verifyMerkleProof(some[0]!, { ...proof, size: 9 }, root), false);
    assert.equal(verifyMerkleProof(some[0]!, { ...proof, size: 4 }, root), false);
    assert.notEqual(merkleRoot(ids(6)), root);
  });

  it('a single-leaf tree has an empty path', () => {
    const [id] = ids(1) as [string];
    const proof = merkleProof([id], 0);
    assert.deepEqual(proof.path, []);
    assert.equal(verifyMerkleProof(id, proof, merkleRoot([id])), true);
    assert.equal(verifyMerkleProof(id, proof, id), false);
  });
});

describe('merkle proofs from the 64-leaf subtree level', () => {
  /** The proof of leaf `index` from its subtree's ids and the level, as the node builds it. */
  const fromSubtrees = (all: readonly string[], level: Uint8Array, index: number): MerkleProof => {
    const first = index - (index % MERKLE_SUBTREE_LEAVES);
    const { proof, root } = merkleProofFromSubtrees(
      all.slice(first, first + MERKLE_SUBTREE_LEAVES),
      level,
      index,
      all.length,
    );
    assert.equal(root, merkleRoot(all), `root reached from leaf ${index}`);
    return proof;
  };

  it('the level is the RFC 6962 root of each aligned run of 64 leaves (the last one shorter), and comes with the root', () => {
    for (const n of [0, 1, 2, 63, 64, 65, 127, 128, 129, 200]) {
      const all = ids(n);
      const level = merkleSubtreeLevel(all);
      const expected: string[] = [];
      for (let first = 0; first < n; first += 64) expected.push(merkleRoot(all.slice(first, first + 64)));
      assert.equal(level.length, expected.length * 32, `size ${n}`);
      assert.deepEqual(merkleRootAndSubtrees(all), { root: merkleRoot(all), subtrees: level }, `size ${n}`);
      assert.deepEqual(
        Array.from({ length: expected.length }, (_, i) => toHex(level.subarray(i * 32, i * 32 + 32))),
        expected,
        `size ${n}`,
      );
    }
  });

  it('equal merkleProof for every leaf of trees of 1, 2, 63, 64, 65, 127, 128, 129 and 200 leaves, and verify', () => {
    for (const n of [1, 2, 63, 64, 65, 127, 128, 129, 200]) {
      const all = ids(n);
      const level = merkleSubtreeLevel(all);
      const root = merkleRoot(all);
      for (let index = 0; index < n; index++) {
        const proof = fromSubtrees(all, level, index);
        assert.deepEqual(proof, merkleProof(all, index), `leaf ${index} of ${n}`);
        assert.ok(verifyMerkleProof(all[index]!, proof, root));
      }
    }
  });

  it('equal merkleProof for a sample of leaves of a 5,000-leaf tree, every subtree boundary included', () => {
    const all = ids(5000);
    const level = merkleSubtreeLevel(all);
    const root = merkleRoot(all);
    const sample = [0, 1, 63, 64, 65, 127, 128, 2047, 2048, 4095, 4096, 4927, 4928, 4929, 4998, 4999];
    for (let i = 0; i < 40; i++) sample.push((i * 7919) % 5000);
    for (const index of sample) {
      const proof = fromSubtrees(all, level, index);
      assert.deepEqual(proof, merkleProof(all, index), `leaf ${index}`);
      assert.ok(verifyMerkleProof(all[index]!, proof, root));
    }
  });

  it('needs no level for trees of at most 64 leaves', () => {
    const all = ids(50);
    assert.deepEqual(merkleProofFromSubtrees(all, new Uint8Array(), 17, 50), {
      proof: merkleProof(all, 17),
      root: merkleRoot(all),
    });
  });

  it('reach another root when a sibling subtree root is wrong, and the right one when only its own is', () => {
    const all = ids(300);
    const level = merkleSubtreeLevel(all);
    const root = merkleRoot(all);
    const wrong = (subtree: number) => {
      const copy = level.slice();
      copy.set([copy[subtree * 32]! ^ 1], subtree * 32);
      return copy;
    };
    const leaf = 70; // subtree 1
    const subtreeIds = all.slice(64, 128);
    assert.notEqual(merkleProofFromSubtrees(subtreeIds, wrong(0), leaf, 300).root, root);
    assert.notEqual(merkleProofFromSubtrees(subtreeIds, wrong(4), leaf, 300).root, root);
    const ownWrong = merkleProofFromSubtrees(subtreeIds, wrong(1), leaf, 300);
    assert.equal(ownWrong.root, root);
    assert.deepEqual(ownWrong.proof, merkleProof(all, leaf));
  });

  it('throws RangeError for an index outside the tree, a subtree of the wrong size or a level of the wrong size', () => {
    const all = ids(130);
    const level = merkleSubtreeLevel(all);
    assert.throws(() => merkleProofFromSubtrees(all.slice(128), level, 130, 130), RangeError);
    assert.throws(() => merkleProofFromSubtrees(all.slice(128), level, -1, 130), RangeError);
    assert.throws(() => merkleProofFromSubtrees(all.slice(0, 63), level, 5, 130), RangeError);
    assert.throws(() => merkleProofFromSubtrees(all.slice(128, 129), level, 128, 130), RangeError);
    assert.throws(() => merkleProofFromSubtrees(all.slice(0, 64), level.subarray(32), 5, 130), RangeError);
  });
});
