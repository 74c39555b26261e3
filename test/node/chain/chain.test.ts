import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '#core/errors.ts';
import { REGTEST } from '#core/params.ts';
import type { ReorgEvent } from '#node/chain/chain.ts';
import { chainOn, extend, idOf, makePost, mineOn, testChain } from '../../helpers/chain.ts';

describe('Chain', () => {
  it('starts at the pinned genesis', () => {
    const { chain } = testChain();
    assert.equal(chain.tip.hash, REGTEST.genesisHash);
    assert.equal(chain.tip.height, 0);
    assert.deepEqual(chain.blockAt(0), REGTEST.genesis);
  });

  it('connects a block, confirms its posts and has the mempool drop them from the pool', async () => {
    const { chain, store, mempool } = testChain();
    const post = makePost();
    await mempool.submit(post);
    const seq = store.posts.seqOf(idOf(post))!;
    assert.equal(mempool.size.count, 1);
    const block = mineOn(chain, chain.tip, [post]);
    const outcome = chain.acceptBlock(block);
    assert.deepEqual(outcome, { ok: true, status: 'connected', hash: block.hash, height: 1 });
    assert.equal(chain.tip.hash, block.hash);
    assert.equal(store.posts.isPending(seq), false);
    assert.deepEqual(mempool.list(10), [], 'the pool no longer lists it');
    assert.equal(mempool.size.count, 0);
    assert.deepEqual(store.posts.status(idOf(post))?.confirmed, { height: 1, position: 0 });
    assert.deepEqual(chain.blockAt(1), block);
  });

  it('answers duplicate for a block it already has, and changes nothing', () => {
    const { chain } = testChain();
    const block = mineOn(chain, chain.tip, [makePost()]);
    assert.equal(chain.acceptBlock(block).ok, true);
    const again = chain.acceptBlock(structuredClone(block));
    assert.deepEqual(again, { ok: true, status: 'duplicate', hash: block.hash, height: 1 });
    assert.equal(chain.tip.hash, block.hash);
  });

  it('rejects a block whose parent is unknown and stores nothing', () => {
    const { chain } = testChain();
    const block = mineOn(chain, chain.tip, []);
    const orphan = mineOn(chain, { ...chain.tip, hash: 'ab'.repeat(32) }, []);
    const outcome = chain.acceptBlock(orphan);
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.code, ErrorCode.BLOCK_PARENT_UNKNOWN);
    assert.equal(chain.tip.height, 0);
    assert.equal(chain.hasBlock(orphan.hash), false);
    assert.equal(chain.hasBlock(block.hash), false);
  });

  it('rejects a block at index 0 that is not the pinned genesis', () => {
    const { chain } = testChain();
    const fake = mineOn(chain, { ...chain.tip, height: -1, hash: '00'.repeat(32) }, [makePost()]);
    const outcome = chain.acceptBlock(fake);
    assert.equal(!outcome.ok && outcome.code, ErrorCode.BLOCK_BAD_GENESIS);
  });

  it('rejects contextual errors with their codes and stores nothing', () => {
    const { chain, clock } = testChain();
    const tooNew = mineOn(chain, chain.tip, [], 3 * 3600 + (clock.seconds - REGTEST.genesis.timestamp));
    const outcome = chain.acceptBlock(tooNew);
    assert.equal(!outcome.ok && outcome.code, ErrorCode.BLOCK_TIME_TOO_NEW);
    assert.equal(chain.hasBlock(tooNew.hash), false);
  });

  it('rejects a block that confirms a post already confirmed in its chain, and marks it invalid', () => {
    const { chain } = testChain();
    const post = makePost();
    const first = extend(chain, chain.tip, [post]);
    const again = mineOn(chain, first, [post]);
    const outcome = chain.acceptBlock(again);
    assert.equal(!outcome.ok && outcome.code, ErrorCode.BLOCK_POST_ALREADY_CONFIRMED);
    assert.equal(chain.tip.hash, first.hash);
    const retry = chain.acceptBlock(again);
    assert.equal(!retry.ok && retry.code, ErrorCode.BLOCK_KNOWN_INVALID);
  });

  it('keeps a lighter side branch without switching to it', () => {
    const { chain } = testChain();
    const genesis = chain.tip;
    const a1 = extend(chain, genesis, [makePost()]);
    const b1 = mineOn(chain, genesis, [makePost()], 2);
    const outcome = chain.acceptBlock(b1);
    assert.deepEqual(outcome, { ok: true, status: 'side', hash: b1.hash, height: 1 });
    assert.equal(chain.tip.hash, a1.hash, 'equal work: the first seen stays');
  });

  it('reorganises to the branch with more work and returns unconfirmed posts to the pool', async () => {
    const { chain, store, mempool } = testChain();
    const genesis = chain.tip;
    const onlyInA = makePost('only in branch A');
    const inBoth = makePost('in both branches');
    for (const post of [onlyInA, inBoth]) await mempool.submit(post);
    assert.equal(mempool.size.count, 2);
    const a1 = extend(chain, genesis, [onlyInA, inBoth]);
    assert.equal(mempool.size.count, 0);

    const reorgs: ReorgEvent[] = [];
    chain.on('reorg', (event) => reorgs.push(event));
    const b1 = extend(chain, genesis, [inBoth], 2);
    assert.equal(chain.tip.hash, a1.hash);
    const b2 = mineOn(chain, b1, []);
    const outcome = chain.acceptBlock(b2);
    assert.deepEqual(outcome, { ok: true, status: 'reorg', hash: b2.hash, height: 2 });

    assert.equal(chain.tip.hash, b2.hash);
    assert.equal(chain.bestHashAt(1), b1.hash);
    assert.equal(
      store.posts.status(idOf(onlyInA))?.pending,
      true,
      'the post only A confirmed is pending again',
    );
    assert.deepEqual(
      mempool.list(10).map((row) => row.id),
      [idOf(onlyInA)],
      'the mempool took it back',
    );
    assert.deepEqual(mempool.size, { count: 1, bytes: store.posts.byId(idOf(onlyInA))!.size });
    assert.equal(store.posts.status(idOf(onlyInA))?.confirmed, undefined);
    assert.deepEqual(store.posts.status(idOf(inBoth))?.confirmed, { height: 1, position: 0 });
    assert.equal(store.posts.status(idOf(inBoth))?.pending, false);
    assert.equal(reorgs.length, 1);
    assert.deepEqual(reorgs[0], {
      forkHeight: 0,
      forkHash: genesis.hash,
      disconnected: [a1.hash],
      connected: [b1.hash, b2.hash],
      returnedToPending: 1,
    });
  });

  it('on a heavier branch that fails to connect, marks it invalid and keeps the old chain', () => {
    const { chain, store } = testChain();
    const genesis = chain.tip;
    const post = makePost();
    const a1 = extend(chain, genesis, [post]);
    const a2 = extend(chain, a1, []);
    // Branch B confirms `post` twice (b1 and b3): b3 fails when B becomes heaviest.
    const b1 = extend(chain, genesis, [post], 2);
    const b2 = extend(chain, b1, [], 2);
    const b3 = mineOn(chain, b2, [post]);
    const outcome = chain.acceptBlock(b3);
    assert.equal(!outcome.ok && outcome.code, ErrorCode.BLOCK_POST_ALREADY_CONFIRMED);
    assert.equal(chain.tip.hash, a2.hash);
    assert.deepEqual(store.posts.status(idOf(post))?.confirmed, { height: 1, position: 0 });
    assert.equal(chain.bestHashAt(1), a1.hash);
  });

  it('survives reopening: the tip and pool come back from disk', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Store } = await import('#node/store/store.ts');
    const dir = mkdtempSync(join(tmpdir(), 'yournet-chain-'));
    try {
      const { chain, store, mempool } = chainOn(dir);
      const tip = extend(chain, extend(chain, chain.tip, [makePost()]), [makePost()]);
      const waiting = makePost('still pending');
      await mempool.submit(waiting);
      store.close();
      const reopened = chainOn(dir);
      assert.equal(reopened.chain.tip.hash, tip.hash);
      assert.equal(reopened.chain.tip.chainwork, tip.chainwork);
      assert.deepEqual(
        reopened.mempool.list(10).map((row) => row.id),
        [idOf(waiting)],
      );
      assert.equal(reopened.mempool.size.count, 1);
      reopened.store.close();
      assert.throws(() => Store.open({ dataDir: dir, params: { ...REGTEST, name: 'main' } }), /network/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
