/**
 * Compact target encoding ("bits"), as Bitcoin's nBits (docs/PROTOCOL.md §4.3):
 * a 32-bit word E·2^24 + M encodes target = M · 256^(E−3), with M < 2^23 (the sign bit
 * 0x00800000 must be clear). Only the canonical (shortest, normalised) encoding of a
 * target is valid, so one target has exactly one header encoding.
 */

/** Decodes compact bits to a target; returns undefined for negative, zero, overflowing or non-canonical bits. */
export function decodeBits(bits: number): bigint | undefined {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) return undefined;
  const exponent = bits >>> 24;
  const mantissa = bits & 0x007fffff;
  if (bits & 0x00800000 || mantissa === 0) return undefined;
  const target =
    exponent <= 3
      ? BigInt(mantissa) >> BigInt(8 * (3 - exponent))
      : BigInt(mantissa) << BigInt(8 * (exponent - 3));
  if (target === 0n || target >= 1n << 256n) return undefined;
  if (encodeBits(target) !== bits) return undefined;
  return target;
}

/** Encodes a target (1 ≤ target < 2^256) to compact bits, truncating to 23 significant bits. */
export function encodeBits(target: bigint): number {
  if (target <= 0n || target >= 1n << 256n) throw new RangeError('target out of range');
  let size = Math.ceil(target.toString(16).length / 2);
  let mantissa =
    size <= 3 ? Number(target << BigInt(8 * (3 - size))) : Number(target >> BigInt(8 * (size - 3)));
  // A mantissa with its top bit set would read as negative: move one byte into the exponent.
  if (mantissa & 0x00800000) {
    mantissa >>>= 8;
    size += 1;
  }
  return ((size << 24) | mantissa) >>> 0;
}

/** The target a compact value denotes, normalised through encode/decode (truncation of low bits). */
export function truncateTarget(target: bigint): bigint {
  const bits = encodeBits(target);
  const decoded = decodeBits(bits);
  if (decoded === undefined) throw new RangeError('target cannot be encoded');
  return decoded;
}
