import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { headerOf, validateBlockStateless } from '#core/block.ts';
import { bigIntToHex256, concatBytes, fromHex, toHex, utf8 } from '#core/bytes.ts';
import { decodeBits } from '#core/compact.ts';
import { ErrorCode } from '#core/errors.ts';
import { decodeHeader, encodeHeader, HEADER_SIZE, HeaderHasher, headerHash } from '#core/header.ts';
import { merkleProof, merkleRoot, verifyMerkleProof } from '#core/merkle.ts';
import { NETWORKS, type NetworkName } from '#core/params.ts';
import { canonicalPost, type Post, parsePost, postId, unsignedPart, validatePost } from '#core/post.ts';
import { meetsTarget } from '#core/pow.ts';
import {
  blockCases,
  generateVectors,
  postCases,
  VALID,
  VectorDisagreement,
} from '../../scripts/generate-vectors.ts';
import { PORTS, sha256Hex } from '../helpers/core.ts';
import { referenceCanonicalJson } from '../helpers/jcs-reference.ts';
import { referenceMerklePath, referenceMerkleRoot } from '../helpers/merkle-reference.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function load<T>(name: string): T[] {
  return (JSON.parse(readFileSync(join(ROOT, 'test', 'vectors', name), 'utf8')) as { vectors: T[] }).vectors;
}

interface PostVector {
  description: string;
  post: unknown;
  canonical: string | null;
  id: string | null;
  valid: boolean;
  error?: string;
}
interface MerkleVector {
  description: string;
  leaves: string[];
  root: string;
  proofs: { index: number; path: string[] }[];
}
interface BlockVector {
  description: string;
  network: NetworkName;
  block: unknown;
  header_hex: string | null;
  hash: string | null;
  merkle_root: string | null;
  target: string | null;
  valid: boolean;
  error?: string;
}

const posts = load<PostVector>('posts.json');
const merkle = load<MerkleVector>('merkle.json');
const blocks = load<BlockVector>('blocks.json');

describe('test vectors: files', () => {
  it('regenerating the vectors gives byte-identical files', () => {
    const generated = generateVectors();
    assert.equal(generated.size, 3);
    for (const [path, text] of generated) {
      assert.ok(readFileSync(join(ROOT, path), 'utf8') === text, `${path} differs from generate-vectors.ts`);
    }
  });

  it('every case of the tables states its verdict by hand; the files record exactly those', () => {
    const tablePosts = postCases();
    const tableBlocks = blockCases();
    assert.deepEqual(
      posts.map((v) => [v.description, v.valid ? VALID : v.error]),
      tablePosts.map((c) => [c.description, c.expected]),
    );
    assert.deepEqual(
      blocks.map((v) => [v.description, v.valid ? VALID : v.error]),
      tableBlocks.map((c) => [c.description, c.expected]),
    );
  });

  it('generation fails, naming the case, when the implementation disagrees with a stated verdict', () => {
    const tablePosts = postCases();
    const tableBlocks = blockCases();
    const wrongPost = tablePosts.findIndex((c) => c.description === 'empty author');
    const wrongBlock = tableBlocks.findIndex((c) => c.description === 'regtest block 1: no posts');
    const alteredPosts = tablePosts.map((c, i) =>
      i === wrongPost ? { ...c, expected: ErrorCode.POST_BAD_CONTENT } : c,
    );
    const alteredBlocks = tableBlocks.map((c, i) =>
      i === wrongBlock ? { ...c, expected: ErrorCode.BLOCK_BAD_POW } : c,
    );
    assert.throws(
      () => generateVectors({ posts: alteredPosts, blocks: alteredBlocks }),
      (error: unknown) => {
        assert.ok(error instanceof VectorDisagreement);
        assert.deepEqual(error.disagreements, [
          'posts.json "empty author": expected POST_BAD_CONTENT, the implementation says POST_BAD_AUTHOR ' +
            '(author must be a non-blank string without control characters)',
          'blocks.json "regtest block 1: no posts": expected BLOCK_BAD_POW, the implementation says valid',
        ]);
        return true;
      },
    );
    // A table with a wrong verdict never reaches the files: the next run starts clean.
    assert.equal(generateVectors().size, 3);
  });
});

describe('test vectors: posts', () => {
  it('cover every post form error and POST_BAD_SIGNATURE, and valid posts', () => {
    const codes = new Set(posts.map((v) => v.error));
    for (const code of [
      ErrorCode.POST_NOT_OBJECT,
      ErrorCode.POST_UNKNOWN_FIELD,
      ErrorCode.POST_MISSING_FIELD,
      ErrorCode.POST_BAD_AUTHOR,
      ErrorCode.POST_AUTHOR_TOO_LONG,
      ErrorCode.POST_BAD_CONTENT,
      ErrorCode.POST_CONTENT_TOO_LONG,
      ErrorCode.POST_BAD_TIMESTAMP,
      ErrorCode.POST_BAD_PUBKEY,
      ErrorCode.POST_BAD_REPLY_TO,
      ErrorCode.POST_BAD_SIGNATURE_ENCODING,
      ErrorCode.POST_INCOMPLETE_SIGNATURE,
      ErrorCode.POST_BAD_SIGNATURE,
    ]) {
      assert.ok(codes.has(code), `no vector for ${code}`);
    }
    assert.ok(posts.filter((v) => v.valid).length >= 10);
    for (const v of posts) assert.equal(v.valid, v.error === undefined, v.description);
  });

  for (const [name, crypto] of PORTS) {
    it(`${name}: validatePost gives every vector's verdict, canonical form and id`, () => {
      for (const v of posts) {
        const result = validatePost(v.post, crypto);
        assert.equal(result.ok, v.valid, v.description);
        if (!result.ok) assert.equal(result.code, v.error, v.description);
        const parsed = parsePost(v.post);
        assert.equal(parsed.ok, v.canonical !== null, `${v.description}: form check`);
        if (parsed.ok) {
          assert.equal(canonicalPost(parsed.value), v.canonical, v.description);
          assert.equal(postId(parsed.value, crypto), v.id, v.description);
          assert.equal(toHex(crypto.sha256(utf8(v.canonical!))), v.id, v.description);
          if (result.ok) assert.equal(result.value.id, v.id);
        } else {
          assert.equal(v.id, null);
          assert.equal(parsed.code, v.error, v.description);
        }
      }
    });

    it(`${name}: the signature of every signed vector verifies over the raw id bytes, or not, as stated`, () => {
      let signed = 0;
      for (const v of posts) {
        if (v.id === null) continue;
        const post = v.post as Post;
        if (post.signature === undefined) continue;
        signed++;
        const ok = crypto.verify(fromHex(post.signature), fromHex(v.id), fromHex(post.pubkey!));
        assert.equal(ok, v.valid, v.description);
      }
      assert.ok(signed >= 8);
    });
  }

  it('the canonical form excludes the signature and does not depend on key order', () => {
    const byCanonical = new Map<string, PostVector[]>();
    for (const v of posts) {
      if (v.valid) byCanonical.set(v.canonical!, [...(byCanonical.get(v.canonical!) ?? []), v]);
    }
    const shared = [...byCanonical.values()].filter((group) => group.length > 1);
    assert.equal(shared.length, 1);
    const [a, b] = shared[0]!;
    assert.notEqual(JSON.stringify(a!.post), JSON.stringify(b!.post));
    assert.equal(a!.id, b!.id);
    assert.ok(!a!.canonical!.includes('signature'));
  });

  it('canonical forms are RFC 8785: sorted keys, no whitespace, ECMAScript numbers', () => {
    for (const v of posts) {
      if (v.canonical === null) continue;
      const parsed = JSON.parse(v.canonical) as Record<string, unknown>;
      const keys = Object.keys(parsed);
      assert.deepEqual(keys, [...keys].sort());
      assert.equal(JSON.stringify(parsed), v.canonical);
    }
    const tiny = posts.find((v) => v.description.includes('1e-7'))!;
    assert.ok(tiny.canonical!.endsWith('"timestamp":1e-7}'));
  });
});

/** RFC 6962 §2.1 Merkle Tree Hash, written recursively from the definition, on node:crypto. */
function referenceMth(leaves: readonly Uint8Array[], sha256: (data: Uint8Array) => Uint8Array): Uint8Array {
  if (leaves.length === 0) return sha256(new Uint8Array());
  if (leaves.length === 1) return sha256(concatBytes(Uint8Array.of(0), leaves[0]!));
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(
    concatBytes(
      Uint8Array.of(1),
      referenceMth(leaves.slice(0, k), sha256),
      referenceMth(leaves.slice(k), sha256),
    ),
  );
}

describe('test vectors: independent references', () => {
  it('every canonical form is the reference RFC 8785 serialisation of the post without signature', () => {
    for (const v of posts) {
      if (v.canonical === null) continue;
      assert.equal(referenceCanonicalJson(unsignedPart(v.post as Post)), v.canonical, v.description);
    }
  });

  it("every merkle root and path is RFC 6962's, computed top-down", () => {
    for (const v of merkle) {
      assert.equal(referenceMerkleRoot(v.leaves), v.root, v.description);
      for (const { index, path } of v.proofs) assert.deepEqual(referenceMerklePath(v.leaves, index), path);
    }
  });
});

describe('test vectors: merkle', () => {
  it('cover 0, 1, 2, 3, 5, 8 and 13 leaves, leaf i being SHA-256("leaf-<i>")', () => {
    assert.deepEqual(
      merkle.map((v) => v.leaves.length),
      [0, 1, 2, 3, 5, 8, 13],
    );
    for (const v of merkle) {
      v.leaves.forEach((leaf, i) => {
        assert.equal(leaf, sha256Hex(`leaf-${i}`));
      });
      assert.equal(v.proofs.length, v.leaves.length);
    }
  });

  for (const [name, crypto] of PORTS) {
    it(`${name}: roots agree with merkleRoot and with a recursive RFC 6962 reference`, () => {
      for (const v of merkle) {
        assert.equal(merkleRoot(v.leaves), v.root, v.description);
        assert.equal(toHex(referenceMth(v.leaves.map(fromHex), crypto.sha256)), v.root, v.description);
      }
    });
  }

  it('every proof is merkleProof, verifies, and fails for another leaf, index or root', () => {
    for (const v of merkle) {
      const size = v.leaves.length;
      for (const { index, path } of v.proofs) {
        assert.deepEqual(merkleProof(v.leaves, index).path, path);
        const proof = { index, size, path };
        assert.equal(verifyMerkleProof(v.leaves[index]!, proof, v.root), true);
        if (size > 1) {
          const other = v.leaves[(index + 1) % size]!;
          assert.equal(verifyMerkleProof(other, proof, v.root), false);
          assert.equal(
            verifyMerkleProof(v.leaves[index]!, { ...proof, index: (index + 1) % size }, v.root),
            false,
          );
        }
        assert.equal(verifyMerkleProof(v.leaves[index]!, proof, sha256Hex('not the root')), false);
      }
    }
  });
});

describe('test vectors: blocks', () => {
  it('cover every error validateBlockStateless can give in a vector', () => {
    const codes = new Set(blocks.map((v) => v.error));
    for (const code of [
      ErrorCode.BLOCK_NOT_OBJECT,
      ErrorCode.BLOCK_UNKNOWN_FIELD,
      ErrorCode.BLOCK_MISSING_FIELD,
      ErrorCode.BLOCK_BAD_FIELD,
      ErrorCode.BLOCK_BAD_VERSION,
      ErrorCode.BLOCK_BAD_BITS,
      ErrorCode.BLOCK_BAD_HASH,
      ErrorCode.BLOCK_BAD_POW,
      ErrorCode.BLOCK_BAD_MERKLE_ROOT,
      ErrorCode.BLOCK_DUPLICATE_POST,
      ErrorCode.BLOCK_TOO_MANY_POSTS,
      ErrorCode.POST_BAD_SIGNATURE,
      ErrorCode.POST_BAD_AUTHOR,
    ]) {
      assert.ok(codes.has(code), `no vector for ${code}`);
    }
    // The valid vectors include both genesis blocks and blocks of 0, 1 and 3 posts.
    const valid = blocks.filter((v) => v.valid);
    for (const params of Object.values(NETWORKS)) {
      assert.ok(valid.some((v) => (v.block as { hash: string }).hash === params.genesisHash));
    }
    const sizes = valid.map((v) => (v.block as { transactions: unknown[] }).transactions.length);
    for (const n of [0, 1, 3]) assert.ok(sizes.includes(n), `no valid block of ${n} posts`);
  });

  for (const [name, crypto] of PORTS) {
    it(`${name}: validateBlockStateless gives every vector's verdict`, () => {
      for (const v of blocks) {
        const result = validateBlockStateless(v.block, NETWORKS[v.network], crypto);
        assert.equal(result.ok, v.valid, v.description);
        if (!result.ok) assert.equal(result.code, v.error, `${v.description}: ${result.message}`);
        else {
          assert.equal(bigIntToHex256(result.value.target), v.target);
          assert.equal(merkleRoot(result.value.ids), v.merkle_root);
        }
      }
    });

    it(`${name}: header encoding, hash, merkle root and target of every vector`, () => {
      for (const v of blocks) {
        const block = v.block as Record<string, unknown> & { transactions?: unknown };
        if (v.header_hex !== null) {
          const header = headerOf(block as never);
          const bytes = encodeHeader(header);
          assert.equal(bytes.length, HEADER_SIZE);
          assert.equal(toHex(bytes), v.header_hex, v.description);
          assert.deepEqual(decodeHeader(fromHex(v.header_hex)), header);
          assert.equal(headerHash(header), v.hash);
          assert.equal(toHex(crypto.sha256(bytes)), v.hash, v.description);
          const hasher = new HeaderHasher(header);
          hasher.hashWith(header.nonce);
          assert.equal(hasher.digestHex(), v.hash);
        } else {
          assert.equal(v.hash, null);
          assert.equal(v.valid, false);
        }
        if (v.target !== null) {
          assert.equal(bigIntToHex256(decodeBits(block.bits as number)!), v.target);
        } else if (typeof block === 'object' && block !== null && typeof block.bits === 'number') {
          assert.equal(decodeBits(block.bits), undefined);
        }
        if (v.merkle_root !== null) {
          const ids = (block.transactions as Post[]).map((post) => postId(post, crypto));
          assert.equal(merkleRoot(ids), v.merkle_root, v.description);
        }
        if (v.valid) {
          assert.equal(block.hash, v.hash);
          assert.equal(block.merkle_root, v.merkle_root);
          assert.ok(meetsTarget(v.hash!, BigInt(`0x${v.target}`)));
        }
      }
    });
  }

  it('every invalid block with a proper header, except BAD_HASH and BAD_POW ones, is mined and self-consistent', () => {
    // So that each vector shows one defect: the claimed hash is the true one and meets the target.
    for (const v of blocks) {
      if (v.valid || v.hash === null || v.target === null) continue;
      const block = v.block as { hash?: unknown; merkle_root?: unknown };
      if (v.error === ErrorCode.BLOCK_BAD_HASH) {
        assert.notEqual(block.hash, v.hash);
        continue;
      }
      if (block.hash !== undefined && typeof block.hash === 'string')
        assert.equal(block.hash, v.hash, v.description);
      const meets = meetsTarget(v.hash, BigInt(`0x${v.target}`));
      assert.equal(meets, v.error !== ErrorCode.BLOCK_BAD_POW, v.description);
      if (v.merkle_root !== null && v.error !== ErrorCode.BLOCK_BAD_MERKLE_ROOT) {
        if (v.error === ErrorCode.BLOCK_DUPLICATE_POST && v.description.includes('repeated')) continue;
        assert.equal(block.merkle_root, v.merkle_root, v.description);
      }
    }
  });
});
