import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { toHex } from '#core/bytes.ts';
import { ErrorCode } from '#core/errors.ts';
import { isAcceptablePubkey, parsePost, signPost, validatePost } from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { PORTS, testKey } from '../helpers/core.ts';

const T = 1795392000;
const Point = ed25519.Point;

/** The 8 points of the torsion subgroup, found by noble (independent of core's table). */
function smallOrderEncodings(): string[] {
  const generator = Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
  const out = new Set<string>();
  let point = Point.ZERO;
  for (let i = 0; i < 8; i++) {
    assert.ok(point.isSmallOrder());
    out.add(point.toHex());
    point = point.add(generator);
  }
  return [...out];
}

/** `y` (little-endian, 255 bits) as 32 bytes of hex with the sign bit `sign`. */
function encodeY(y: bigint, sign: 0 | 1): string {
  const bytes = new Uint8Array(32);
  let n = y;
  for (let i = 0; i < 32; i++) {
    bytes[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  bytes[31]! |= sign << 7;
  return toHex(bytes);
}

const P = 2n ** 255n - 19n;

describe('post pubkey rule: small-order and non-canonical keys are refused (PROTOCOL §2.1 step 10)', () => {
  it('every small-order point is refused, and the forged "signature" of the neutral key no longer passes', () => {
    const encodings = smallOrderEncodings();
    assert.equal(encodings.length, 8);
    for (const pubkey of encodings) assert.equal(isAcceptablePubkey(pubkey), false, pubkey);
    for (const [, crypto] of PORTS) {
      const forged = {
        author: 'alice',
        content: 'anyone can write this',
        timestamp: T,
        pubkey: `01${'00'.repeat(31)}`,
        signature: `01${'00'.repeat(63)}`,
      };
      const verdict = validatePost(forged, crypto);
      assert.equal(verdict.ok, false);
      assert.equal(verdict.ok ? undefined : verdict.code, ErrorCode.POST_BAD_PUBKEY);
    }
  });

  it('y ≥ p and x = 0 with the sign bit set are refused; noble agrees they are not canonical', () => {
    const bad = [
      ...Array.from({ length: 19 }, (_, i) => encodeY(P + BigInt(i), 0)),
      ...Array.from({ length: 19 }, (_, i) => encodeY(P + BigInt(i), 1)),
      encodeY(1n, 1),
      encodeY(P - 1n, 1),
    ];
    for (const pubkey of bad) {
      assert.equal(isAcceptablePubkey(pubkey), false, pubkey);
      assert.throws(() => Point.fromHex(pubkey));
      const parsed = parsePost({
        author: 'a',
        content: 'b',
        timestamp: T,
        pubkey,
        signature: '00'.repeat(64),
      });
      assert.equal(parsed.ok ? undefined : parsed.code, ErrorCode.POST_BAD_PUBKEY);
    }
  });

  it('real keys are accepted, and a signed post still validates', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const pubkey = toHex(nodeCrypto.publicKey(seed));
        assert.equal(isAcceptablePubkey(pubkey), true);
      }),
      { numRuns: 200 },
    );
    const post = signPost({ author: 'alice', content: 'hello', timestamp: T }, testKey('alice'), nodeCrypto);
    assert.equal(validatePost(post, nodeCrypto).ok, true);
  });

  it('near the edges: y = p − 1 with sign 0 (a small-order point) is refused, y = p − 2 is not', () => {
    assert.equal(isAcceptablePubkey(encodeY(P - 1n, 0)), false);
    assert.equal(isAcceptablePubkey(encodeY(P - 2n, 0)), true);
  });
});
