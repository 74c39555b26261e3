import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBits } from '#core/compact.ts';
import { nobleCrypto } from '#core/crypto-noble.ts';
import { grindNonce } from '#core/grind.ts';
import { merkleProof, merkleRoot } from '#core/merkle.ts';
import { REGTEST } from '#core/params.ts';
import { postId, signPost } from '#core/post.ts';
import { checkInclusion, checkPost, type HeaderFields } from '../../web/src/lib/verify.ts';

const privateKey = new Uint8Array(32).fill(7);

function block(ids: string[]): HeaderFields {
  const header = {
    version: 1,
    index: 5,
    previous_hash: 'ab'.repeat(32),
    merkle_root: merkleRoot(ids),
    timestamp: 1_700_000_000,
    bits: REGTEST.powLimitBits,
    nonce: 0,
  };
  const solved = grindNonce(header, decodeBits(header.bits)!);
  assert.ok(solved.found);
  const { index, ...rest } = header;
  return { ...rest, nonce: solved.nonce, height: index, hash: solved.hash };
}

describe("web verify: the post page's checks in the browser", () => {
  const post = signPost(
    { author: 'Alice', content: 'hello', timestamp: 1_700_000_000 },
    privateKey,
    nobleCrypto,
  );
  const id = postId(post, nobleCrypto);

  it('accepts a signed post whose id and signature are right', () => {
    const checks = checkPost(id, post, nobleCrypto);
    assert.deepEqual(
      checks.map((c) => [c.name, c.ok]),
      [
        ['Post id', true],
        ['Signature', true],
      ],
    );
  });

  it('catches a changed content and a wrong signature', () => {
    const edited = checkPost(id, { ...post, content: 'hacked' }, nobleCrypto);
    assert.equal(edited.find((c) => c.name === 'Post id')!.ok, false);
    assert.equal(edited.find((c) => c.name === 'Signature')!.ok, false);
    const badSig = checkPost(id, { ...post, signature: '00'.repeat(64) }, nobleCrypto);
    assert.equal(badSig.find((c) => c.name === 'Signature')!.ok, false);
  });

  it('has no signature check for an unsigned post', () => {
    const unsigned = { author: 'Bob', content: 'hi', timestamp: 1 };
    const checks = checkPost(postId(unsigned, nobleCrypto), unsigned, nobleCrypto);
    assert.deepEqual(
      checks.map((c) => c.name),
      ['Post id'],
    );
  });

  it('checks a merkle proof against the block root, the header hash and the proof of work', () => {
    const ids = [id, 'cd'.repeat(32), 'ef'.repeat(32)];
    const header = block(ids);
    const proof = merkleProof(ids, 0);
    const checks = checkInclusion(id, proof, header.merkle_root, header);
    assert.ok(
      checks.every((c) => c.ok),
      JSON.stringify(checks),
    );
    const wrongLeaf = checkInclusion('cd'.repeat(32), proof, header.merkle_root, header);
    assert.equal(wrongLeaf.find((c) => c.name === 'Merkle proof')!.ok, false);
    const forged = checkInclusion(id, proof, header.merkle_root, { ...header, nonce: header.nonce + 1 });
    assert.equal(forged.find((c) => c.name === 'Block header')!.ok, false);
    const otherRoot = checkInclusion(id, proof, 'aa'.repeat(32), header);
    assert.equal(otherRoot.find((c) => c.name === 'Merkle proof')!.ok, false);
  });
});
