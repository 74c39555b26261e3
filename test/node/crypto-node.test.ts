import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex, utf8 } from '#core/bytes.ts';
import { ed25519FastPathError, nodeCrypto, verifyWithOpenssl } from '#node/crypto-node.ts';
import { SignatureVerifierPool } from '#node/verifier/pool.ts';
import { MESSAGE_AT, PUBLIC_KEY_AT, RECORD_BYTES } from '#node/verifier/shared.ts';

// The verify of nodeCrypto answers "valid" from libsodium and asks OpenSSL on every refusal
// (crypto-node.ts). These tests check the answers are OpenSSL's, bit for bit, especially where
// libsodium is stricter than PROTOCOL §2.3 and the fallback must answer "valid".

const sodium = createRequire(import.meta.url)('sodium-native') as typeof import('sodium-native');
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
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

const sha512 = (data: Uint8Array) => new Uint8Array(createHash('sha512').update(data).digest());

/** The secret scalar s of a seed (RFC 8032 §5.1.5): first half of SHA-512, clamped. */
function secretScalar(seed: Uint8Array): bigint {
  const h = sha512(seed).subarray(0, 32);
  h[0]! &= 248;
  h[31]! &= 127;
  h[31]! |= 64;
  return le(h);
}

/** Asserts the fast path gives OpenSSL's answer and returns it. */
function same(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const fast = nodeCrypto.verify(signature, message, publicKey);
  const openssl = verifyWithOpenssl(signature, message, publicKey);
  assert.equal(
    fast,
    openssl,
    `sig ${toHex(signature)} pk ${toHex(publicKey)}: fast ${fast}, OpenSSL ${openssl}`,
  );
  return fast;
}

const libsodium = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) =>
  sodium.crypto_sign_verify_detached(signature, message, publicKey);

const seed = nodeCrypto.sha256(utf8('sodium fast path key'));
const publicKey = nodeCrypto.publicKey(seed);
const message = nodeCrypto.sha256(utf8('a post id'));
const IDENTITY = fromHex(`01${'00'.repeat(31)}`);

/** A signature with R = the neutral point by the key holder: S = k·s mod L, so [S]B − [k]A = O. */
function identityRSignature(m: Uint8Array): Uint8Array {
  const k = le(sha512(concatBytes(IDENTITY, publicKey, m))) % L;
  return concatBytes(IDENTITY, leBytes((k * secretScalar(seed)) % L));
}

describe('nodeCrypto.verify: the libsodium fast path gives OpenSSL answers', () => {
  it('libsodium loaded (a prebuild exists for this platform)', () => {
    assert.equal(ed25519FastPathError, undefined);
  });

  it('R = the neutral point, signed by the key holder: libsodium refuses, the answer is valid', () => {
    for (let i = 0; i < 8; i++) {
      const m = nodeCrypto.sha256(utf8(`identity R ${i}`));
      const signature = identityRSignature(m);
      assert.equal(libsodium(signature, m, publicKey), false, 'libsodium refuses a small-order R');
      assert.equal(verifyWithOpenssl(signature, m, publicKey), true, 'valid under PROTOCOL §2.3');
      assert.equal(nodeCrypto.verify(signature, m, publicKey), true);
      // Another message, same signature: invalid everywhere.
      assert.equal(same(signature, message, publicKey), false);
    }
  });

  it('the neutral key with the trivial signature: libsodium refuses, the answer is valid', () => {
    const trivial = concatBytes(IDENTITY, new Uint8Array(32));
    assert.equal(libsodium(trivial, message, IDENTITY), false);
    assert.equal(same(trivial, message, IDENTITY), true);
    // The same key spelled with the sign bit (x = 0): §2.3 ignores the bit.
    const signed = new Uint8Array(IDENTITY);
    signed[31] = 0x80;
    assert.equal(libsodium(trivial, message, signed), false);
    same(trivial, message, signed);
    // A non-canonical key (y = p + 1, the neutral point again): refused by libsodium, OpenSSL decides.
    same(trivial, message, leBytes(P + 1n));
  });

  it('S ≥ L is refused; S itself verifies', () => {
    const signature = nodeCrypto.sign(message, seed);
    assert.equal(same(signature, message, publicKey), true);
    const s = le(signature.subarray(32));
    const malleated = concatBytes(signature.subarray(0, 32), leBytes(s + L));
    assert.equal(same(malleated, message, publicKey), false);
  });

  it('a wrong signature, message or key is refused; wrong lengths are refused, not thrown', () => {
    const signature = nodeCrypto.sign(message, seed);
    const other = nodeCrypto.publicKey(nodeCrypto.sha256(utf8('another key')));
    assert.equal(same(signature, utf8('another message'), publicKey), false);
    assert.equal(same(signature, message, other), false);
    assert.equal(same(new Uint8Array(64), message, publicKey), false);
    assert.equal(nodeCrypto.verify(signature.subarray(0, 63), message, publicKey), false);
    assert.equal(nodeCrypto.verify(concatBytes(signature, new Uint8Array(1)), message, publicKey), false);
    assert.equal(nodeCrypto.verify(signature, message, publicKey.subarray(0, 31)), false);
    // A key that is no curve point (no square root for x): refused by both.
    const notOnCurve = leBytes(2n);
    assert.equal(same(signature, message, notOnCurve), false);
  });

  it('2,000 random keys and messages, valid and corrupted (signature, message or key bit)', () => {
    let valid = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat({ max: 4 * RECORD_BYTES * 8 - 1 }),
        (key, m, flip) => {
          const pk = nodeCrypto.publicKey(key);
          const signature = nodeCrypto.sign(m, key);
          const record = concatBytes(signature, m, pk);
          // A quarter stay intact; the rest get one bit flipped somewhere in the record.
          const corrupt = flip < 3 * RECORD_BYTES * 8;
          const bit = flip % (RECORD_BYTES * 8);
          if (corrupt) record[bit >> 3]! ^= 1 << (bit & 7);
          const answer = same(
            record.subarray(0, MESSAGE_AT),
            record.subarray(MESSAGE_AT, PUBLIC_KEY_AT),
            record.subarray(PUBLIC_KEY_AT, RECORD_BYTES),
          );
          if (answer) valid++;
          else refused++;
          assert.equal(answer, !corrupt);
        },
      ),
      { numRuns: 2000 },
    );
    assert.ok(valid > 300 && refused > 1000, `${valid} valid, ${refused} refused`);
  });
});

describe('signature workers use the fast path with the same answers', () => {
  const pool = new SignatureVerifierPool(nodeCrypto, { workers: 1 });
  after(() => pool.close());

  it('a worker answers valid for R = the neutral point, and as OpenSSL for the rest', async () => {
    const cases = Array.from({ length: 40 }, (_, i) => {
      const m = nodeCrypto.sha256(utf8(`worker case ${i}`));
      const signature = i % 4 === 0 ? identityRSignature(m) : nodeCrypto.sign(m, seed);
      if (i % 4 === 1) signature[5]! ^= 0x10;
      return concatBytes(signature, m, publicKey);
    });
    const records = concatBytes(...cases);
    const results = await pool.verifyRecords(records);
    const expected = cases.map((r) =>
      verifyWithOpenssl(
        r.subarray(0, MESSAGE_AT),
        r.subarray(MESSAGE_AT, PUBLIC_KEY_AT),
        r.subarray(PUBLIC_KEY_AT),
      )
        ? 1
        : 0,
    );
    assert.deepEqual([...results], expected);
    assert.deepEqual(
      expected.map((_v, i) => (i % 4 === 1 ? 0 : 1)),
      expected,
    );
  });
});

describe('without libsodium (no prebuild for the platform)', () => {
  it('OpenSSL alone verifies, with the same answers, and the load error is exported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yournet-no-sodium-'));
    try {
      // Preloaded in a child process: require('sodium-native') fails as a missing prebuild would.
      const preload = join(dir, 'no-sodium.cjs');
      writeFileSync(
        preload,
        `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'sodium-native') throw new Error('No native build was found (test)');
  return load.call(this, request, ...rest);
};`,
      );
      const m = nodeCrypto.sha256(utf8('no sodium'));
      const script = `
import { ed25519FastPathError, nodeCrypto } from '#node/crypto-node.ts';
const hex = (h) => Uint8Array.from(Buffer.from(h, 'hex'));
const [sig, m, pk, good] = ${JSON.stringify([toHex(identityRSignature(m)), toHex(m), toHex(publicKey), toHex(nodeCrypto.sign(m, seed))])}.map(hex);
const bad = new Uint8Array(good); bad[3] ^= 1;
console.log(JSON.stringify({ error: ed25519FastPathError, answers: [sig, good, bad].map((s) => nodeCrypto.verify(s, m, pk)) }));`;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--require', preload, '--import', 'tsx', '--input-type=module', '-e', script],
        { timeout: 20_000 },
      );
      const result = JSON.parse(stdout) as { error?: string; answers: boolean[] };
      assert.match(result.error ?? '', /No native build was found/);
      assert.deepEqual(result.answers, [true, true, false]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
