/** The worked examples of docs/PROTOCOL.md §2.3 and §10.2–10.5, checked against the library on both crypto ports. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Block, headerOf, validateBlockStateless } from '#core/block.ts';
import { bigIntToHex256, fromHex, toHex, utf8 } from '#core/bytes.ts';
import { decodeBits } from '#core/compact.ts';
import { validateBodyContext, validateHeaderContext } from '#core/contextual.ts';
import { ErrorCode } from '#core/errors.ts';
import { encodeHeader, headerHash } from '#core/header.ts';
import { merkleProof, merkleRoot, verifyMerkleProof } from '#core/merkle.ts';
import { REGTEST } from '#core/params.ts';
import { canonicalPost, type Post, postId, postSize, signPost, validatePost } from '#core/post.ts';
import { PORTS, sha256Hex } from '../helpers/core.ts';

const UNSIGNED_INPUT = JSON.parse(
  '{ "timestamp": 1795392000.250, "content": "Hello, YourNet!\\nSecond line: \\"quoted\\" and café ☕", "author": "alice" }',
) as Post;
const UNSIGNED_ID = '0991aace7a6984745d7fb3ff0191bdba756906e1be5face3efde3e9655ec74cc';
const SEED = new Uint8Array(32).fill(1);
const PUBKEY = '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c';
const SIGNED_ID = 'e82c167c83e887b50a649851d2627ca16c2dee198945aff784667ade0e5835a2';
const SIGNATURE =
  '38690c3fc8c64624bd013ca557367447683700c6c2f192b93d07488dcfcc8bac2ea44b16696549b728a87c71b904a7dd5e8f05a7043db5b3edd90da9f4b5fa0e';

describe('PROTOCOL.md worked examples', () => {
  for (const [name, port] of PORTS) {
    it(`${name}: §10.2 an unsigned post`, () => {
      const canonical = canonicalPost(UNSIGNED_INPUT);
      assert.equal(
        canonical,
        '{"author":"alice","content":"Hello, YourNet!\\nSecond line: \\"quoted\\" and café ☕","timestamp":1795392000.25}',
      );
      assert.equal(utf8(canonical).length, 111);
      assert.equal(postId(UNSIGNED_INPUT, port), UNSIGNED_ID);
      assert.ok(validatePost(UNSIGNED_INPUT, port).ok);
    });

    it(`${name}: §10.3 a signed post`, () => {
      assert.equal(toHex(port.publicKey(SEED)), PUBKEY);
      const unsigned = {
        author: 'bob',
        content: 'A signed post.',
        timestamp: 1795392060,
        reply_to: UNSIGNED_ID,
      };
      const signed = signPost(unsigned, SEED, port);
      assert.equal(
        canonicalPost(signed),
        `{"author":"bob","content":"A signed post.","pubkey":"${PUBKEY}","reply_to":"${UNSIGNED_ID}","timestamp":1795392060}`,
      );
      assert.equal(postId(signed, port), SIGNED_ID);
      assert.equal(signed.signature, SIGNATURE);
      assert.equal(postSize(signed), 363);
      const result = validatePost(signed, port);
      assert.ok(result.ok);
      assert.equal(result.value.id, SIGNED_ID);
    });

    it(`${name}: §2.3 a small-order key "signs" every message, so §2.1 refuses it (POST_BAD_PUBKEY)`, () => {
      const pubkey = `01${'00'.repeat(31)}`;
      const signature = `01${'00'.repeat(63)}`;
      for (const content of ['anything', 'anything else']) {
        // The verification rule alone accepts it for any message...
        assert.ok(port.verify(fromHex(signature), utf8(content), fromHex(pubkey)), content);
        // ...so the post form refuses the key before any signature is checked.
        const post = { author: 'nobody', content, timestamp: 1795392000, pubkey, signature };
        const result = validatePost(post, port);
        assert.equal(result.ok ? undefined : result.code, ErrorCode.POST_BAD_PUBKEY, content);
      }
    });
  }

  it('§10.4 the merkle tree of three ids, and of five', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'].map(sha256Hex);
    assert.equal(ids[0], 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');
    const three = ids.slice(0, 3);
    const root = merkleRoot(three);
    assert.equal(root, 'cac3d448d4e20a2ad5eae1f500e63c2a7f9217cd14572ba7fd22e26dc1ec2648');
    const leaf = [
      'a23bd5b06da9048238a65b3f1d9d0b9e15fae3dde262688e6489aa4c763d1820',
      'a0d9f0a50b35b9f7d7edc57fb64f4771ddef0fefeaca4e6f949a1514db5b136d',
      '6a3fc11b79f836bda340e75c8906e961b8adf4d6a08a2b992e3f38cd6ff38ebf',
    ];
    const n01 = 'ad5ca6cddc0b27c6a83e332bf28011769236e6c6a1f786ebf7b5267b37a5bd22';
    assert.deepEqual(merkleProof(three, 0).path, [leaf[1], leaf[2]]);
    assert.deepEqual(merkleProof(three, 1).path, [leaf[0], leaf[2]]);
    assert.deepEqual(merkleProof(three, 2).path, [n01]);
    for (let i = 0; i < 3; i++) assert.ok(verifyMerkleProof(three[i]!, merkleProof(three, i), root));

    const five = merkleRoot(ids);
    assert.equal(five, '4dc1abc938a0141a3c7cd1fed88948c35c4452e7e8aff9b1503eb5100a2c77b3');
    assert.deepEqual(merkleProof(ids, 2).path, [
      'de22f76c222682c331f7dda7349654b6a9f4f710077025e9b29130023712780f',
      n01,
      'ccfa4ba2b7ea0f00e2ab8e295f288befbfd9f316b854edaccb5bfdca87970fc6',
    ]);
    assert.deepEqual(merkleProof(ids, 4).path, [
      '3baac34fdbf4f2297a37c0613822d0c48efdcd6602ca7a4f48ceb31339ffb3d5',
    ]);
  });

  for (const [name, port] of PORTS) {
    it(`${name}: §10.5 a block header and its hash`, () => {
      const signed: Post = {
        author: 'bob',
        content: 'A signed post.',
        timestamp: 1795392060,
        reply_to: UNSIGNED_ID,
        pubkey: PUBKEY,
        signature: SIGNATURE,
      };
      const block: Block = {
        version: 1,
        index: 1,
        previous_hash: REGTEST.genesisHash,
        merkle_root: '72a70ece6f7ceb4e9e6868fa29066744440b42333b267410fd837dfde9e29f45',
        timestamp: 1795392060,
        bits: 545259519,
        nonce: 1,
        hash: '7fcb2ae989aa86fc1bf7c90c335f2ca6841f66a7bc14b4bc2f5baf9dc326dab3',
        transactions: [UNSIGNED_INPUT, signed],
      };
      assert.equal(merkleRoot([UNSIGNED_ID, SIGNED_ID]), block.merkle_root);
      assert.equal(
        toHex(encodeHeader(block)),
        '00000001000000011ee56b5e654877b8de5861117bd52d346333f48b9b6cfa2d0c2d189ac8b8fa6972a70ece6f7ceb4e9e6868fa29066744440b42333b267410fd837dfde9e29f45000000006b03823c207fffff0000000000000001',
      );
      assert.equal(headerHash(block), block.hash);
      assert.equal(bigIntToHex256(decodeBits(block.bits)!), `7fffff${'0'.repeat(58)}`);
      const result = validateBlockStateless(block, REGTEST, port);
      assert.ok(result.ok, result.ok ? '' : result.message);
      assert.deepEqual(result.value.ids, [UNSIGNED_ID, SIGNED_ID]);

      const zero = { ...block, nonce: 0 };
      assert.equal(headerHash(zero), 'bce90a48200ddb33515266a18ef4a989c5d2bc20235c20f316e040c31729b5bb');
      const pow = validateBlockStateless({ ...zero, hash: headerHash(zero) }, REGTEST, port);
      assert.equal(!pow.ok && pow.code, ErrorCode.BLOCK_BAD_POW);

      const context = { parent: REGTEST.genesis, recentTimestamps: [REGTEST.genesis.timestamp] };
      assert.ok(validateHeaderContext(headerOf(block), context, REGTEST, 1795384860).ok);
      const early = validateHeaderContext(headerOf(block), context, REGTEST, 1795384859);
      assert.equal(!early.ok && early.code, ErrorCode.BLOCK_TIME_TOO_NEW);
      assert.ok(validateBodyContext(block, result.value.ids, REGTEST, () => false).ok);
    });
  }
});
