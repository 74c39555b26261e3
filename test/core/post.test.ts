import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex, utf8 } from '#core/bytes.ts';
import { canonicalJson } from '#core/canonical.ts';
import { ErrorCode } from '#core/errors.ts';
import {
  canonicalPost,
  isSigned,
  POST_LIMITS,
  type Post,
  parsePost,
  postId,
  postSize,
  signPost,
  unsignedPart,
  validatePost,
} from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { PORTS, testKey } from '../helpers/core.ts';

const T = 1795392000;
const BASE: Post = { author: 'alice', content: 'hello', timestamp: T };
const ALICE = testKey('alice');
const BOB = testKey('bob');
const ID = 'ab'.repeat(32);

function code(input: unknown): string | undefined {
  const result = parsePost(input);
  return result.ok ? undefined : result.code;
}

describe('parsePost: form rules', () => {
  it('accepts the tutorial form and returns a fresh object with only the post fields', () => {
    const input = { ...BASE };
    const result = parsePost(input);
    assert.ok(result.ok);
    assert.deepEqual(result.value, BASE);
    assert.notEqual(result.value, input);
    input.content = 'changed';
    assert.equal(result.value.content, 'hello');
    assert.deepEqual(Object.keys(result.value), ['author', 'content', 'timestamp']);
  });

  it('POST_NOT_OBJECT: anything but a plain object', () => {
    class Thing {
      author = 'a';
      content = 'b';
      timestamp = 1;
    }
    for (const input of [null, undefined, 1, 'post', true, [], [BASE], new Thing(), new Date(), new Map()]) {
      assert.equal(code(input), ErrorCode.POST_NOT_OBJECT, String(input));
    }
    // A null-prototype object is a plain object.
    assert.equal(code(Object.assign(Object.create(null), BASE)), undefined);
  });

  it('POST_UNKNOWN_FIELD: any other key, even before missing fields are reported', () => {
    assert.equal(code({ ...BASE, id: ID }), ErrorCode.POST_UNKNOWN_FIELD);
    assert.equal(code({ ...BASE, Author: 'x' }), ErrorCode.POST_UNKNOWN_FIELD);
    assert.equal(code({ extra: 1 }), ErrorCode.POST_UNKNOWN_FIELD);
    // "__proto__" as an own key, as JSON.parse creates it.
    assert.equal(
      code(JSON.parse(`{"author":"a","content":"b","timestamp":1,"__proto__":{}}`)),
      ErrorCode.POST_UNKNOWN_FIELD,
    );
  });

  it('POST_MISSING_FIELD: author, content and timestamp are required', () => {
    for (const key of ['author', 'content', 'timestamp'] as const) {
      const input: Record<string, unknown> = { ...BASE };
      delete input[key];
      assert.equal(code(input), ErrorCode.POST_MISSING_FIELD, key);
      assert.equal(code({ ...BASE, [key]: undefined }), ErrorCode.POST_MISSING_FIELD, key);
    }
    assert.equal(code({}), ErrorCode.POST_MISSING_FIELD);
  });

  it('POST_BAD_AUTHOR: non-blank string without control characters or lone surrogates', () => {
    for (const author of [
      '',
      ' ',
      '\u00a0\u2003',
      '\ufeff',
      'a\tb',
      'a\nb',
      'a\u0000',
      'a\u007f',
      'a\u009f',
      'a\ud800',
      '\udfffa',
      1,
      null,
      [],
      {},
    ]) {
      assert.equal(code({ ...BASE, author }), ErrorCode.POST_BAD_AUTHOR, JSON.stringify(author));
    }
    for (const author of ['a', ' padded ', 'Zoë', '🦊', 'a\u00a0b', 'a\u2028b']) {
      assert.equal(code({ ...BASE, author }), undefined, JSON.stringify(author));
    }
  });

  it('POST_AUTHOR_TOO_LONG: more than 64 code points (not UTF-16 units)', () => {
    assert.equal(POST_LIMITS.authorMaxChars, 64);
    assert.equal(code({ ...BASE, author: 'a'.repeat(64) }), undefined);
    assert.equal(code({ ...BASE, author: '🦊'.repeat(64) }), undefined);
    assert.equal(code({ ...BASE, author: 'a'.repeat(65) }), ErrorCode.POST_AUTHOR_TOO_LONG);
    assert.equal(code({ ...BASE, author: `${'🦊'.repeat(64)}a` }), ErrorCode.POST_AUTHOR_TOO_LONG);
  });

  it('POST_BAD_CONTENT: non-blank string; tab, LF and CR are the only control characters allowed', () => {
    for (const content of [
      '',
      ' \n\t\r ',
      'a\u0000',
      'a\u0007',
      'a\u000b',
      'a\u000c',
      'a\u001f',
      'a\u007f',
      'a\u0085',
      'a\udc00',
      5,
      null,
      ['x'],
    ]) {
      assert.equal(code({ ...BASE, content }), ErrorCode.POST_BAD_CONTENT, JSON.stringify(content));
    }
    for (const content of ['a\tb', 'a\nb', 'a\r\nb', '  x  ', '\u2028x', '🦊']) {
      assert.equal(code({ ...BASE, content }), undefined, JSON.stringify(content));
    }
  });

  it('POST_CONTENT_TOO_LONG: more than 10000 bytes of UTF-8', () => {
    assert.equal(POST_LIMITS.contentMaxBytes, 10_000);
    assert.equal(code({ ...BASE, content: 'a'.repeat(10_000) }), undefined);
    assert.equal(code({ ...BASE, content: `${'€'.repeat(3333)}a` }), undefined); // 9999 + 1 bytes
    assert.equal(code({ ...BASE, content: 'a'.repeat(10_001) }), ErrorCode.POST_CONTENT_TOO_LONG);
    assert.equal(code({ ...BASE, content: '€'.repeat(3334) }), ErrorCode.POST_CONTENT_TOO_LONG); // 10002 bytes, 3334 units
    assert.equal(code({ ...BASE, content: '🦊'.repeat(2501) }), ErrorCode.POST_CONTENT_TOO_LONG);
  });

  it('POST_BAD_TIMESTAMP: a finite number with 0 ≤ t < 1e11, not −0', () => {
    for (const timestamp of [
      -1,
      -1e-9,
      -0,
      1e11,
      1e12,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      `${T}`,
      null,
      true,
      10n,
    ]) {
      assert.equal(code({ ...BASE, timestamp }), ErrorCode.POST_BAD_TIMESTAMP, String(timestamp));
    }
    for (const timestamp of [0, 5e-324, 1e-7, T + 0.5, 99999999999, 99999999999.99998]) {
      assert.equal(code({ ...BASE, timestamp }), undefined, String(timestamp));
    }
  });

  it('POST_BAD_REPLY_TO: 64 lowercase hex characters', () => {
    assert.equal(code({ ...BASE, reply_to: ID }), undefined);
    for (const reply_to of [ID.toUpperCase(), ID.slice(1), `${ID}0`, `${ID.slice(1)}g`, '', 1, null]) {
      assert.equal(code({ ...BASE, reply_to }), ErrorCode.POST_BAD_REPLY_TO, String(reply_to));
    }
  });

  it('POST_BAD_PUBKEY and POST_BAD_SIGNATURE_ENCODING: lowercase hex of 32 and 64 bytes', () => {
    const signed = signPost(BASE, ALICE, nodeCrypto);
    for (const pubkey of [
      signed.pubkey!.toUpperCase(),
      signed.pubkey!.slice(2),
      `${signed.pubkey}00`,
      7,
      null,
    ]) {
      assert.equal(code({ ...signed, pubkey }), ErrorCode.POST_BAD_PUBKEY, String(pubkey));
    }
    for (const signature of [
      signed.signature!.toUpperCase(),
      signed.signature!.slice(2),
      `${signed.signature}00`,
      7,
      null,
    ]) {
      assert.equal(code({ ...signed, signature }), ErrorCode.POST_BAD_SIGNATURE_ENCODING, String(signature));
    }
  });

  it('POST_INCOMPLETE_SIGNATURE: pubkey and signature come together', () => {
    const signed = signPost(BASE, ALICE, nodeCrypto);
    assert.equal(code({ ...BASE, pubkey: signed.pubkey }), ErrorCode.POST_INCOMPLETE_SIGNATURE);
    assert.equal(code({ ...BASE, signature: signed.signature }), ErrorCode.POST_INCOMPLETE_SIGNATURE);
  });

  it('checks fields in a fixed order: the first failing rule gives the code', () => {
    assert.equal(code({ author: '', content: '', timestamp: -1 }), ErrorCode.POST_BAD_AUTHOR);
    assert.equal(code({ author: 'a', content: '', timestamp: -1 }), ErrorCode.POST_BAD_CONTENT);
    assert.equal(code({ author: 'a'.repeat(65), content: '', timestamp: 0 }), ErrorCode.POST_AUTHOR_TOO_LONG);
    assert.equal(code({ ...BASE, timestamp: -1, reply_to: 'x' }), ErrorCode.POST_BAD_TIMESTAMP);
    assert.equal(code({ ...BASE, reply_to: 'x', pubkey: 'x' }), ErrorCode.POST_BAD_REPLY_TO);
    assert.equal(code({ ...BASE, pubkey: 'x', signature: 'x' }), ErrorCode.POST_BAD_PUBKEY);
    assert.equal(code({ ...BASE, signature: 'x' }), ErrorCode.POST_BAD_SIGNATURE_ENCODING);
  });
});

describe('post id, signature and size', () => {
  it('the id is SHA-256 of the canonical JSON without the signature', () => {
    const signed = signPost({ ...BASE, reply_to: ID }, ALICE, nodeCrypto);
    const canonical = canonicalPost(signed);
    assert.equal(
      canonical,
      `{"author":"alice","content":"hello","pubkey":"${signed.pubkey}","reply_to":"${ID}","timestamp":${T}}`,
    );
    for (const [, port] of PORTS) {
      assert.equal(postId(signed, port), toHex(port.sha256(utf8(canonical))));
      assert.equal(postId(signed, port), postId(unsignedPart(signed), port));
    }
  });

  it('unsignedPart drops only the signature; isSigned looks at the signature', () => {
    const signed = signPost(BASE, ALICE, nodeCrypto);
    assert.deepEqual(unsignedPart(signed), { ...BASE, pubkey: signed.pubkey });
    assert.equal(isSigned(signed), true);
    assert.equal(isSigned(BASE), false);
    assert.equal(isSigned(unsignedPart(signed)), false);
  });

  for (const [name, port] of PORTS) {
    it(`${name}: signPost sets pubkey and signs the 32 raw bytes of the id`, () => {
      const signed = signPost(BASE, ALICE, port);
      assert.equal(signed.pubkey, toHex(port.publicKey(ALICE)));
      const id = postId(signed, port);
      assert.equal(port.verify(fromHex(signed.signature!), fromHex(id), fromHex(signed.pubkey!)), true);
      const result = validatePost(signed, port);
      assert.ok(result.ok);
      assert.equal(result.value.id, id);
    });

    it(`${name}: signPost replaces an existing pubkey and signature and leaves its input alone`, () => {
      const byBob = signPost(BASE, BOB, port);
      const copy = { ...byBob };
      const byAlice = signPost(byBob, ALICE, port);
      assert.deepEqual(byBob, copy);
      assert.equal(byAlice.pubkey, toHex(port.publicKey(ALICE)));
      assert.ok(validatePost(byAlice, port).ok);
    });

    it(`${name}: POST_BAD_SIGNATURE when any signed field changes or the key differs`, () => {
      const signed = signPost({ ...BASE, reply_to: ID }, ALICE, port);
      const bobKey = toHex(port.publicKey(BOB));
      const changes: Partial<Post>[] = [
        { author: 'mallory' },
        { content: 'hello!' },
        { timestamp: T + 1 },
        { reply_to: 'cd'.repeat(32) },
        { pubkey: bobKey },
        { signature: signPost(BASE, ALICE, port).signature! },
      ];
      for (const change of changes) {
        const result = validatePost({ ...signed, ...change }, port);
        assert.equal(result.ok, false, JSON.stringify(change));
        assert.equal(!result.ok && result.code, ErrorCode.POST_BAD_SIGNATURE);
      }
      const withoutReply: Record<string, unknown> = { ...signed };
      delete withoutReply.reply_to;
      const result = validatePost(withoutReply, port);
      assert.equal(!result.ok && result.code, ErrorCode.POST_BAD_SIGNATURE);
    });

    it(`${name}: a pubkey that is not a curve point is POST_BAD_SIGNATURE, not an exception`, () => {
      const signed = signPost(BASE, ALICE, port);
      // y = 2 is not the y-coordinate of a point of Ed25519.
      const notAPoint = `02${'00'.repeat(31)}`;
      const result = validatePost({ ...signed, pubkey: notAPoint }, port);
      assert.equal(!result.ok && result.code, ErrorCode.POST_BAD_SIGNATURE);
    });
  }

  it('an unsigned post validates without any signature check', () => {
    for (const [, port] of PORTS) {
      const result = validatePost(BASE, port);
      assert.ok(result.ok);
      assert.equal(result.value.id, postId(BASE, port));
    }
  });

  it('postSize is the UTF-8 size of the canonical JSON of the whole post, signature included', () => {
    const post: Post = { author: 'Zoë', content: '🦊 fox', timestamp: T };
    assert.equal(postSize(post), utf8(canonicalJson(post)).length);
    assert.equal(postSize(post), '{"author":"Zoë","content":"🦊 fox","timestamp":1795392000}'.length + 1 + 2);
    const signed = signPost(post, ALICE, nodeCrypto);
    assert.equal(postSize(signed), postSize(unsignedPart(signed)) + ',"signature":""'.length + 128);
  });
});

// ---- Properties over random posts ------------------------------------------------------------

const CONTROL = /\p{Cc}/u;
const codePoint = fc
  .integer({ min: 0x20, max: 0x10ffff })
  .filter((cp) => (cp < 0xd800 || cp > 0xdfff) && !CONTROL.test(String.fromCodePoint(cp)));
const textOf = (cp: fc.Arbitrary<number>, max: number) =>
  fc
    .array(cp, { minLength: 1, maxLength: max })
    .map((cps) => String.fromCodePoint(...cps))
    .filter((s) => s.trim() !== '');
const author = textOf(codePoint, 64);
const content = textOf(fc.oneof(codePoint, fc.constantFrom(0x09, 0x0a, 0x0d, 0x20)), 200);
const timestamp = fc
  .oneof(
    fc.integer({ min: 0, max: 99_999_999_999 }),
    fc.double({ min: 0, max: 1e11, maxExcluded: true, noNaN: true, noDefaultInfinity: true }),
  )
  .filter((t) => !Object.is(t, -0));
const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(toHex);

const postArb: fc.Arbitrary<Post> = fc
  .record(
    { author, content, timestamp, reply_to: hex32 },
    { requiredKeys: ['author', 'content', 'timestamp'], noNullPrototype: true },
  )
  .map((p) => p as Post);

/** `post` with its keys in the order given by `order` (a permutation of its keys). */
function withKeyOrder(post: Post, order: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of order) out[key] = post[key as keyof Post];
  return out;
}

const postWithOrder = postArb.chain((post) => {
  const keys = Object.keys(post);
  return fc
    .shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length })
    .map((order) => [post, order] as const);
});

describe('post properties (fast-check)', () => {
  it('random well-formed posts are valid; the canonical form parses back and ignores key order', () => {
    fc.assert(
      fc.property(postWithOrder, ([post, order]) => {
        const parsed = parsePost(post);
        assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
        const canonical = canonicalPost(post);
        assert.deepEqual(JSON.parse(canonical), { ...post });
        const shuffled = withKeyOrder(post, order);
        assert.equal(canonicalJson(shuffled), canonical);
        const reparsed = parsePost(shuffled);
        assert.ok(reparsed.ok);
        assert.equal(postId(reparsed.value, nodeCrypto), postId(post, nodeCrypto));
      }),
      { numRuns: 200 },
    );
  });

  it('random posts signed on one port validate on both, and a changed content fails on both', () => {
    fc.assert(
      fc.property(
        postArb,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.boolean(),
        (post, key, useNoble) => {
          const signer = PORTS[useNoble ? 1 : 0]![1];
          const signed = signPost(post, key, signer);
          const tampered = { ...signed, content: `${signed.content}.` };
          for (const [, port] of PORTS) {
            const ok = validatePost(signed, port);
            assert.ok(ok.ok);
            assert.equal(ok.value.id, postId(signed, nodeCrypto));
            const bad = validatePost(tampered, port);
            assert.equal(!bad.ok && bad.code, ErrorCode.POST_BAD_SIGNATURE);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('validatePost never throws, and answers with a known code, on arbitrary JSON', () => {
    const codes = new Set<string>(Object.values(ErrorCode));
    const almostPost = fc.record(
      {
        author: fc.oneof(author, fc.jsonValue()),
        content: fc.oneof(content, fc.jsonValue()),
        timestamp: fc.oneof(timestamp, fc.jsonValue()),
        pubkey: fc.oneof(hex32, fc.jsonValue()),
        signature: fc.oneof(
          hex32.map((h) => h + h),
          fc.jsonValue(),
        ),
        reply_to: fc.oneof(hex32, fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), almostPost), (input) => {
        for (const [, port] of PORTS) {
          const result = validatePost(input, port);
          if (!result.ok) assert.ok(codes.has(result.code), result.code);
        }
      }),
      { numRuns: 300 },
    );
  });
});
