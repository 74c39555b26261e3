/**
 * A second, independent RFC 8785 (JSON Canonicalization Scheme) serialiser, written from the RFC
 * and ECMA-262 for the tests and scripts/generate-vectors.ts to cross-check src/core/canonical.ts
 * (which uses the `canonicalize` package). Slow and plain on purpose; JSON values only.
 */

/** RFC 8785 §3.2.2.2: lone surrogates MUST make a compliant implementation fail. */
function checkWellFormed(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next < 0xdc00 || next > 0xdfff) throw new TypeError(`lone surrogate at ${i}`);
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      throw new TypeError(`lone surrogate at ${i}`);
    }
  }
}

const SHORT_ESCAPES: Record<number, string> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  12: '\\f',
  13: '\\r',
  34: '\\"',
  92: '\\\\',
};

/**
 * RFC 8785 §3.2.2.2 (ECMA-262 QuoteJSONString): `"` and `\` escaped, control characters below
 * U+0020 as the short escapes where JSON has one, else `\u00xx` in lowercase hex; every other
 * code unit (DEL, U+2028, non-ASCII) as itself.
 */
export function referenceString(text: string): string {
  checkWellFormed(text);
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const short = SHORT_ESCAPES[unit];
    if (short !== undefined) out += short;
    else if (unit < 0x20) out += `\\u${unit.toString(16).padStart(4, '0')}`;
    else out += text[i];
  }
  return `${out}"`;
}

/** x > 0 as m × 2^e exactly, from its IEEE 754 bits. */
function binaryParts(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return exponent === 0 ? { m: fraction, e: -1074 } : { m: fraction | (1n << 52n), e: exponent - 1075 };
}

/** |s × 10^q − x|, scaled by a factor that depends only on q and x (so comparable for one q). */
function scaledDistance(s: bigint, q: number, x: { m: bigint; e: number }): bigint {
  const decimal = s * 10n ** BigInt(Math.max(0, q)) * 2n ** BigInt(Math.max(0, -x.e));
  const binary = x.m * 2n ** BigInt(Math.max(0, x.e)) * 10n ** BigInt(Math.max(0, -q));
  return decimal > binary ? decimal - binary : binary - decimal;
}

/**
 * ECMA-262 Number::toString step 5 for x > 0: the integers k, s, n with k as small as possible,
 * s of k digits, s × 10^(n − k) reading back as x; of several such s the closest to x, and of two
 * equally close the even one. Candidates: the nearest k-digit decimal (toExponential) and its
 * two neighbours, compared exactly in BigInt.
 */
function shortestDigits(x: number): { digits: string; n: number } {
  const exact = binaryParts(x);
  for (let k = 1; k <= 17; k++) {
    const [mantissa, exponent] = x.toExponential(k - 1).split('e') as [string, string];
    const nearest = BigInt(mantissa.replace('.', ''));
    const q = Number(exponent) + 1 - k;
    let best: bigint | undefined;
    for (const s of [nearest - 1n, nearest, nearest + 1n]) {
      if (s.toString().length !== k || Number(`${s}e${q}`) !== x) continue;
      if (best === undefined) {
        best = s;
        continue;
      }
      const diff = scaledDistance(s, q, exact) - scaledDistance(best, q, exact);
      if (diff < 0n || (diff === 0n && s % 2n === 0n)) best = s;
    }
    if (best !== undefined) return { digits: best.toString(), n: q + k };
  }
  throw new Error(`no 17-digit decimal reads back as ${x}`);
}

/**
 * RFC 8785 §3.2.2.3: ECMA-262 Number::toString(x), built here from its definition rather than
 * taken from String(x): x = s × 10^(n − k) with the k digits of s from {@link shortestDigits},
 * then written in plain or exponent form by the position n of the decimal point.
 */
export function referenceNumber(x: number): string {
  if (!Number.isFinite(x)) throw new TypeError(`${x} has no JSON form`);
  if (x === 0) return '0'; // also −0 (ECMA-262 step 2)
  if (x < 0) return `-${referenceNumber(-x)}`;
  const { digits, n } = shortestDigits(x);
  const k = digits.length;
  if (k <= n && n <= 21) return digits + '0'.repeat(n - k);
  if (0 < n && n <= 21) return `${digits.slice(0, n)}.${digits.slice(n)}`;
  if (-6 < n && n <= 0) return `0.${'0'.repeat(-n)}${digits}`;
  const e = n - 1;
  const sign = e < 0 ? '-' : '+';
  const mantissa = k === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return `${mantissa}e${sign}${Math.abs(e)}`;
}

/** RFC 8785 §3.2.3: property names sorted by their UTF-16 code units, compared as unsigned integers. */
function compareCodeUnits(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = a.charCodeAt(i) - b.charCodeAt(i);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

/** The canonical JSON text of a JSON value (null, booleans, finite numbers, strings, arrays, plain objects). */
export function referenceCanonicalJson(value: unknown): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return referenceNumber(value);
  if (typeof value === 'string') return referenceString(value);
  if (Array.isArray(value)) return `[${value.map(referenceCanonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const names = Object.keys(record).sort(compareCodeUnits);
    return `{${names.map((name) => `${referenceString(name)}:${referenceCanonicalJson(record[name])}`).join(',')}}`;
  }
  throw new TypeError(`${typeof value} is not a JSON value`);
}
