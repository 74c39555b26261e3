import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson } from '#core/canonical.ts';

/** The same JSON value with every object's keys in a different order (reversed, recursively). */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (typeof value === 'object' && value !== null) {
    // Object.fromEntries defines own properties, so a "__proto__" key stays a plain member.
    const entries = Object.keys(value).map((key) => [
      key,
      reordered((value as Record<string, unknown>)[key]),
    ]);
    return Object.fromEntries(entries.reverse());
  }
  return value;
}

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Compare the text: Object.keys would list the integer-like key "1" first whatever the order.
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    const expected = `{${order.map((k) => `${JSON.stringify(k)}:${JSON.stringify(input[k as keyof typeof input])}`).join(',')}}`;
    assert.equal(canonicalJson(input), expected);
    assert.ok(expected.startsWith('{"\\r":"Carriage Return","1":"One","\u0080":"Control"'));
  });

  it('writes numbers as ECMAScript does (RFC 8785 §3.2.2.3)', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [1, '1'],
      [1795392000.1, '1795392000.1'],
      [1e-7, '1e-7'],
      [0.000001, '0.000001'],
      [1e21, '1e+21'],
      [333333333.3333333, '333333333.3333333'],
      [5e-324, '5e-324'],
      [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    ];
    for (const [value, text] of cases) assert.equal(canonicalJson(value), text);
  });

  it('escapes strings minimally: quote, backslash and control characters only', () => {
    assert.equal(canonicalJson('a"b\\c/d'), '"a\\"b\\\\c/d"');
    assert.equal(canonicalJson('\n\t\r\b\f\u0000\u001f'), '"\\n\\t\\r\\b\\f\\u0000\\u001f"');
    assert.equal(canonicalJson('\u007f\u2028é🦊'), '"\u007f\u2028é🦊"');
  });

  it('has no whitespace and drops undefined members', () => {
    assert.equal(
      canonicalJson({ b: [1, { d: 2, c: null }], a: 'x', u: undefined }),
      '{"a":"x","b":[1,{"c":null,"d":2}]}',
    );
  });

  it('throws on what JSON cannot carry', () => {
    assert.throws(() => canonicalJson(Number.NaN));
    assert.throws(() => canonicalJson(Number.POSITIVE_INFINITY));
    assert.throws(() => canonicalJson({ a: '\ud800' }));
    assert.throws(() => canonicalJson(undefined), TypeError);
  });

  it('property: key-order independent, and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        assert.equal(canonicalJson(reordered(value)), text);
        // JSON.parse(JSON.stringify(v)) normalises -0 to 0 exactly as JCS does.
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
        assert.equal(canonicalJson(JSON.parse(text)), text);
      }),
      { numRuns: 300 },
    );
  });
});
