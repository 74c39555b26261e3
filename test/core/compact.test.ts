import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeBits, encodeBits, truncateTarget } from '#core/compact.ts';
import { MAIN, REGTEST } from '#core/params.ts';

const TWO_256 = 2n ** 256n;

describe('compact bits', () => {
  it('decodes known values (Bitcoin GetCompact/SetCompact)', () => {
    assert.equal(decodeBits(0x1d00ffff), 0xffffn << 208n);
    assert.equal(decodeBits(0x1b0404cb), 0x0404cbn << 192n);
    assert.equal(decodeBits(0x207fffff), 0x7fffffn << 232n);
    assert.equal(decodeBits(0x1e0fffff), 0x0fffffn << 216n);
    assert.equal(decodeBits(0x03123456), 0x123456n);
    assert.equal(decodeBits(0x02123400), 0x1234n);
    assert.equal(decodeBits(0x01120000), 0x12n);
    assert.equal(decodeBits(0x01010000), 1n);
    assert.equal(decodeBits(0x2100ffff), 0xffffn << 240n);
  });

  it('encodes known values, moving a byte into the exponent when the sign bit would be set', () => {
    assert.equal(encodeBits(1n), 0x01010000);
    assert.equal(encodeBits(0x80n), 0x02008000);
    assert.equal(encodeBits(0x123456n), 0x03123456);
    assert.equal(encodeBits(0x800000n), 0x04008000);
    assert.equal(encodeBits(0xffffn << 208n), 0x1d00ffff);
    assert.equal(encodeBits(TWO_256 - 1n), 0x2100ffff);
    assert.equal(encodeBits(MAIN.powLimit), MAIN.powLimitBits);
    assert.equal(encodeBits(REGTEST.powLimit), REGTEST.powLimitBits);
  });

  it('encodeBits truncates to the top 23 bits of precision', () => {
    assert.equal(encodeBits(0x123456789n), 0x05012345);
    assert.equal(decodeBits(0x05012345), 0x123450000n);
    assert.equal(truncateTarget(0x123456789n), 0x123450000n);
  });

  it('rejects the sign bit, a zero mantissa, zero targets and overflow', () => {
    assert.equal(decodeBits(0x04923456), undefined); // sign bit
    assert.equal(decodeBits(0x20ffffff), undefined);
    assert.equal(decodeBits(0x1d000000), undefined); // zero mantissa
    assert.equal(decodeBits(0), undefined);
    assert.equal(decodeBits(0x01003456), undefined); // shifts to zero
    assert.equal(decodeBits(0x23010000), undefined); // 2^272
    assert.equal(decodeBits(0x22010000), undefined); // 2^264
    assert.equal(decodeBits(0xff7fffff), undefined);
  });

  it('rejects non-canonical encodings of valid targets', () => {
    // 0x7fff·256^29 is canonically 0x1f7fff00: a leading zero byte in the mantissa is not allowed.
    assert.equal(decodeBits(0x20007fff), undefined);
    assert.equal(encodeBits(0x7fffn << 232n), 0x1f7fff00);
    assert.equal(decodeBits(0x04001234), undefined);
    assert.equal(decodeBits(0x03001234), undefined); // canonically 0x02123400
    assert.equal(decodeBits(0x01123456), undefined); // low bytes dropped by the shift
    assert.equal(decodeBits(0x02123456), undefined);
  });

  it('rejects values that are not 32-bit unsigned integers', () => {
    for (const bits of [-1, 2 ** 32, 0x1d00ffff + 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.equal(decodeBits(bits), undefined, String(bits));
    }
  });

  it('encodeBits refuses targets outside [1, 2^256)', () => {
    assert.throws(() => encodeBits(0n), RangeError);
    assert.throws(() => encodeBits(-1n), RangeError);
    assert.throws(() => encodeBits(TWO_256), RangeError);
  });

  it('property: every decodable bits value re-encodes to itself (one target, one encoding)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (bits) => {
        const target = decodeBits(bits);
        if (target !== undefined) assert.equal(encodeBits(target), bits);
      }),
      { numRuns: 2000 },
    );
    // The same, on bits built to be in the valid range.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0x21 }),
        fc.integer({ min: 1, max: 0x7fffff }),
        (exponent, mantissa) => {
          const bits = exponent * 2 ** 24 + mantissa;
          const target = decodeBits(bits);
          if (target !== undefined) assert.equal(encodeBits(target), bits);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: encode then decode truncates a target down by less than one part in 2^15', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: TWO_256 - 1n }), (target) => {
        const bits = encodeBits(target);
        const back = decodeBits(bits);
        assert.notEqual(back, undefined);
        assert.ok(back! <= target);
        assert.ok((target - back!) * 2n ** 15n <= target, `${target} → ${back}`);
        assert.equal(truncateTarget(target), back);
        assert.equal(encodeBits(back!), bits);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: encoding preserves order (a larger target never gets a smaller encoded target)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: TWO_256 - 1n }),
        fc.bigInt({ min: 1n, max: TWO_256 - 1n }),
        (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          assert.ok(truncateTarget(lo) <= truncateTarget(hi));
        },
      ),
      { numRuns: 500 },
    );
  });
});
