import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  bigIntToHex256,
  bytesEqual,
  concatBytes,
  fromHex,
  hexToBigInt,
  isLowerHex,
  toHex,
  utf8,
  utf8Length,
} from '#core/bytes.ts';

describe('hex', () => {
  it('toHex is lowercase, two digits a byte, and matches Buffer', () => {
    assert.equal(toHex(Uint8Array.of(0, 1, 0x0f, 0x10, 0xab, 0xff)), '00010f10abff');
    assert.equal(toHex(new Uint8Array()), '');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        assert.equal(toHex(bytes), Buffer.from(bytes).toString('hex'));
      }),
    );
  });

  it('fromHex inverts toHex and accepts uppercase', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const hex = toHex(bytes);
        assert.deepEqual(fromHex(hex), bytes);
        assert.deepEqual(fromHex(hex.toUpperCase()), bytes);
      }),
    );
  });

  it('fromHex throws RangeError on odd length and on anything that is not a hex digit', () => {
    assert.throws(() => fromHex('abc'), RangeError);
    for (const bad of ['0g', 'g0', '+1', '-1', ' 1', '1 ', '0x', 'zz', '\u0661\u0662']) {
      assert.throws(() => fromHex(bad), RangeError, bad);
    }
    assert.throws(() => fromHex(`00${'+f'}`), /invalid hex digit at 2/);
  });

  it('isLowerHex requires a string of exactly that many bytes in lowercase hex', () => {
    const id = 'ab'.repeat(32);
    assert.equal(isLowerHex(id, 32), true);
    assert.equal(isLowerHex(id.toUpperCase(), 32), false);
    assert.equal(isLowerHex(`A${id.slice(1)}`, 32), false);
    assert.equal(isLowerHex(id.slice(2), 32), false);
    assert.equal(isLowerHex(`${id}00`, 32), false);
    assert.equal(isLowerHex(`${id.slice(1)}g`, 32), false);
    assert.equal(isLowerHex(`${id.slice(1)}\n`, 32), false);
    assert.equal(isLowerHex('', 0), true);
    for (const value of [undefined, null, 42, ['ab'], { length: 64 }]) {
      assert.equal(isLowerHex(value, 32), false);
    }
  });
});

describe('UTF-8', () => {
  it('utf8Length equals the length of the TextEncoder output, lone surrogates included', () => {
    const cases = ['', 'a', 'é', '€', '🦊', 'a\ud800', '\udc00b', '\ud800\ud800', '\udbff\udfff', 'x\ud83d'];
    for (const text of cases) assert.equal(utf8Length(text), new TextEncoder().encode(text).length, text);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 30 }), (codePoints) => {
        const text = String.fromCodePoint(...codePoints);
        assert.equal(utf8Length(text), utf8(text).length);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }), (units) => {
        const text = String.fromCharCode(...units);
        assert.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'));
      }),
      { numRuns: 300 },
    );
  });

  it('utf8 encodes as Buffer does', () => {
    assert.deepEqual(utf8('Zoë 🦊'), new Uint8Array(Buffer.from('Zoë 🦊', 'utf8')));
  });
});

describe('byte arrays', () => {
  it('concatBytes joins in order', () => {
    assert.deepEqual(concatBytes(), new Uint8Array());
    assert.deepEqual(
      concatBytes(Uint8Array.of(1), new Uint8Array(), Uint8Array.of(2, 3)),
      Uint8Array.of(1, 2, 3),
    );
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 6 }), (parts) => {
        assert.deepEqual(concatBytes(...parts), new Uint8Array(Buffer.concat(parts)));
      }),
    );
  });

  it('bytesEqual compares length and every byte', () => {
    assert.equal(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), true);
    assert.equal(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3)), false);
    assert.equal(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0)), false);
    assert.equal(bytesEqual(Uint8Array.of(0x80), Uint8Array.of(0)), false);
    assert.equal(bytesEqual(new Uint8Array(), new Uint8Array()), true);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        assert.equal(bytesEqual(a, b), Buffer.from(a).equals(Buffer.from(b)));
      }),
    );
  });
});

describe('256-bit integers', () => {
  it('hexToBigInt reads big-endian hex; the empty string is 0', () => {
    assert.equal(hexToBigInt(''), 0n);
    assert.equal(hexToBigInt('00ff'), 255n);
    assert.equal(hexToBigInt('f'.repeat(64)), 2n ** 256n - 1n);
  });

  it('bigIntToHex256 pads to 64 lowercase digits and round-trips', () => {
    assert.equal(bigIntToHex256(0n), '0'.repeat(64));
    assert.equal(bigIntToHex256(0xabn), `${'0'.repeat(62)}ab`);
    assert.equal(bigIntToHex256(2n ** 256n - 1n), 'f'.repeat(64));
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), (n) => {
        const hex = bigIntToHex256(n);
        assert.ok(isLowerHex(hex, 32));
        assert.equal(hexToBigInt(hex), n);
      }),
    );
  });

  it('bigIntToHex256 refuses values outside [0, 2^256)', () => {
    assert.throws(() => bigIntToHex256(-1n), RangeError);
    assert.throws(() => bigIntToHex256(2n ** 256n), RangeError);
  });
});
