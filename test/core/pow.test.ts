import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bigIntToHex256, fromHex } from '#core/bytes.ts';
import { MAIN, REGTEST } from '#core/params.ts';
import { blockWork, meetsTarget, targetWords, wordsMeetTarget } from '#core/pow.ts';

const MAX = 2n ** 256n - 1n;

function digestWords(hex: string): Uint32Array {
  const view = new DataView(fromHex(hex).buffer);
  return Uint32Array.from({ length: 8 }, (_, i) => view.getUint32(i * 4));
}

describe('proof of work', () => {
  it('meetsTarget is hash ≤ target, inclusive', () => {
    const target = 0x1234n << 200n;
    assert.equal(meetsTarget(bigIntToHex256(target), target), true);
    assert.equal(meetsTarget(bigIntToHex256(target - 1n), target), true);
    assert.equal(meetsTarget(bigIntToHex256(target + 1n), target), false);
    assert.equal(meetsTarget('0'.repeat(64), 1n), true);
    assert.equal(meetsTarget('f'.repeat(64), MAX), true);
    assert.equal(meetsTarget('f'.repeat(64), MAX - 1n), false);
  });

  it('targetWords splits a target into 8 big-endian words', () => {
    const words = targetWords(REGTEST.powLimit);
    assert.deepEqual([...words], [0x7fffff00, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual([...targetWords(MAX)], Array(8).fill(0xffffffff));
    assert.deepEqual([...targetWords(1n)], [0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('property: wordsMeetTarget agrees with meetsTarget, including equality and signed digest words', () => {
    const hash = fc.bigInt({ min: 0n, max: MAX });
    fc.assert(
      fc.property(hash, hash, fc.boolean(), (h, t, equal) => {
        const target = equal ? h : t;
        const hex = bigIntToHex256(h);
        // The hasher's state words may come back as signed 32-bit values: test that form too.
        const signed = Int32Array.from(digestWords(hex));
        const expected = meetsTarget(hex, target);
        assert.equal(wordsMeetTarget(digestWords(hex), targetWords(target)), expected);
        assert.equal(wordsMeetTarget(new Uint32Array(signed.buffer), targetWords(target)), expected);
        assert.equal(wordsMeetTarget(signed as unknown as Uint32Array, targetWords(target)), expected);
      }),
      { numRuns: 500 },
    );
  });

  it('blockWork is 2^256 / (target + 1)', () => {
    assert.equal(blockWork(MAX), 1n);
    assert.equal(blockWork(0n), 2n ** 256n);
    assert.equal(blockWork(2n ** 255n - 1n), 2n);
    assert.equal(blockWork(REGTEST.powLimit), 2n);
    // Main's limit 0x0fffff·2^216: about 2^20 hashes a block.
    assert.equal(blockWork(MAIN.powLimit), 2n ** 256n / (MAIN.powLimit + 1n));
    assert.ok(blockWork(MAIN.powLimit) > 2n ** 20n && blockWork(MAIN.powLimit) < 2n ** 20n + 2n);
  });

  it('property: a smaller target is never less work', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX }), fc.bigInt({ min: 0n, max: MAX }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        assert.ok(blockWork(lo) >= blockWork(hi));
      }),
    );
  });
});
