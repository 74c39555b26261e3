import { ErrorCode } from '../../core/errors.ts';

/** How many invalid block hashes a node remembers (Bitcoin Core keeps them in its block index). */
export const INVALID_MEMORY_SIZE = 10_000;

/**
 * Header-context failures that belong to the header itself, given a known parent: the same header
 * fails again whatever body comes with it. Not BLOCK_PARENT_UNKNOWN (we lack context) nor
 * BLOCK_TIME_TOO_NEW (it becomes valid as our clock moves).
 */
const HEADER_FAILURES_INTRINSIC: ReadonlySet<string> = new Set<string>([
  ErrorCode.BLOCK_BAD_PREVIOUS,
  ErrorCode.BLOCK_BAD_INDEX,
  ErrorCode.BLOCK_BAD_DIFFICULTY,
  ErrorCode.BLOCK_TIME_TOO_OLD,
  ErrorCode.BLOCK_BAD_GENESIS,
  ErrorCode.BLOCK_PARENT_INVALID,
]);

/**
 * Whether a failure condemns the block's hash. Only called for headers whose proof of work was
 * checked, so filling the memory costs real work. `committed` is the body check's verdict on
 * whether the header's merkle root covers the faulty posts (core's BodyResult, set only for
 * BLOCK_TOO_LARGE and BLOCK_DUPLICATE_POST): a body that
 * does not match may be a mutation of a valid block's (CVE-2012-2459) and condemns nothing, and
 * signatures are not covered by the root, so a bad signature never condemns the hash either.
 */
export function condemnsHash(code: string, stage: 'header' | 'body', committed?: boolean): boolean {
  if (stage === 'header') return HEADER_FAILURES_INTRINSIC.has(code);
  return committed === true;
}

/**
 * A bounded set of hashes of blocks found invalid (least recently seen evicted first): a replay
 * of the same block is refused from its header alone, before its posts are parsed or verified.
 */
export class InvalidBlockMemory {
  private readonly hashes = new Map<string, true>();

  constructor(private readonly capacity = INVALID_MEMORY_SIZE) {}

  get size(): number {
    return this.hashes.size;
  }

  /** True when `hash` was remembered; refreshes its place. */
  has(hash: string): boolean {
    if (!this.hashes.has(hash)) return false;
    this.hashes.delete(hash);
    this.hashes.set(hash, true);
    return true;
  }

  add(hash: string): void {
    this.hashes.delete(hash);
    this.hashes.set(hash, true);
    if (this.hashes.size > this.capacity) {
      const oldest = this.hashes.keys().next().value as string;
      this.hashes.delete(oldest);
    }
  }
}
