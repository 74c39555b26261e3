import type { Block } from './block.ts';
import { asertBits, medianTimePast } from './difficulty.ts';
import { ErrorCode, fail, ok, type Result } from './errors.ts';
import type { BlockHeader } from './header.ts';
import { asertAnchor, type NetworkParams } from './params.ts';

/** What the chain tells the validator about the parent of a block (docs/PROTOCOL.md §7.2). */
export interface ParentContext {
  /** The parent's header and hash. */
  readonly parent: BlockHeader & { readonly hash: string };
  /** Timestamps of the parent and its ancestors, newest last, up to `params.medianTimeSpan` of them. */
  readonly recentTimestamps: readonly number[];
}

/** The compact bits a child of `parent` must carry (§5.2). */
export function requiredBits(params: NetworkParams, parent: BlockHeader): number {
  if (!params.difficultyAdjustment) return params.powLimitBits;
  return asertBits(asertAnchor(params), params, parent.index, parent.timestamp);
}

/** The smallest timestamp a child of this context may carry: median time past + 1. */
export function minimumTimestamp(context: ParentContext): number {
  return medianTimePast(context.recentTimestamps) + 1;
}

/**
 * Header rules that depend on the parent (§7.2): link, height, difficulty, and time.
 * `now` is the validator's clock in seconds; a block too far ahead of it is rejected (it may
 * become valid later, so callers should not ban the sender for BLOCK_TIME_TOO_NEW alone).
 */
export function validateHeaderContext(
  header: BlockHeader,
  context: ParentContext,
  params: NetworkParams,
  now: number,
): Result<void> {
  const { parent } = context;
  if (header.previous_hash !== parent.hash) {
    return fail(ErrorCode.BLOCK_BAD_PREVIOUS, `previous_hash is not ${parent.hash}`);
  }
  if (header.index !== parent.index + 1) {
    return fail(
      ErrorCode.BLOCK_BAD_INDEX,
      `index ${header.index} does not follow the parent's ${parent.index}`,
    );
  }
  const bits = requiredBits(params, parent);
  if (header.bits !== bits) {
    return fail(
      ErrorCode.BLOCK_BAD_DIFFICULTY,
      `bits 0x${header.bits.toString(16)} are not the required 0x${bits.toString(16)}`,
    );
  }
  const minimum = minimumTimestamp(context);
  if (header.timestamp < minimum) {
    return fail(
      ErrorCode.BLOCK_TIME_TOO_OLD,
      `timestamp ${header.timestamp} is not above the median time past ${minimum - 1}`,
    );
  }
  if (header.timestamp > now + params.maxFutureBlockTime) {
    return fail(
      ErrorCode.BLOCK_TIME_TOO_NEW,
      `timestamp ${header.timestamp} is more than 2 hours ahead of ${Math.floor(now)}`,
    );
  }
  return ok(undefined);
}

/**
 * Body rules that depend on the chain (§7.3): no post later than the block's time plus the
 * future allowance, and no post already confirmed in the chain the block extends.
 */
export function validateBodyContext(
  block: Block,
  ids: readonly string[],
  params: NetworkParams,
  isConfirmedInChain: (id: string) => boolean,
): Result<void> {
  for (let i = 0; i < block.transactions.length; i++) {
    if (block.transactions[i]!.timestamp > block.timestamp + params.maxFutureBlockTime) {
      return fail(ErrorCode.BLOCK_POST_TIME_TOO_NEW, `post ${i} is dated more than 2 hours after the block`);
    }
    if (isConfirmedInChain(ids[i]!)) {
      return fail(
        ErrorCode.BLOCK_POST_ALREADY_CONFIRMED,
        `post ${ids[i]} is already confirmed in this chain`,
      );
    }
  }
  return ok(undefined);
}
