import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Block, headerOf } from '#core/block.ts';
import { decodeBits, truncateTarget } from '#core/compact.ts';
import {
  minimumTimestamp,
  type ParentContext,
  requiredBits,
  validateBodyContext,
  validateHeaderContext,
} from '#core/contextual.ts';
import { ErrorCode, type Result } from '#core/errors.ts';
import type { BlockHeader } from '#core/header.ts';
import { MAIN, REGTEST } from '#core/params.ts';
import { type Post, postId } from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { regtestChain } from '../../scripts/generate-vectors.ts';

const [GENESIS, B1, B2, B3] = regtestChain() as [Block, Block, Block, Block];
const T = GENESIS.timestamp;
/** A clock at which every block of the chain is in the past. */
const NOW = B3.timestamp + 60;

function codeOf(result: Result<unknown>): string | undefined {
  return result.ok ? undefined : result.code;
}

function context(parent: Block, ancestors: readonly Block[] = []): ParentContext {
  return { parent, recentTimestamps: [...ancestors, parent].map((b) => b.timestamp) };
}

/** A header for the child of `parent` that passes every contextual rule (regtest). */
function childHeader(parent: Block, changes: Partial<BlockHeader> = {}): BlockHeader {
  return {
    ...headerOf(parent),
    index: parent.index + 1,
    previous_hash: parent.hash,
    timestamp: parent.timestamp + 60,
    bits: REGTEST.powLimitBits,
    ...changes,
  };
}

describe('validateHeaderContext (PROTOCOL.md §7.2)', () => {
  it('accepts each block of the regtest chain against its parent', () => {
    const chain = [GENESIS, B1, B2, B3];
    for (let i = 1; i < chain.length; i++) {
      const result = validateHeaderContext(
        chain[i]!,
        context(chain[i - 1]!, chain.slice(0, i - 1)),
        REGTEST,
        NOW,
      );
      assert.ok(result.ok, result.ok ? '' : result.message);
    }
  });

  it('1. BLOCK_BAD_PREVIOUS: previous_hash must be the parent’s hash', () => {
    assert.equal(
      codeOf(validateHeaderContext(B2, context(GENESIS), REGTEST, NOW)),
      ErrorCode.BLOCK_BAD_PREVIOUS,
    );
    const header = childHeader(B1, { previous_hash: B1.hash.toUpperCase() });
    assert.equal(
      codeOf(validateHeaderContext(header, context(B1), REGTEST, NOW)),
      ErrorCode.BLOCK_BAD_PREVIOUS,
    );
    // First in order: also a wrong index, bits and time.
    const all = childHeader(B1, { previous_hash: GENESIS.hash, index: 7, bits: 0x1e0fffff, timestamp: 0 });
    assert.equal(codeOf(validateHeaderContext(all, context(B1), REGTEST, NOW)), ErrorCode.BLOCK_BAD_PREVIOUS);
  });

  it('2. BLOCK_BAD_INDEX: index must be the parent’s + 1', () => {
    for (const index of [B1.index, B1.index + 2, 0]) {
      const header = childHeader(B1, { index, bits: 0x1e0fffff });
      assert.equal(
        codeOf(validateHeaderContext(header, context(B1), REGTEST, NOW)),
        ErrorCode.BLOCK_BAD_INDEX,
      );
    }
  });

  it('3. BLOCK_BAD_DIFFICULTY on regtest: bits must be 0x207fffff, even if harder', () => {
    for (const bits of [0x2000ffff, 0x1e0fffff, 0x207ffffe]) {
      const header = childHeader(B1, { bits, timestamp: 0 });
      assert.equal(
        codeOf(validateHeaderContext(header, context(B1), REGTEST, NOW)),
        ErrorCode.BLOCK_BAD_DIFFICULTY,
      );
    }
  });

  it('3. BLOCK_BAD_DIFFICULTY on main: bits must be the aserti3-2d value for the parent', () => {
    const genesis = MAIN.genesis as Block;
    const now = genesis.timestamp + 10_000;
    const child = (parent: Block, bits: number): BlockHeader => ({
      ...headerOf(parent),
      index: parent.index + 1,
      previous_hash: parent.hash,
      timestamp: parent.timestamp + 1,
      bits,
    });
    assert.equal(requiredBits(MAIN, genesis), MAIN.powLimitBits);
    assert.ok(validateHeaderContext(child(genesis, MAIN.powLimitBits), context(genesis), MAIN, now).ok);
    assert.equal(
      codeOf(validateHeaderContext(child(genesis, 0x1e0ffffe), context(genesis), MAIN, now)),
      ErrorCode.BLOCK_BAD_DIFFICULTY,
    );
    // A parent one half-life ahead of schedule: its child must carry half the target.
    const fast: Block = {
      ...genesis,
      index: 119,
      timestamp: genesis.timestamp + 3540,
      hash: 'ab'.repeat(32),
    };
    const half = requiredBits(MAIN, fast);
    assert.equal(decodeBits(half), truncateTarget(MAIN.powLimit / 2n));
    assert.ok(validateHeaderContext(child(fast, half), context(fast), MAIN, now).ok);
    assert.equal(
      codeOf(validateHeaderContext(child(fast, MAIN.powLimitBits), context(fast), MAIN, now)),
      ErrorCode.BLOCK_BAD_DIFFICULTY,
    );
  });

  it('4. BLOCK_TIME_TOO_OLD: the timestamp must exceed the median of the last 11 (MTP + 1 is the minimum)', () => {
    // Eleven ancestors with shuffled timestamps: median 1006.
    const times = [1000, 1010, 1001, 1009, 1002, 1008, 1003, 1007, 1004, 1006, 1005].map((t) => T + t);
    const ctx: ParentContext = { parent: B1, recentTimestamps: times };
    assert.equal(minimumTimestamp(ctx), T + 1006);
    const at = (timestamp: number) =>
      codeOf(validateHeaderContext(childHeader(B1, { timestamp }), ctx, REGTEST, NOW));
    assert.equal(at(T + 1005), ErrorCode.BLOCK_TIME_TOO_OLD);
    assert.equal(at(T + 1006), undefined);
    // The child's time may be earlier than its parent's, as long as it is above the median.
    assert.equal(at(T + 1007), undefined);
  });

  it('4. the child of the genesis needs genesis.timestamp + 1', () => {
    const ctx = context(GENESIS);
    assert.equal(minimumTimestamp(ctx), T + 1);
    const at = (timestamp: number) =>
      codeOf(validateHeaderContext(childHeader(GENESIS, { timestamp }), ctx, REGTEST, NOW));
    assert.equal(at(T), ErrorCode.BLOCK_TIME_TOO_OLD);
    assert.equal(at(T + 1), undefined);
  });

  it('5. BLOCK_TIME_TOO_NEW: at most 2 hours past the validator’s clock', () => {
    const now = T + 100.75;
    const at = (timestamp: number) =>
      codeOf(validateHeaderContext(childHeader(GENESIS, { timestamp }), context(GENESIS), REGTEST, now));
    assert.equal(MAIN.maxFutureBlockTime, 7200);
    assert.equal(at(T + 100 + 7200), undefined);
    assert.equal(at(T + 101 + 7200), ErrorCode.BLOCK_TIME_TOO_NEW);
    assert.equal(at(T + 10_000_000), ErrorCode.BLOCK_TIME_TOO_NEW);
    // Too old is checked first.
    const ctx: ParentContext = { parent: GENESIS, recentTimestamps: [T + 20_000] };
    assert.equal(
      codeOf(validateHeaderContext(childHeader(GENESIS, { timestamp: T + 10_000 }), ctx, REGTEST, now)),
      ErrorCode.BLOCK_TIME_TOO_OLD,
    );
  });
});

describe('validateBodyContext (PROTOCOL.md §7.3)', () => {
  const ids = (block: Block) => block.transactions.map((post) => postId(post, nodeCrypto));
  const never = () => false;

  it('accepts the regtest chain’s blocks', () => {
    for (const block of [B1, B2, B3]) assert.ok(validateBodyContext(block, ids(block), REGTEST, never).ok);
  });

  it('BLOCK_POST_TIME_TOO_NEW: a post dated more than 2 hours after its block', () => {
    const block = (timestamp: number): Block => ({
      ...B2,
      transactions: [{ author: 'a', content: 'b', timestamp } as Post],
    });
    const at = (timestamp: number) =>
      codeOf(validateBodyContext(block(timestamp), ['00'.repeat(32)], REGTEST, never));
    assert.equal(at(B2.timestamp + 7200), undefined);
    assert.equal(at(B2.timestamp + 7200.001), ErrorCode.BLOCK_POST_TIME_TOO_NEW);
    // Posts may be older than the block, by any amount.
    assert.equal(at(0), undefined);
  });

  it('BLOCK_POST_ALREADY_CONFIRMED: a post whose id the chain already confirms', () => {
    const confirmed = new Set([ids(B3)[1]!]);
    const asked: string[] = [];
    const result = validateBodyContext(B3, ids(B3), REGTEST, (id) => {
      asked.push(id);
      return confirmed.has(id);
    });
    assert.equal(codeOf(result), ErrorCode.BLOCK_POST_ALREADY_CONFIRMED);
    assert.ok(!result.ok && result.message.includes(ids(B3)[1]!));
    assert.deepEqual(asked, ids(B3).slice(0, 2));
  });

  it('checks both rules on post i before post i + 1', () => {
    const late: Post = { author: 'a', content: 'late', timestamp: B2.timestamp + 8000 };
    const early: Post = { author: 'a', content: 'early', timestamp: T };
    const confirmedIds = ['11'.repeat(32), '22'.repeat(32)];
    const isConfirmed = (id: string) => id === '11'.repeat(32) || id === '22'.repeat(32);
    const first = validateBodyContext(
      { ...B2, transactions: [early, late] },
      confirmedIds,
      REGTEST,
      isConfirmed,
    );
    assert.equal(codeOf(first), ErrorCode.BLOCK_POST_ALREADY_CONFIRMED);
    const second = validateBodyContext(
      { ...B2, transactions: [late, early] },
      confirmedIds,
      REGTEST,
      isConfirmed,
    );
    assert.equal(codeOf(second), ErrorCode.BLOCK_POST_TIME_TOO_NEW);
  });
});
