import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fromHex, utf8 } from '#core/bytes.ts';
import { canonicalJson } from '#core/canonical.ts';
import { ErrorCode } from '#core/errors.ts';
import {
  badSignature,
  checkPost,
  identifyPost,
  type Post,
  parsePost,
  postId,
  postSize,
  signatureToVerify,
  signPost,
  validatePost,
  verifyPostSignature,
} from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { PORTS, testKey } from '../helpers/core.ts';

const T = 1795392000;
const HELLO: Post = { author: 'alice', content: 'hello', timestamp: T };
const ALICE = testKey('alice');
const SIGNED = signPost({ author: 'alice', content: 'signed', timestamp: T + 1 }, ALICE, nodeCrypto);

/** The size rule, written the slow way: bytes of the canonical JSON of the whole post. */
function wholeSize(post: Post): number {
  return utf8(canonicalJson(post)).length;
}

describe('checkPost: the one door for a post (form, id, size)', () => {
  it('gives the form check’s failure unchanged, code and message', () => {
    for (const input of [
      null,
      { ...HELLO, extra: 1 },
      { ...HELLO, author: '' },
      { ...SIGNED, signature: 'AB' },
    ]) {
      const checked = checkPost(input, nodeCrypto);
      const parsed = parsePost(input);
      assert.ok(!checked.ok && !parsed.ok);
      assert.deepEqual(
        { code: checked.code, message: checked.message },
        { code: parsed.code, message: parsed.message },
      );
    }
  });

  it('returns the parsed post with the id postId gives and the size postSize gives', () => {
    for (const post of [HELLO, SIGNED, { ...HELLO, reply_to: 'ab'.repeat(32) }]) {
      const checked = checkPost(post, nodeCrypto);
      assert.ok(checked.ok);
      assert.deepEqual(checked.value.post, post);
      assert.equal(checked.value.id, postId(post, nodeCrypto));
      assert.equal(checked.value.size, postSize(post));
      assert.equal(checked.value.size, wholeSize(post));
    }
  });

  it('does not check the signature: a tampered signed post passes the door, and fails the signature step', () => {
    const tampered = { ...SIGNED, content: 'tampered' };
    const checked = checkPost(tampered, nodeCrypto);
    assert.ok(checked.ok);
    const verified = verifyPostSignature(checked.value, nodeCrypto);
    assert.ok(!verified.ok);
    assert.equal(verified.code, ErrorCode.POST_BAD_SIGNATURE);
    assert.equal(verified.message, `signature does not verify for post ${checked.value.id}`);
    assert.deepEqual(verified, badSignature(checked.value.id));
    assert.deepEqual(validatePost(tampered, nodeCrypto), verified);
  });

  it('size equals the canonical JSON of the whole post for random signed and unsigned posts', () => {
    const key = new Uint8Array(32).fill(9);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
        fc.string({ maxLength: 300, unit: 'binary' }),
        fc.double({ min: 0, max: 1e10, noNaN: true }),
        fc.boolean(),
        fc.boolean(),
        (author, content, timestamp, signed, reply) => {
          const unsigned: Post = {
            author: author.replace(/\p{Cc}/gu, 'x'),
            content,
            timestamp,
            ...(reply ? { reply_to: 'ab'.repeat(32) } : {}),
          };
          const checked = checkPost(signed ? signPost(unsigned, key, nodeCrypto) : unsigned, nodeCrypto);
          fc.pre(checked.ok);
          if (!checked.ok) return;
          assert.equal(checked.value.size, wholeSize(checked.value.post));
          assert.equal(postSize(checked.value.post), checked.value.size);
          assert.deepEqual(identifyPost(checked.value.post, nodeCrypto), checked.value);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the signature step', () => {
  it('signatureToVerify: nothing for an unsigned post; the signature, the raw id bytes and the key for a signed one', () => {
    const unsigned = checkPost(HELLO, nodeCrypto);
    assert.ok(unsigned.ok);
    assert.equal(signatureToVerify(unsigned.value), undefined);
    const signed = checkPost(SIGNED, nodeCrypto);
    assert.ok(signed.ok);
    assert.deepEqual(signatureToVerify(signed.value), {
      signature: fromHex(SIGNED.signature!),
      message: fromHex(signed.value.id),
      publicKey: fromHex(SIGNED.pubkey!),
    });
  });

  for (const [name, crypto] of PORTS) {
    it(`${name}: verifyPostSignature passes unsigned posts and good signatures; validatePost = door + signature`, () => {
      for (const post of [HELLO, SIGNED]) {
        const checked = checkPost(post, crypto);
        assert.ok(checked.ok);
        assert.deepEqual(verifyPostSignature(checked.value, crypto), { ok: true, value: checked.value });
        assert.deepEqual(validatePost(post, crypto), { ok: true, value: checked.value });
      }
      const wrongKey = { ...SIGNED, signature: '00'.repeat(64) };
      const checked = checkPost(wrongKey, crypto);
      assert.ok(checked.ok);
      assert.equal(verifyPostSignature(checked.value, crypto).ok, false);
    });
  }
});
