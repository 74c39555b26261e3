import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CryptoPort } from '#core/crypto.ts';
import { ErrorCode } from '#core/errors.ts';
import { REGTEST } from '#core/params.ts';
import { Chain, type ChainOptions } from '#node/chain/chain.ts';
import { InvalidBlockMemory } from '#node/chain/invalid-memory.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { Mempool } from '#node/mempool.ts';
import { Store } from '#node/store/store.ts';
import { makePost, mineOn, TestClock } from '../../helpers/chain.ts';

/** A chain whose crypto port counts signature verifications. */
function countingChain(options: Partial<ChainOptions> = {}) {
  const counter = { verifies: 0 };
  const crypto: CryptoPort = {
    ...nodeCrypto,
    verify(signature, message, publicKey) {
      counter.verifies++;
      return nodeCrypto.verify(signature, message, publicKey);
    },
  };
  const clock = new TestClock();
  const store = Store.open({ dataDir: ':memory:', params: REGTEST });
  const mempool = new Mempool(store, REGTEST, crypto, { now: clock.now });
  const chain = new Chain({ store, pool: mempool, params: REGTEST, crypto, now: clock.now, ...options });
  return { chain, store, counter, clock };
}

const signedPosts = (count: number) => Array.from({ length: count }, () => makePost());

describe('Chain.acceptBlock: header before body', () => {
  it('refuses a block of many valid signatures with an unknown parent without verifying one (issue 9, finding 3)', () => {
    const { chain, counter } = countingChain();
    const block = mineOn(chain, { ...chain.tip, hash: 'ab'.repeat(32) }, signedPosts(300));
    for (let replay = 0; replay < 3; replay++) {
      const outcome = chain.acceptBlock(structuredClone(block));
      assert.equal(!outcome.ok && outcome.code, ErrorCode.BLOCK_PARENT_UNKNOWN);
    }
    assert.equal(counter.verifies, 0, 'no signature was verified');
    // The same posts on a known parent are verified, once each: the counter does count.
    const good = mineOn(chain, chain.tip, block.transactions);
    assert.equal(chain.acceptBlock(good).ok, true);
    assert.equal(counter.verifies, 300);
  });

  it('refuses bad context (difficulty, time) before parsing the posts', () => {
    const { chain, counter } = countingChain();
    const block = mineOn(chain, chain.tip, signedPosts(5), -1); // at the median time past
    // Posts that are junk: the header is refused first, so they are never looked at.
    const outcome = chain.acceptBlock({ ...block, transactions: [{ junk: true }] });
    assert.equal(!outcome.ok && outcome.code, ErrorCode.BLOCK_TIME_TOO_OLD);
    assert.equal(counter.verifies, 0);
  });
});

describe('Chain.acceptBlock: remembered invalid blocks', () => {
  it('refuses a replay of a block that failed for a reason its header commits to, before its body', () => {
    const { chain, counter } = countingChain();
    const post = makePost();
    // The merkle root covers the duplicate: the header itself is condemned.
    const block = mineOn(chain, chain.tip, [post, post]);
    const first = chain.acceptBlock(block);
    assert.equal(!first.ok && first.code, ErrorCode.BLOCK_DUPLICATE_POST);
    const replay = chain.acceptBlock({ ...block, transactions: [{ not: 'even a post' }] });
    assert.equal(!replay.ok && replay.code, ErrorCode.BLOCK_KNOWN_INVALID, 'refused from the header alone');
    assert.equal(counter.verifies, 0);
    assert.equal(chain.hasBlock(block.hash), false, 'nothing stored');
  });

  it('remembers a header that fails its context (time too old), not one that may become valid', () => {
    const { chain, clock } = countingChain();
    const old = mineOn(chain, chain.tip, [], -1);
    assert.equal((chain.acceptBlock(old) as { code: string }).code, ErrorCode.BLOCK_TIME_TOO_OLD);
    assert.equal((chain.acceptBlock(old) as { code: string }).code, ErrorCode.BLOCK_KNOWN_INVALID);

    const ahead = 3 * 3600;
    const future = mineOn(chain, chain.tip, [], ahead + (clock.seconds - REGTEST.genesis.timestamp));
    assert.equal((chain.acceptBlock(future) as { code: string }).code, ErrorCode.BLOCK_TIME_TOO_NEW);
    clock.seconds += ahead;
    const later = chain.acceptBlock(future);
    assert.equal(later.ok, true, 'the clock caught up: the same block is accepted');
  });

  it('a mutated body (merkle mismatch) does not poison the hash of the valid block (CVE-2012-2459)', () => {
    const { chain } = countingChain();
    const posts = signedPosts(3);
    const block = mineOn(chain, chain.tip, posts);
    // The duplicated last post, as in Bitcoin's merkle mutation, and a tampered post.
    const duplicated = chain.acceptBlock({ ...block, transactions: [...posts, posts[2]!] });
    assert.equal(duplicated.ok, false);
    const tampered = chain.acceptBlock({
      ...block,
      transactions: [{ ...posts[0]!, content: 'x' }, ...posts.slice(1)],
    });
    assert.equal(!tampered.ok && tampered.code, ErrorCode.BLOCK_BAD_MERKLE_ROOT);
    assert.deepEqual(chain.acceptBlock(block), {
      ok: true,
      status: 'connected',
      hash: block.hash,
      height: 1,
    });
  });

  it('a bad signature does not poison the hash: signatures are not under the merkle root', () => {
    const { chain } = countingChain();
    const posts = signedPosts(2);
    const block = mineOn(chain, chain.tip, posts);
    const forged = { ...posts[1]!, signature: posts[0]!.signature };
    const bad = chain.acceptBlock({ ...block, transactions: [posts[0], forged] });
    assert.equal(!bad.ok && bad.code, ErrorCode.POST_BAD_SIGNATURE);
    assert.equal(chain.acceptBlock(block).ok, true);
  });

  it('the memory is bounded: the least recently seen hash goes first', () => {
    const memory = new InvalidBlockMemory(3);
    for (const hash of ['a', 'b', 'c']) memory.add(hash);
    assert.equal(memory.has('a'), true); // a is now the most recent
    memory.add('d');
    assert.equal(memory.size, 3);
    assert.equal(memory.has('b'), false);
    assert.equal(memory.has('a'), true);
    assert.equal(memory.has('d'), true);
  });
});
