import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { toHex, utf8 } from '#core/bytes.ts';
import { compress, readBlockWords, SHA256_IV, sha256Short, writeDigest } from '#core/sha256-fixed.ts';

function reference(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function short(data: Uint8Array): string {
  const out = new Uint8Array(32);
  sha256Short(data, out);
  return toHex(out);
}

describe('sha256Short', () => {
  it('matches node:crypto for every length from 0 to 119 (one and two padded blocks)', () => {
    for (let n = 0; n <= 119; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      assert.equal(short(data), reference(data), `length ${n}`);
    }
  });

  it('matches node:crypto and @noble/hashes on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 119 }), (data) => {
        const digest = short(data);
        assert.equal(digest, reference(data));
        assert.equal(digest, toHex(nobleSha256(data)));
      }),
      { numRuns: 500 },
    );
  });

  it('FIPS 180-4 examples', () => {
    assert.equal(short(utf8('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(short(new Uint8Array()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('writes at the given offset and leaves the rest of the output alone', () => {
    const out = new Uint8Array(70).fill(0xaa);
    sha256Short(utf8('abc'), out, 33);
    assert.equal(toHex(out.subarray(33, 65)), reference(utf8('abc')));
    assert.ok(out.subarray(0, 33).every((b) => b === 0xaa));
    assert.ok(out.subarray(65).every((b) => b === 0xaa));
  });

  it('is not disturbed by a previous longer message (its buffers are reused)', () => {
    const out = new Uint8Array(32);
    sha256Short(new Uint8Array(119).fill(0xff), out);
    sha256Short(utf8('abc'), out);
    assert.equal(toHex(out), reference(utf8('abc')));
  });

  it('throws RangeError above 119 bytes', () => {
    assert.throws(() => sha256Short(new Uint8Array(120), new Uint8Array(32)), RangeError);
  });
});

describe('SHA-256 building blocks', () => {
  it('compress over the padded block of "abc" from the IV gives its digest', () => {
    const block = new Uint8Array(64);
    block.set(utf8('abc'));
    block[3] = 0x80;
    block[63] = 24; // bit length
    const words = new Uint32Array(16);
    readBlockWords(block, 0, words);
    const state = new Uint32Array(SHA256_IV);
    compress(state, words);
    const out = new Uint8Array(32);
    writeDigest(state, out);
    assert.equal(toHex(out), reference(utf8('abc')));
  });

  it('readBlockWords reads big-endian words at an offset; writeDigest writes them back', () => {
    const bytes = Uint8Array.from({ length: 80 }, (_, i) => i);
    const words = new Uint32Array(16);
    readBlockWords(bytes, 16, words);
    assert.equal(words[0], 0x10111213);
    assert.equal(words[15], 0x4c4d4e4f);
    const out = new Uint8Array(40);
    writeDigest(words, out, 8);
    assert.deepEqual(out.subarray(8, 40), bytes.subarray(16, 48));
  });
});
