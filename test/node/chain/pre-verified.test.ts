import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CryptoPort } from '#core/crypto.ts';
import { ErrorCode } from '#core/errors.ts';
import { REGTEST } from '#core/params.ts';
import { type Post, postSize } from '#core/post.ts';
import { Chain } from '#node/chain/chain.ts';
import { CheckedBlock } from '#node/chain/checked.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { Mempool } from '#node/mempool.ts';
import { Store } from '#node/store/store.ts';
import { VerifiedSignatures } from '#node/verifier/block-signatures.ts';
import { idOf, makePost, mineOn, TestClock } from '../../helpers/chain.ts';

/** A chain whose crypto port counts the signature verifications it does. */
function countingChain(): { chain: Chain; verifications: () => number } {
  let count = 0;
  const crypto: CryptoPort = {
    ...nodeCrypto,
    verify: (signature, message, publicKey) => {
      count++;
      return nodeCrypto.verify(signature, message, publicKey);
    },
  };
  const store = Store.open({ dataDir: ':memory:', params: REGTEST });
  const clock = new TestClock();
  const pool = new Mempool(store, REGTEST, crypto, { now: clock.now });
  return {
    chain: new Chain({ store, pool, params: REGTEST, crypto, now: clock.now }),
    verifications: () => count,
  };
}

/** The post with one hex digit of its signature changed: same id, signature that does not verify. */
function forged(post: Post): Post {
  const signature = post.signature!;
  return { ...post, signature: `${signature[0] === 'a' ? 'b' : 'a'}${signature.slice(1)}` };
}

describe('Chain.acceptBlock with signatures verified elsewhere', () => {
  it('skips exactly the (id, signature) pairs given, and verifies every other signed post', () => {
    const { chain, verifications } = countingChain();
    const [a, b] = [makePost(), makePost()];
    const block = mineOn(chain, chain.tip, [a!, b!, makePost('unsigned', true)]);
    const verified = new VerifiedSignatures();
    verified.add(idOf(a!), a!.signature!);
    const outcome = chain.acceptBlock(block, { verified });
    assert.equal(outcome.ok, true);
    assert.equal(verifications(), 1, 'only b is verified by the chain');
  });

  it('does not take a verified pair for the same id with another signature', () => {
    const { chain, verifications } = countingChain();
    const post = makePost();
    const bad = forged(post);
    const block = mineOn(chain, chain.tip, [bad]);
    const verified = new VerifiedSignatures();
    verified.add(idOf(post), post.signature!); // the genuine signature, not the one in the block
    const outcome = chain.acceptBlock(block, { verified });
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.code, ErrorCode.POST_BAD_SIGNATURE);
    assert.ok(!outcome.ok && outcome.message.startsWith('post 0: '), 'the same message as without the set');
    assert.equal(verifications(), 1);
    assert.equal(chain.tip.height, 0);
    assert.equal(chain.getEntry(block.hash), undefined, 'a stateless failure is not remembered');
  });

  it('rejects a bad signature with the same code and message with or without an empty set', () => {
    const { chain } = countingChain();
    const block = mineOn(chain, chain.tip, [makePost(), forged(makePost())]);
    const plain = chain.acceptBlock(structuredClone(block));
    const checked = chain.checkBlock(structuredClone(block));
    assert.ok(checked.ok);
    const withSet = chain.acceptBlock(checked.value, { verified: new VerifiedSignatures() });
    assert.deepEqual(withSet, plain);
    assert.equal(!plain.ok && plain.code, ErrorCode.POST_BAD_SIGNATURE);
  });

  it('accepts a CheckedBlock without parsing it again, with the sizes postSize gives', () => {
    const { chain } = countingChain();
    const posts = [makePost('héllo wörld ✓'), makePost('plain', true)];
    const block = mineOn(chain, chain.tip, posts);
    const checked = chain.checkBlock(block);
    assert.ok(checked.ok);
    assert.deepEqual(
      checked.value.valid.sizes,
      posts.map((post) => postSize(post)),
    );
    assert.ok(Object.isFrozen(checked.value.valid.block.transactions[0]));
    const outcome = chain.acceptBlock(checked.value);
    assert.deepEqual(outcome, { ok: true, status: 'connected', hash: block.hash, height: 1 });
    assert.deepEqual(chain.blockAt(1), block);
    assert.equal(
      chain.getEntry(block.hash)?.size,
      checked.value.valid.sizes[0]! + checked.value.valid.sizes[1]!,
    );
  });

  it('a CheckedBlock comes only from checkBlock', () => {
    assert.throws(
      () =>
        new (CheckedBlock as unknown as new (token: symbol, valid: unknown) => CheckedBlock)(Symbol('x'), {}),
      TypeError,
    );
  });

  it('checkBlock reports the §7.1 failure of steps 1–16 with its code', () => {
    const { chain } = countingChain();
    const block = mineOn(chain, chain.tip, [makePost()]);
    const result = chain.checkBlock({ ...block, merkle_root: '00'.repeat(32) });
    assert.equal(!result.ok && result.code, ErrorCode.BLOCK_BAD_HASH);
  });
});

describe('Chain.inOneTransaction', () => {
  it('connects several blocks, emitting their events after the commit and in order', () => {
    const { chain } = countingChain();
    const blocks = [mineOn(chain, chain.tip, [makePost()])];
    const seen: number[] = [];
    chain.on('block', (event) => seen.push(event.height));
    const outcomes = chain.inOneTransaction(() => {
      const results = [chain.acceptBlock(blocks[0])];
      assert.deepEqual(seen, [], 'no event inside the transaction');
      const second = mineOn(chain, chain.tip, [makePost()]);
      results.push(chain.acceptBlock(second));
      return results;
    });
    assert.deepEqual(
      outcomes.map((o) => o.ok && o.status),
      ['connected', 'connected'],
    );
    assert.deepEqual(seen, [1, 2]);
    assert.equal(chain.tip.height, 2);
  });

  it('keeps the blocks before a rejected one, and the rejection keeps its code', () => {
    const { chain } = countingChain();
    const post = makePost();
    const first = mineOn(chain, chain.tip, [post]);
    const outcome = chain.inOneTransaction(() => {
      assert.equal(chain.acceptBlock(first).ok, true);
      const again = mineOn(chain, chain.tip, [post]); // confirms the same post twice: §7.3
      return chain.acceptBlock(again);
    });
    assert.equal(!outcome.ok && outcome.code, ErrorCode.BLOCK_POST_ALREADY_CONFIRMED);
    assert.equal(chain.tip.hash, first.hash);
    assert.equal(chain.tip.height, 1);
  });

  it('rolls everything back and restores the tip when the work throws', () => {
    const { chain } = countingChain();
    const block = mineOn(chain, chain.tip, [makePost()]);
    const seen: string[] = [];
    chain.on('block', (event) => seen.push(event.hash));
    assert.throws(
      () =>
        chain.inOneTransaction(() => {
          assert.equal(chain.acceptBlock(block).ok, true);
          throw new Error('storage failed');
        }),
      /storage failed/,
    );
    assert.equal(chain.tip.height, 0);
    assert.equal(chain.getEntry(block.hash), undefined);
    assert.deepEqual(seen, []);
    assert.equal(chain.acceptBlock(block).ok, true, 'the block can be accepted afterwards');
  });
});
