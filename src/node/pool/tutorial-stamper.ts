import type { CryptoPort } from '../../core/crypto.ts';
import { type Post, postSize } from '../../core/post.ts';
import { bitsForWork, grindStamp, stampDigest } from '../../core/stamp.ts';
import { NodeError, NodeErrorCode } from '../errors.ts';
import { HashBudget, type HashBudgetOptions } from './budget.ts';

/** Hashes per slice of grinding between event-loop turns: ~5 ms of one core. */
const SLICE = 8192;
/** `"stamp":{"bits":4294967295,"nonce":9007199254740991},`: the most a stamp adds to a post. */
const STAMP_MEMBER_MAX_BYTES = ',"stamp":{"bits":4294967295,"nonce":9007199254740991}'.length;

/**
 * Stamps the tutorial's posts (`POST /new_transaction`, which cannot stamp) for the caller at the
 * pool's current minimum, within a budget of node CPU per client address and in total
 * (./budget.ts). Grinds in slices between event-loop turns, so the node stays responsive.
 * A post that needs no work gets no stamp: its id stays the tutorial's.
 */
export class TutorialStamper {
  readonly budget: HashBudget;

  constructor(
    private readonly crypto: CryptoPort,
    private readonly requiredWork: (bytes: number) => number,
    options: HashBudgetOptions & { readonly nowMs?: () => number } = {},
  ) {
    this.budget = new HashBudget(options.nowMs, options);
  }

  async stamp(post: Post, client: string): Promise<Post> {
    const work = this.requiredWork(postSize(post) + STAMP_MEMBER_MAX_BYTES);
    if (work <= 0) return post;
    if (!this.budget.allows(client, work)) {
      throw new NodeError(
        NodeErrorCode.STAMP_BUDGET_EXHAUSTED,
        `stamping this post takes about ${work} hashes, more than this node spends for you now; retry later or stamp it yourself (POST /api/v1/posts)`,
      );
    }
    const bits = bitsForWork(BigInt(work));
    const digest = stampDigest(post, this.crypto);
    let spent = 0;
    // 64 times the expected attempts: missing a stamp within it has probability e^-64.
    const limit = Math.min(64 * work + SLICE, 2 ** 50);
    try {
      for (let start = 0; start < limit; start += SLICE) {
        const outcome = grindStamp(post, bits, this.crypto, { start, count: SLICE }, digest);
        if (outcome.found) {
          spent += outcome.stamp.nonce - start + 1;
          return { ...post, stamp: outcome.stamp };
        }
        spent += SLICE;
        await new Promise((resolve) => setImmediate(resolve));
      }
      throw new NodeError(NodeErrorCode.STAMP_BUDGET_EXHAUSTED, 'no stamp found within the budget; retry');
    } finally {
      this.budget.charge(client, spent);
    }
  }
}

const stampers = new WeakMap<object, TutorialStamper>();

/** The one stamper of a pool (created on first use), pricing posts at its current minimum. */
export function stamperFor(
  pool: { requiredWork(bytes: number): number },
  crypto: CryptoPort,
): TutorialStamper {
  let stamper = stampers.get(pool);
  if (stamper === undefined) {
    stamper = new TutorialStamper(crypto, (bytes) => pool.requiredWork(bytes));
    stampers.set(pool, stamper);
  }
  return stamper;
}
