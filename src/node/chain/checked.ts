import { checkBlockBeforeSignatures, type ValidBlock } from '../../core/block.ts';
import type { CryptoPort } from '../../core/crypto.ts';
import { ok, type Result } from '../../core/errors.ts';
import type { NetworkParams } from '../../core/params.ts';

/** Only {@link checkBlock} constructs a CheckedBlock. */
const CHECKED = Symbol('CheckedBlock');

/**
 * A block that passed §7.1 steps 1–16 (form, header, proof of work, size, duplicates, merkle
 * root) and whose signatures (step 17) are still to be checked. These checks need no chain, so
 * sync runs them as soon as a body arrives, verifies the signatures on worker threads, and
 * hands the result to `Chain.acceptBlock` when the block's turn comes; the chain then checks
 * the signatures and everything else without parsing or hashing the posts again.
 *
 * Frozen, so that the ids stay those of the posts they were computed from.
 */
export class CheckedBlock {
  readonly valid: ValidBlock;

  constructor(token: typeof CHECKED, valid: ValidBlock) {
    if (token !== CHECKED) throw new TypeError('a CheckedBlock comes from checkBlock()');
    for (const post of valid.block.transactions) Object.freeze(post);
    Object.freeze(valid.block.transactions);
    Object.freeze(valid.block);
    Object.freeze(valid.ids);
    Object.freeze(valid.sizes);
    this.valid = Object.freeze(valid);
    Object.freeze(this);
  }

  get hash(): string {
    return this.valid.block.hash;
  }
}

/** §7.1 steps 1–16 of a block from anyone; never throws on hostile input. */
export function checkBlock(input: unknown, params: NetworkParams, crypto: CryptoPort): Result<CheckedBlock> {
  const checked = checkBlockBeforeSignatures(input, params, crypto);
  if (!checked.ok) return checked;
  return ok(new CheckedBlock(CHECKED, checked.value));
}
