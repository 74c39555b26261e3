import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson } from '#core/canonical.ts';
import { referenceCanonicalJson, referenceNumber } from '../helpers/jcs-reference.ts';

/** Both implementations: core's (the `canonicalize` package) and the independent reference. */
const IMPLEMENTATIONS: ReadonlyArray<readonly [string, (value: unknown) => string]> = [
  ['canonicalJson', canonicalJson],
  ['reference', referenceCanonicalJson],
];

/** The IEEE 754 double with these 64 bits (given as 16 hex digits). */
function double(bits: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${bits}`));
  return view.getFloat64(0);
}

describe('RFC 8785 examples, on both implementations', () => {
  for (const [name, canonical] of IMPLEMENTATIONS) {
    it(`${name}: the §3.2.2 example (numbers, escapes, literals, sorted members)`, () => {
      const input = JSON.parse(
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
          ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
          ' "literals": [null, true, false]}',
      );
      assert.equal(
        canonical(input),
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
          '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
      );
    });

    it(`${name}: the §3.2.3 sorting example (UTF-16 code units, not code points)`, () => {
      const input = JSON.parse(
        '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh",' +
          ' "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control",' +
          ' "\\u00f6": "Latin Small Letter O With Diaeresis"}',
      );
      const values = Object.values(JSON.parse(canonical(input)) as Record<string, string>);
      // Object.values lists "1" first whatever the text says: read the order from the text instead.
      const text = canonical(input);
      const order = values.map((v) => text.indexOf(`"${v}"`)).sort((a, b) => a - b);
      const names = order.map((at) => text.slice(at + 1, text.indexOf('"', at + 1)));
      assert.deepEqual(names, [
        'Carriage Return',
        'One',
        'Control',
        'Latin Small Letter O With Diaeresis',
        'Euro Sign',
        'Emoji: Grinning Face',
        'Hebrew Letter Dalet With Dagesh',
      ]);
    });

    it(`${name}: the Appendix B number examples (IEEE 754 bits → text)`, () => {
      const cases: [string, string][] = [
        ['0000000000000000', '0'],
        ['8000000000000000', '0'],
        ['0000000000000001', '5e-324'],
        ['8000000000000001', '-5e-324'],
        ['7fefffffffffffff', '1.7976931348623157e+308'],
        ['ffefffffffffffff', '-1.7976931348623157e+308'],
        ['4340000000000000', '9007199254740992'],
        ['c340000000000000', '-9007199254740992'],
        ['4430000000000000', '295147905179352830000'],
        ['44b52d02c7e14af5', '9.999999999999997e+22'],
        ['44b52d02c7e14af6', '1e+23'],
        ['44b52d02c7e14af7', '1.0000000000000001e+23'],
        ['444b1ae4d6e2ef4e', '999999999999999700000'],
        ['444b1ae4d6e2ef4f', '999999999999999900000'],
        ['444b1ae4d6e2ef50', '1e+21'],
        ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
        ['3eb0c6f7a0b5ed8d', '0.000001'],
        ['41b3de4355555553', '333333333.3333332'],
        ['41b3de4355555554', '333333333.33333325'],
        ['41b3de4355555555', '333333333.3333333'],
        ['41b3de4355555556', '333333333.3333334'],
        ['41b3de4355555557', '333333333.33333343'],
        ['becbf647612f3696', '-0.0000033333333333333333'],
        ['43143ff3c1cb0959', '1424953923781206.2'],
      ];
      for (const [bits, text] of cases) assert.equal(canonical(double(bits)), text, bits);
    });

    it(`${name}: refuses NaN, infinities and lone surrogates (§3.2.2.2, §3.2.2.3)`, () => {
      for (const value of [
        double('7fffffffffffffff'),
        double('7ff0000000000000'),
        -Infinity,
        'a\ud800',
        '\udc00b',
      ]) {
        assert.throws(() => canonical(value), String(value));
      }
    });
  }
});

/** The text, or "throws" when the implementation refuses the value. */
function answer(canonical: (value: unknown) => string, value: unknown): string {
  try {
    return canonical(value);
  } catch {
    return 'throws';
  }
}

describe('the two implementations agree (fast-check)', () => {
  it('on random JSON values, including any Unicode (and lone surrogates) in strings and keys', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' }),
        fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }),
        (...values) => {
          for (const value of values)
            assert.equal(answer(referenceCanonicalJson, value), answer(canonicalJson, value));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('on random doubles, written as ECMAScript writes them', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        assert.equal(referenceNumber(x), canonicalJson(x));
        assert.equal(referenceNumber(x), x === 0 ? '0' : String(x));
      }),
      { numRuns: 5000 },
    );
  });

  it('on post-shaped objects with any string content', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            author: fc.string({ unit: 'grapheme' }),
            content: fc.string({ unit: 'binary' }),
            timestamp: fc.double({ min: 0, max: 1e11, noNaN: true }),
            reply_to: fc.string({
              unit: fc.constantFrom(...'0123456789abcdef'),
              minLength: 64,
              maxLength: 64,
            }),
          },
          { requiredKeys: ['author', 'content', 'timestamp'] },
        ),
        (post) => assert.equal(answer(referenceCanonicalJson, post), answer(canonicalJson, post)),
      ),
      { numRuns: 1000 },
    );
  });
});
