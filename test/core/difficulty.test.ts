import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bigIntToHex256 } from '#core/bytes.ts';
import { decodeBits, encodeBits, truncateTarget } from '#core/compact.ts';
import { requiredBits } from '#core/contextual.ts';
import {
  type AsertAnchor,
  type AsertParams,
  asertBits,
  asertTarget,
  medianTimePast,
} from '#core/difficulty.ts';
import type { BlockHeader } from '#core/header.ts';
import { asertAnchor, MAIN, REGTEST } from '#core/params.ts';

/**
 * Excerpts of the aserti3-2d test vectors published with the Bitcoin Cash specification
 * (bitcoin-cash-node qa-assets, test_vectors/aserti3-2d, runs 01–07 and 09), computed by the
 * C++ reference implementation with BCH's parameters: 600 s spacing, 2-day half-life, limit
 * 0x1d00ffff. Each line: height and time of the parent, then the bits its child must carry.
 */
const BCH: AsertParams = { targetSpacing: 600, halfLife: 172_800, powLimit: decodeBits(0x1d00ffff)! };
const BCH_RUNS: { anchor: [number, number, number]; lines: [number, number, number][] }[] = [
  {
    anchor: [1, 0, 0x1d00ffff], // run01: steady 600 s blocks at the limit
    lines: [
      [2, 1200, 0x1d00ffff],
      [11, 6600, 0x1d00ffff],
    ],
  },
  {
    anchor: [1, 0, 0x1a2b3c4d], // run02: steady at an arbitrary target
    lines: [
      [2, 1200, 0x1a2b3c4d],
      [11, 6600, 0x1a2b3c4d],
    ],
  },
  {
    anchor: [1, 0, 0x01010000], // run03: steady at the minimum target 1
    lines: [
      [2, 1200, 0x01010000],
      [11, 6600, 0x01010000],
    ],
  },
  {
    anchor: [1, 0, 0x01010000], // run04: one half-life late at every block: doubling up to the limit
    lines: [
      [2, 174000, 0x01020000],
      [3, 347400, 0x01040000],
      [8, 1214400, 0x02008000],
      [9, 1387800, 0x02010000],
      [101, 17340600, 0x0d100000],
      [223, 38495400, 0x1c400000],
      [224, 38668800, 0x1d008000],
      [225, 38842200, 0x1d00ffff],
      [226, 39015600, 0x1d00ffff],
    ],
  },
  {
    anchor: [1, 0, 0x1d00ffff], // run05: 288 blocks at no time: halving down to the minimum 1
    lines: [
      [2, 0, 0x1d00fec5],
      [290, 0, 0x1c7f62c0],
      [578, 0, 0x1c3fb160],
      [2306, 0, 0x1c00fec5],
      [59906, 0, 0x0300fec5],
      [60194, 0, 0x027f6200],
      [62210, 0, 0x0200fe00],
      [62498, 0, 0x017f0000],
      [63938, 0, 0x01030000],
      [64226, 0, 0x01010000],
      [64514, 0, 0x01010000],
    ],
  },
  {
    anchor: [1, 0, 0x1802aee8], // run06: random solve times, stable hash rate
    lines: [
      [2, 1200, 0x1802aee8],
      [3, 1310, 0x1802ad91],
      [4, 1327, 0x1802abf8],
      [5, 1739, 0x1802ab73],
      [9, 7099, 0x1802b39c],
      [10, 7099, 0x1802b1f2],
      [22, 18902, 0x1802bed6],
      [101, 63201, 0x1802b620],
      [552, 338121, 0x1802c249],
    ],
  },
  {
    anchor: [1, 0, 0x1802aee8], // run07: random solve times, rising hash rate
    lines: [
      [41, 16219, 0x1802983e],
      [158, 22659, 0x18020248],
      [160, 22709, 0x1801ffea],
      [459, 29064, 0x1800ffb4],
    ],
  },
  {
    anchor: [2147483642, 1234567290, 0x1802aee8], // run09: 300 s blocks across 2^31
    lines: [
      [2147483643, 1234568190, 0x1802ae16],
      [2147483647, 1234569390, 0x1802aacd],
      [2147483648, 1234569690, 0x1802a9fa],
      [2147483652, 1234570890, 0x1802a6b7],
    ],
  },
];

const hex = (bits: number) => `0x${bits.toString(16).padStart(8, '0')}`;

/**
 * The aserti3-2d pseudo-code of docs/PROTOCOL.md §5.2, written again here independently, with the
 * rounding of the first division as a parameter: 'floor' is YourNet's rule, 'trunc' (toward zero)
 * is Bitcoin Cash's. Checked against BCH's vectors in 'trunc' mode, then compared with the library
 * in 'floor' mode.
 */
function referenceBits(
  anchor: AsertAnchor,
  params: AsertParams,
  height: number,
  time: number,
  rounding: 'floor' | 'trunc',
): number {
  const numerator =
    (BigInt(time - anchor.parentTime) -
      BigInt(params.targetSpacing) * (BigInt(height - anchor.height) + 1n)) *
    65536n;
  const halfLife = BigInt(params.halfLife);
  let exponent = numerator / halfLife; // bigint division truncates toward zero
  if (rounding === 'floor' && numerator < 0n && numerator % halfLife !== 0n) exponent -= 1n;
  const shifts = exponent >> 16n;
  const frac = exponent - shifts * 65536n;
  const factor =
    65536n + ((195766423245049n * frac + 971821376n * frac ** 2n + 5127n * frac ** 3n + 2n ** 47n) >> 48n);
  let target = anchor.target * factor;
  target = shifts >= 0n ? target << shifts : target >> -shifts;
  target >>= 16n;
  if (target === 0n) target = 1n;
  if (target > params.powLimit) target = params.powLimit;
  return encodeBits(target);
}

/** Whether floor and truncation of the first division agree for this parent. */
function roundingAgrees(anchor: AsertAnchor, params: AsertParams, height: number, time: number): boolean {
  const numerator = (time - anchor.parentTime - params.targetSpacing * (height - anchor.height + 1)) * 65536;
  return numerator >= 0 || numerator % params.halfLife === 0;
}

describe('aserti3-2d', () => {
  const bchLines = BCH_RUNS.flatMap(({ anchor: [height, parentTime, bits], lines }) =>
    lines.map(([h, t, expected]) => {
      const anchor: AsertAnchor = { height, parentTime, target: decodeBits(bits)! };
      return { anchor, h, t, expected, agrees: roundingAgrees(anchor, BCH, h, t) };
    }),
  );

  it('the reference pseudo-code with truncating division reproduces the Bitcoin Cash test vectors', () => {
    assert.equal(bchLines.length, 43);
    for (const { anchor, h, t, expected } of bchLines) {
      assert.equal(hex(referenceBits(anchor, BCH, h, t, 'trunc')), hex(expected), `parent ${h} at ${t}`);
    }
  });

  it('agrees with the Bitcoin Cash vectors wherever floor and truncation coincide', () => {
    const same = bchLines.filter((line) => line.agrees);
    assert.ok(same.length >= 20, `${same.length} lines`);
    for (const { anchor, h, t, expected } of same) {
      assert.equal(hex(asertBits(anchor, BCH, h, t)), hex(expected), `parent ${h} at ${t}`);
    }
  });

  it('ahead of schedule, floors the first division where Bitcoin Cash truncates (PROTOCOL.md §5.2)', () => {
    const other = bchLines.filter((line) => !line.agrees);
    assert.ok(other.length >= 10, `${other.length} lines`);
    let differ = 0;
    for (const { anchor, h, t, expected } of other) {
      const bits = asertBits(anchor, BCH, h, t);
      assert.equal(hex(bits), hex(referenceBits(anchor, BCH, h, t, 'floor')), `parent ${h} at ${t}`);
      assert.ok(decodeBits(bits)! <= decodeBits(expected)!, 'flooring can only lower the target');
      if (bits !== expected) differ++;
    }
    assert.ok(differ > 0);
    // run05, first line: parent 2 at time 0 from the anchor (1, 0, 0x1d00ffff). BCH: 0x1d00fec5.
    const anchor: AsertAnchor = { height: 1, parentTime: 0, target: decodeBits(0x1d00ffff)! };
    assert.equal(hex(asertBits(anchor, BCH, 2, 0)), '0x1d00fec4');
  });

  it('property: the library equals the reference pseudo-code (floor) on random parents', () => {
    const mainAnchor = asertAnchor(MAIN);
    fc.assert(
      fc.property(
        fc.constantFrom(0x1d00ffff, 0x1802aee8, 0x01010000, 0x1a2b3c4d),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: -50_000_000, max: 50_000_000 }),
        (bits, height, offset) => {
          const anchor: AsertAnchor = { height: 1, parentTime: 0, target: decodeBits(bits)! };
          const time = 600 * (height + 2) + offset;
          assert.equal(
            asertBits(anchor, BCH, height + 1, time),
            referenceBits(anchor, BCH, height + 1, time, 'floor'),
          );
          const mainTime = MAIN.genesis.timestamp + 60 * height + Math.trunc(offset / 100);
          assert.equal(
            asertBits(mainAnchor, MAIN, height, mainTime),
            referenceBits(mainAnchor, MAIN, height, mainTime, 'floor'),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the worked values of PROTOCOL.md §10.6 on main', () => {
    const G = MAIN.genesis.timestamp;
    const a = asertAnchor(MAIN);
    const table: [number, number, number, string][] = [
      [0, G, 0x1e0fffff, '00000fffff000000'],
      [59, G + 3540, 0x1e0fffff, '00000fffff000000'],
      [59, G + 3539, 0x1e0fff2f, '00000fff2f000d00'],
      [10, G + 300, 0x1e0f1a77, '00000f1a770e5880'],
      [119, G + 3540, 0x1e07ffff, '000007ffff800000'],
      [239, G + 7140, 0x1e03ffff, '000003ffffc00000'],
      [3600, G + 3600, 0x1701ffff, '00000000000000000001ffffe000'],
      [1000, G + 131940, 0x1e0fffff, '00000fffff000000'],
    ];
    for (const [h, t, bits, prefix] of table) {
      assert.equal(hex(asertBits(a, MAIN, h, t)), hex(bits), `parent ${h} at G + ${t - G}`);
      assert.ok(
        bigIntToHex256(asertTarget(a, MAIN, h, t)).startsWith(prefix),
        `target for ${h} at G + ${t - G}`,
      );
    }
  });

  // A synthetic anchor well inside the limit, so that doubling does not clamp.
  const params: AsertParams = { targetSpacing: 60, halfLife: 3600, powLimit: MAIN.powLimit };
  const anchor: AsertAnchor = { height: 0, parentTime: 1_000_000, target: MAIN.powLimit >> 10n };
  /** Parent time exactly on schedule for a parent at `height`. */
  const onSchedule = (height: number) => anchor.parentTime + params.targetSpacing * (height + 1);

  it('on schedule: the anchor target, at any height', () => {
    for (const height of [0, 1, 10, 1000, 1_000_000]) {
      assert.equal(asertTarget(anchor, params, height, onSchedule(height)), anchor.target);
    }
  });

  it('one half-life ahead of schedule halves the target; one behind doubles it', () => {
    for (const height of [0, 5, 500]) {
      const t = onSchedule(height);
      assert.equal(asertTarget(anchor, params, height, t - params.halfLife), anchor.target / 2n);
      assert.equal(asertTarget(anchor, params, height, t + params.halfLife), anchor.target * 2n);
      assert.equal(asertTarget(anchor, params, height, t - 3 * params.halfLife), anchor.target / 8n);
      assert.equal(asertTarget(anchor, params, height, t + 3 * params.halfLife), anchor.target * 8n);
      // In compact form: equal to the truncation of the exact value.
      const half = decodeBits(asertBits(anchor, params, height, t - params.halfLife))!;
      assert.equal(half, truncateTarget(anchor.target / 2n));
      const double = decodeBits(asertBits(anchor, params, height, t + params.halfLife))!;
      assert.equal(double, truncateTarget(anchor.target * 2n));
    }
  });

  it('half a half-life ahead multiplies the target by about 1/√2 (cubic approximation)', () => {
    const target = asertTarget(anchor, params, 10, onSchedule(10) - params.halfLife / 2);
    const ratio = Number((target * 1_000_000_000n) / anchor.target) / 1e9;
    assert.ok(Math.abs(ratio - Math.SQRT1_2) < 2e-4, `ratio ${ratio}`);
    const late = asertTarget(anchor, params, 10, onSchedule(10) + params.halfLife / 2);
    const lateRatio = Number((late * 1_000_000_000n) / anchor.target) / 1e9;
    assert.ok(Math.abs(lateRatio - Math.SQRT2) < 3e-4, `ratio ${lateRatio}`);
  });

  it('one block one second late or early moves the target by a tiny step in that direction', () => {
    const t = onSchedule(100);
    assert.ok(asertTarget(anchor, params, 100, t + 1) > anchor.target);
    assert.ok(asertTarget(anchor, params, 100, t - 1) < anchor.target);
    // A block found one spacing early is the same as a schedule one block further.
    assert.equal(
      asertTarget(anchor, params, 101, t),
      asertTarget(anchor, params, 100, t - params.targetSpacing),
    );
  });

  it('clamps at the limit and never goes below 1', () => {
    const t = onSchedule(10);
    assert.equal(asertTarget(anchor, params, 10, t + 20 * params.halfLife), params.powLimit);
    assert.equal(asertTarget(anchor, params, 10, t + 10 * params.halfLife), params.powLimit);
    assert.equal(asertTarget(anchor, params, 10, t + 9 * params.halfLife), anchor.target * 512n);
    assert.equal(asertTarget(anchor, params, 10, t - 300 * params.halfLife), 1n);
    assert.equal(asertBits(anchor, params, 10, t - 300 * params.halfLife), 0x01010000);
    const tiny: AsertAnchor = { ...anchor, target: 3n };
    assert.equal(asertTarget(tiny, params, 10, t - params.halfLife), 1n);
    assert.equal(asertTarget(tiny, params, 10, t - 2 * params.halfLife), 1n);
    assert.equal(asertBits(anchor, params, 10, t + 20 * params.halfLife), encodeBits(params.powLimit));
  });

  it('property: the target grows with the parent time and shrinks with the height, within [1, limit]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: -200_000, max: 200_000 }),
        fc.integer({ min: 1, max: 5000 }),
        (height, offset, step) => {
          const t = onSchedule(height) + offset;
          const target = asertTarget(anchor, params, height, t);
          assert.ok(target >= 1n && target <= params.powLimit);
          assert.ok(asertTarget(anchor, params, height, t + step) >= target);
          assert.ok(asertTarget(anchor, params, height + step, t) <= target);
          const bits = asertBits(anchor, params, height, t);
          assert.equal(decodeBits(bits), truncateTarget(target));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('MAIN anchors at its genesis: the child of genesis gets the limit; a fast parent gets less', () => {
    const a = asertAnchor(MAIN);
    assert.deepEqual(a, { height: 0, parentTime: MAIN.genesis.timestamp - 60, target: MAIN.powLimit });
    assert.equal(asertBits(a, MAIN, 0, MAIN.genesis.timestamp), MAIN.powLimitBits);
    assert.equal(asertBits(a, MAIN, 10, MAIN.genesis.timestamp + 600), MAIN.powLimitBits);
    const fast = decodeBits(asertBits(a, MAIN, 10, MAIN.genesis.timestamp + 600 - MAIN.halfLife))!;
    assert.equal(fast, truncateTarget(MAIN.powLimit / 2n));
    // Behind schedule the main target cannot pass its limit.
    assert.equal(asertBits(a, MAIN, 10, MAIN.genesis.timestamp + 600 + MAIN.halfLife), MAIN.powLimitBits);
  });
});

describe('requiredBits', () => {
  const parentAt = (index: number, timestamp: number): BlockHeader => ({
    version: 1,
    index,
    previous_hash: '00'.repeat(32),
    merkle_root: '00'.repeat(32),
    timestamp,
    bits: MAIN.powLimitBits,
    nonce: 0,
  });

  it('regtest: always the limit, whatever the parent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (index, timestamp) => {
          assert.equal(requiredBits(REGTEST, parentAt(index, timestamp)), REGTEST.powLimitBits);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('main: aserti3-2d from the genesis anchor', () => {
    const g = MAIN.genesis.timestamp;
    assert.equal(requiredBits(MAIN, MAIN.genesis), MAIN.powLimitBits);
    assert.equal(requiredBits(MAIN, parentAt(59, g + 60 * 59)), MAIN.powLimitBits);
    const ahead = parentAt(120, g + 60 * 120 - 3600);
    assert.equal(requiredBits(MAIN, ahead), asertBits(asertAnchor(MAIN), MAIN, 120, g + 60 * 120 - 3600));
    assert.equal(decodeBits(requiredBits(MAIN, ahead)), truncateTarget(MAIN.powLimit / 2n));
  });
});

describe('medianTimePast', () => {
  it('is the middle of the sorted timestamps (the upper middle for an even count)', () => {
    assert.equal(medianTimePast([5]), 5);
    assert.equal(medianTimePast([1, 2]), 2);
    assert.equal(medianTimePast([3, 1, 2]), 2);
    assert.equal(medianTimePast([10, 40, 20, 30]), 30);
    assert.equal(medianTimePast([1, 1, 1, 9, 9]), 1);
    assert.equal(medianTimePast([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]), 6);
  });

  it('sorts numerically and leaves its input alone', () => {
    const input = [100, 9, 1000, 20, 3];
    assert.equal(medianTimePast(input), 20);
    assert.deepEqual(input, [100, 9, 1000, 20, 3]);
  });

  it('throws RangeError on no timestamps', () => {
    assert.throws(() => medianTimePast([]), RangeError);
  });

  it('property: at least half the timestamps are ≤ it and at least half are ≥ it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 11 }),
        (times) => {
          const m = medianTimePast(times);
          assert.ok(times.includes(m));
          assert.ok(times.filter((t) => t <= m).length * 2 >= times.length);
          assert.ok(times.filter((t) => t >= m).length * 2 >= times.length);
        },
      ),
    );
  });
});
