import { encodeBits } from './compact.ts';

/**
 * Difficulty adjustment: aserti3-2d, the per-block absolutely scheduled exponential rule of
 * Bitcoin Cash (BCH upgrade of November 2020), anchored at the genesis block
 * (docs/PROTOCOL.md §5.2). Why this rule: it reacts at every block (a small chain's hash rate
 * swings widely), depends only on the anchor and the parent (cheap to validate, no epoch
 * windows), and has no rounding drift because the schedule is absolute.
 *
 *   exponent = ((t_parent − t_anchor_parent) − spacing · (h_parent − h_anchor + 1)) · 2^16 / halflife
 *   target   = anchor_target · 2^(exponent / 2^16), with the cubic fixed-point approximation
 *              of 2^x on [0, 1) given in the BCH specification, then clamped to [1, pow_limit]
 *              and truncated to its compact form.
 */
export interface AsertAnchor {
  /** Height of the anchor block. */
  readonly height: number;
  /** Timestamp of the anchor block's parent (for the genesis anchor: its timestamp − spacing). */
  readonly parentTime: number;
  /** The anchor block's target. */
  readonly target: bigint;
}

export interface AsertParams {
  readonly targetSpacing: number;
  readonly halfLife: number;
  readonly powLimit: bigint;
}

/** Floor division of bigints (Python's //), which the specification's arithmetic shift implies. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** aserti3-2d target for the child of a block at `parentHeight` with `parentTime`. */
export function asertTarget(
  anchor: AsertAnchor,
  params: AsertParams,
  parentHeight: number,
  parentTime: number,
): bigint {
  const timeDelta = BigInt(parentTime - anchor.parentTime);
  const heightDelta = BigInt(parentHeight - anchor.height);
  let exponent = floorDiv(
    (timeDelta - BigInt(params.targetSpacing) * (heightDelta + 1n)) * 65536n,
    BigInt(params.halfLife),
  );
  const shifts = exponent >> 16n; // arithmetic shift: floor
  exponent -= shifts * 65536n; // fractional part, 0 ≤ exponent < 65536
  const factor =
    ((195766423245049n * exponent + 971821376n * exponent ** 2n + 5127n * exponent ** 3n + (1n << 47n)) >>
      48n) +
    65536n;
  let target = anchor.target * factor;
  target = shifts < 0n ? target >> -shifts : target << shifts;
  target >>= 16n;
  if (target === 0n) return 1n;
  if (target > params.powLimit) return params.powLimit;
  return target;
}

/** The compact bits the child of (`parentHeight`, `parentTime`) must carry. */
export function asertBits(
  anchor: AsertAnchor,
  params: AsertParams,
  parentHeight: number,
  parentTime: number,
): number {
  return encodeBits(asertTarget(anchor, params, parentHeight, parentTime));
}

/** Bitcoin's median time past: the median of the timestamps of up to 11 latest blocks (§6). */
export function medianTimePast(timestamps: readonly number[]): number {
  if (timestamps.length === 0) throw new RangeError('median of no timestamps');
  const sorted = [...timestamps].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
