/** Byte helpers that work the same in Node.js and in browsers (no Buffer). */

const HEX_DIGITS = '0123456789abcdef';
const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => HEX_DIGITS[i >> 4]! + HEX_DIGITS[i & 15]!);

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_BYTE[bytes[i]!];
  return out;
}

const LOWER_HEX = /^(?:[0-9a-f]{2})*$/;

/** True when `value` is a string of exactly `byteLength` bytes in lowercase hex. */
export function isLowerHex(value: unknown, byteLength: number): value is string {
  return typeof value === 'string' && value.length === byteLength * 2 && LOWER_HEX.test(value);
}

/** Value of each ASCII hex digit, −1 for every other code unit below 128. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE[HEX_DIGITS.charCodeAt(i)] = i;
  HEX_VALUE[HEX_DIGITS.toUpperCase().charCodeAt(i)] = i;
}

function hexValue(code: number): number {
  return code < 128 ? HEX_VALUE[code]! : -1;
}

/** Decodes lowercase (or uppercase) hex; throws RangeError on odd length or a non-hex digit. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new RangeError('hex string has odd length');
  const out = new Uint8Array(hex.length / 2);
  // A table lookup per digit: on the admission path of every signed post (three keys a post).
  for (let i = 0; i < out.length; i++) {
    const high = hexValue(hex.charCodeAt(i * 2));
    const low = hexValue(hex.charCodeAt(i * 2 + 1));
    if (high < 0 || low < 0) throw new RangeError(`invalid hex digit at ${i * 2}`);
    out[i] = (high << 4) | low;
  }
  return out;
}

const encoder = new TextEncoder();

/** UTF-8 encoding of a well-formed string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Number of bytes of the UTF-8 encoding of `text`, without allocating it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Concatenation of byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Constant-shape equality of two byte arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The 256-bit big-endian unsigned integer whose bytes are given in hex. */
export function hexToBigInt(hex: string): bigint {
  return hex.length === 0 ? 0n : BigInt(`0x${hex}`);
}

/** 64 lowercase hex characters of a 256-bit unsigned integer. */
export function bigIntToHex256(value: bigint): string {
  if (value < 0n || value >= 1n << 256n) throw new RangeError('value does not fit in 256 bits');
  return value.toString(16).padStart(64, '0');
}
