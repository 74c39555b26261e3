import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '#core/bytes.ts';
import {
  type BlockHeader,
  decodeHeader,
  encodeHeader,
  HEADER_SIZE,
  HeaderHasher,
  headerFieldError,
  headerHash,
  MAX_UINT32,
} from '#core/header.ts';
import { REGTEST } from '#core/params.ts';

const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(toHex);
const u32 = fc.integer({ min: 0, max: MAX_UINT32 });
const u53 = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

const headerArb: fc.Arbitrary<BlockHeader> = fc.record(
  {
    version: u32,
    index: u32,
    previous_hash: hex32,
    merkle_root: hex32,
    timestamp: u53,
    bits: u32,
    nonce: u53,
  },
  { noNullPrototype: true },
);

const SAMPLE: BlockHeader = {
  version: 1,
  index: 0x01020304,
  previous_hash: '11'.repeat(32),
  merkle_root: '22'.repeat(32),
  timestamp: 0x0000_0102_0304_0506,
  bits: 0x207fffff,
  nonce: 0x001f_ffff_ffff_fffe,
};

function nodeHash(header: BlockHeader): string {
  return createHash('sha256').update(encodeHeader(header)).digest('hex');
}

describe('header encoding', () => {
  it('is 92 bytes, big-endian, with the fields at their documented offsets', () => {
    const bytes = encodeHeader(SAMPLE);
    assert.equal(bytes.length, HEADER_SIZE);
    assert.equal(HEADER_SIZE, 92);
    assert.equal(
      toHex(bytes),
      [
        '00000001',
        '01020304',
        '11'.repeat(32),
        '22'.repeat(32),
        '0000010203040506',
        '207fffff',
        '001ffffffffffffe',
      ].join(''),
    );
  });

  it('round-trips through decodeHeader for random in-range headers', () => {
    fc.assert(
      fc.property(headerArb, (header) => {
        assert.equal(headerFieldError(header), undefined);
        const bytes = encodeHeader(header);
        assert.equal(bytes.length, HEADER_SIZE);
        assert.deepEqual(decodeHeader(bytes), header);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a header from a subarray of a larger buffer', () => {
    const buffer = new Uint8Array(HEADER_SIZE + 10);
    buffer.set(encodeHeader(SAMPLE), 7);
    assert.deepEqual(decodeHeader(buffer.subarray(7, 7 + HEADER_SIZE)), SAMPLE);
  });

  it('decodeHeader refuses any other length', () => {
    assert.throws(() => decodeHeader(new Uint8Array(91)), RangeError);
    assert.throws(() => decodeHeader(new Uint8Array(93)), RangeError);
  });

  it('the hash is SHA-256 of the encoding', () => {
    assert.equal(headerHash(SAMPLE), nodeHash(SAMPLE));
    fc.assert(
      fc.property(headerArb, (header) => {
        assert.equal(headerHash(header), nodeHash(header));
      }),
      { numRuns: 200 },
    );
  });
});

describe('headerFieldError', () => {
  const cases: [keyof BlockHeader, unknown][] = [
    ['version', -1],
    ['version', MAX_UINT32 + 1],
    ['version', 1.5],
    ['version', '1'],
    ['index', -1],
    ['index', 2 ** 32],
    ['index', Number.NaN],
    ['previous_hash', 'AB'.repeat(32)],
    ['previous_hash', 'ab'.repeat(31)],
    ['previous_hash', 0],
    ['merkle_root', `${'ab'.repeat(31)}a`],
    ['timestamp', -1],
    ['timestamp', 2 ** 53],
    ['timestamp', 1.5],
    ['timestamp', Number.POSITIVE_INFINITY],
    ['bits', 2 ** 32],
    ['bits', -1],
    ['bits', null],
    ['nonce', 2 ** 53],
    ['nonce', -1],
    ['nonce', 0.5],
    ['nonce', 10n],
  ];
  for (const [field, value] of cases) {
    it(`names ${field} = ${typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value))}`, () => {
      assert.equal(headerFieldError({ ...SAMPLE, [field]: value } as BlockHeader), field);
    });
  }

  it('accepts the extremes of every range', () => {
    const max = { ...SAMPLE, version: MAX_UINT32, index: MAX_UINT32, bits: MAX_UINT32 };
    assert.equal(
      headerFieldError({ ...max, timestamp: Number.MAX_SAFE_INTEGER, nonce: Number.MAX_SAFE_INTEGER }),
      undefined,
    );
    assert.equal(
      headerFieldError({ ...SAMPLE, version: 0, index: 0, bits: 0, timestamp: 0, nonce: 0 }),
      undefined,
    );
  });

  it('reports the first bad field in encoding order', () => {
    assert.equal(headerFieldError({ ...SAMPLE, index: -1, nonce: -1 }), 'index');
  });
});

describe('HeaderHasher (midstate)', () => {
  it('hashWith(nonce) equals headerHash with that nonce, for random headers and nonces', () => {
    fc.assert(
      fc.property(headerArb, fc.array(u53, { minLength: 1, maxLength: 5 }), (header, nonces) => {
        const hasher = new HeaderHasher(header);
        for (const nonce of nonces) {
          hasher.hashWith(nonce);
          assert.equal(hasher.digestHex(), nodeHash({ ...header, nonce }));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('nonces above 2^32 use the high word', () => {
    const hasher = new HeaderHasher(SAMPLE);
    for (const nonce of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER]) {
      hasher.hashWith(nonce);
      assert.equal(hasher.digestHex(), headerHash({ ...SAMPLE, nonce }));
    }
  });

  it('setTimestamp changes the timestamp the next hashes commit to', () => {
    fc.assert(
      fc.property(headerArb, u53, u53, (header, timestamp, nonce) => {
        const hasher = new HeaderHasher(header);
        hasher.setTimestamp(timestamp);
        hasher.hashWith(nonce);
        assert.equal(hasher.digestHex(), nodeHash({ ...header, timestamp, nonce }));
      }),
      { numRuns: 100 },
    );
  });

  it('returns the digest words (also as .words), big-endian', () => {
    const hasher = new HeaderHasher(REGTEST.genesis);
    const words = hasher.hashWith(REGTEST.genesis.nonce);
    assert.equal(words, hasher.words);
    const digest = fromHex(REGTEST.genesisHash);
    const view = new DataView(digest.buffer);
    for (let i = 0; i < 8; i++) assert.equal(words[i]! >>> 0, view.getUint32(i * 4));
    assert.equal(hasher.digestHex(), REGTEST.genesisHash);
  });
});
