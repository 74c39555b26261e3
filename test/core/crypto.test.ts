import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex, utf8 } from '#core/bytes.ts';
import { nobleCrypto } from '#core/crypto-noble.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { PORTS } from '../helpers/core.ts';

const Point = ed25519.Point;
type EdPoint = InstanceType<typeof Point>;
const L = Point.Fn.ORDER;
const P = 2n ** 255n - 19n;

function le(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

function leBytes(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let n = value;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** k = SHA-512(R ‖ A ‖ M) mod L, over the bytes as given (RFC 8032 §5.1.7 step 2). */
function challenge(r: Uint8Array, a: Uint8Array, message: Uint8Array): bigint {
  return le(sha512(concatBytes(r, a, message))) % L;
}

/** A signature by a "key" whose scalar we know, built by hand: S = r + k·a with any R = [r]B + T. */
function handSign(a: bigint, publicKey: Uint8Array, r: bigint, torsion: EdPoint, message: Uint8Array) {
  const R = Point.BASE.multiply(r).add(torsion).toBytes();
  const k = challenge(R, publicKey, message);
  return { signature: concatBytes(R, leBytes((r + k * a) % L)), k };
}

function bothVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const a = nodeCrypto.verify(signature, message, publicKey);
  const b = nobleCrypto.verify(signature, message, publicKey);
  assert.equal(
    b,
    a,
    `ports disagree on sig ${toHex(signature)} pk ${toHex(publicKey)}: node ${a}, noble ${b}`,
  );
  return a;
}

const TORSION = ED25519_TORSION_SUBGROUP.map((hex) => Point.fromHex(hex));
/** The torsion point of order 8. */
const T8 = TORSION.find((t) => !t.multiply(4n).is0())!;

describe('crypto ports: SHA-256', () => {
  for (const [name, port] of PORTS) {
    it(`${name}: FIPS 180-4 examples`, () => {
      assert.equal(
        toHex(port.sha256(new Uint8Array())),
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      );
      assert.equal(
        toHex(port.sha256(utf8('abc'))),
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      );
      assert.equal(
        toHex(port.sha256(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
        '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
      );
    });
  }
  it('both ports agree on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        assert.equal(toHex(nobleCrypto.sha256(data)), toHex(nodeCrypto.sha256(data)));
      }),
      { numRuns: 200 },
    );
  });
});

// RFC 8032 §7.1, TEST 1–3.
const RFC8032 = [
  {
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    public: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
];

describe('crypto ports: Ed25519', () => {
  for (const [name, port] of PORTS) {
    it(`${name}: RFC 8032 §7.1 test vectors (public key, signature, verification)`, () => {
      for (const v of RFC8032) {
        const secret = fromHex(v.secret);
        const message = fromHex(v.message);
        assert.equal(toHex(port.publicKey(secret)), v.public);
        assert.equal(toHex(port.sign(message, secret)), v.signature);
        assert.equal(port.verify(fromHex(v.signature), message, fromHex(v.public)), true);
        assert.equal(port.verify(fromHex(v.signature), utf8('other'), fromHex(v.public)), false);
      }
    });
    it(`${name}: wrong lengths are rejected, not thrown`, () => {
      const v = RFC8032[1]!;
      const sig = fromHex(v.signature);
      const pk = fromHex(v.public);
      const msg = fromHex(v.message);
      assert.equal(port.verify(sig.subarray(0, 63), msg, pk), false);
      assert.equal(port.verify(concatBytes(sig, new Uint8Array(1)), msg, pk), false);
      assert.equal(port.verify(sig, msg, pk.subarray(0, 31)), false);
      assert.equal(port.verify(sig, msg, new Uint8Array(0)), false);
    });
    it(`${name}: randomPrivateKey gives 32 fresh bytes that sign and verify`, () => {
      const a = port.randomPrivateKey();
      const b = port.randomPrivateKey();
      assert.equal(a.length, 32);
      assert.notEqual(toHex(a), toHex(b));
      const msg = utf8('fresh');
      assert.equal(port.verify(port.sign(msg, a), msg, port.publicKey(a)), true);
    });
  }

  it('both ports derive the same keys and signatures, and reject any flipped bit alike', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.nat(),
        (secret, message, flip) => {
          const pk = nodeCrypto.publicKey(secret);
          assert.equal(toHex(nobleCrypto.publicKey(secret)), toHex(pk));
          const sig = nodeCrypto.sign(message, secret);
          assert.equal(toHex(nobleCrypto.sign(message, secret)), toHex(sig));
          assert.equal(bothVerify(sig, message, pk), true);
          const bad = new Uint8Array(sig);
          const bit = flip % (64 * 8);
          bad[bit >> 3]! ^= 1 << (bit & 7);
          assert.equal(bothVerify(bad, message, pk), false);
        },
      ),
      { numRuns: 40 },
    );
  });

  // The edge cases below are where Ed25519 implementations differ (cofactored or cofactorless
  // equation, small-order keys, non-canonical encodings). Whatever the rule, the two ports must
  // give the same answer, or a post would be valid on one node and invalid on another.
  describe('edge cases: both ports give the same answer', () => {
    const a = 0x1234567890abcdef1234567890abcdefn;
    const msg = utf8('edge case');

    it('S ≥ L (S + L of a valid signature) is rejected; S itself verifies', () => {
      const secret = fromHex(RFC8032[0]!.secret);
      const pk = nodeCrypto.publicKey(secret);
      const sig = nodeCrypto.sign(msg, secret);
      assert.equal(bothVerify(sig, msg, pk), true);
      const s = le(sig.subarray(32));
      const malleated = concatBytes(sig.subarray(0, 32), leBytes(s + L));
      assert.equal(bothVerify(malleated, msg, pk), false);
    });

    it('R with a small-order component is rejected (cofactorless equation)', () => {
      // A cofactored verifier accepts these; OpenSSL's cofactorless one does not.
      const pk = Point.BASE.multiply(a).toBytes();
      for (let i = 0; i < 8; i++) {
        const { signature } = handSign(a, pk, 1000n + BigInt(i), T8, concatBytes(msg, Uint8Array.of(i)));
        assert.equal(bothVerify(signature, concatBytes(msg, Uint8Array.of(i)), pk), false);
      }
      // Control: the same construction without the torsion point verifies.
      const { signature } = handSign(a, pk, 1000n, Point.ZERO, msg);
      assert.equal(bothVerify(signature, msg, pk), true);
    });

    it('a key with a small-order component verifies exactly when [k]T = 0', () => {
      const pk = Point.BASE.multiply(a).add(T8).toBytes();
      let accepted = 0;
      let rejected = 0;
      for (let i = 0; i < 64; i++) {
        const m = concatBytes(msg, Uint8Array.of(i));
        const { signature, k } = handSign(a, pk, 77n + BigInt(i), Point.ZERO, m);
        const expected = T8.multiplyUnsafe(k).is0();
        assert.equal(bothVerify(signature, m, pk), expected);
        if (expected) accepted++;
        else rejected++;
      }
      assert.ok(accepted > 0 && rejected > 0, `${accepted} accepted, ${rejected} rejected`);
    });

    it('small-order keys, and non-canonical key encodings, are treated alike', () => {
      const encodings: Uint8Array[] = [];
      for (const t of TORSION) {
        const bytes = t.toBytes();
        encodings.push(bytes);
        const flipped = new Uint8Array(bytes);
        flipped[31]! ^= 0x80;
        encodings.push(flipped);
      }
      for (let y = P; y < 2n ** 255n; y++) {
        for (const sign of [0, 0x80]) {
          const bytes = leBytes(y);
          bytes[31]! |= sign;
          encodings.push(bytes);
        }
      }
      let valid = 0;
      for (const pk of encodings) {
        for (let s = 0n; s < 2n; s++) {
          // For a small-order A, R = [S]B − T verifies when [k]A = T: try every T.
          for (const t of TORSION) {
            const r = Point.BASE.multiplyUnsafe(s * 7919n)
              .subtract(t)
              .toBytes();
            const signature = concatBytes(r, leBytes(s * 7919n));
            if (bothVerify(signature, msg, pk)) valid++;
          }
        }
      }
      // The identity key verifies (R = [S]B, S) for every message: both ports accept it.
      assert.ok(valid > 0);
    });

    it('the identity key with the trivial signature: accepted by both, for any message', () => {
      const identity = fromHex(`01${'00'.repeat(31)}`);
      const trivial = concatBytes(identity, new Uint8Array(32));
      assert.equal(bothVerify(trivial, utf8('anything'), identity), true);
      // A non-canonical R (y = p + 1 also encodes the identity) is rejected.
      const nonCanonicalR = concatBytes(leBytes(P + 1n), new Uint8Array(32));
      assert.equal(bothVerify(nonCanonicalR, utf8('anything'), identity), false);
    });
  });
});
