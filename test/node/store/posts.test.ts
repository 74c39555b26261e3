import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idOf, makePost, mineOn, testChain } from '../../helpers/chain.ts';

describe('PostStore.isHeld: what gossip need not fetch again', () => {
  it('holds pending, confirmed and evicted posts, not one stored only with a side-branch block', async () => {
    const { chain, store, mempool } = testChain();
    const genesis = chain.tip;
    const pending = makePost('pending here');
    await mempool.submit(pending);
    assert.equal(store.posts.isHeld(idOf(pending)), true, 'pending');

    const mined = makePost('confirmed here');
    assert.equal(chain.acceptBlock(mineOn(chain, genesis, [mined])).ok, true);
    assert.equal(store.posts.isHeld(idOf(mined)), true, 'confirmed on the best chain');

    // A rival block of equal work, second to arrive: stored on a side branch.
    const rival = makePost('only in the rival block');
    const side = chain.acceptBlock(mineOn(chain, genesis, [rival], 2));
    assert.equal(side.ok && side.status, 'side');
    assert.notEqual(store.posts.byId(idOf(rival)), undefined, 'stored with its block');
    assert.equal(store.posts.isHeld(idOf(rival)), false, 'neither pending nor confirmed');

    store.posts.setEvicted(store.posts.seqOf(idOf(rival))!, Date.now());
    assert.equal(store.posts.isHeld(idOf(rival)), true, 'evicted: dropped on purpose');
    assert.equal(store.posts.isHeld('0'.repeat(64)), false, 'unknown');
  });

  it('a side-branch post announced later enters the pool', async () => {
    const { chain, store, mempool } = testChain();
    const genesis = chain.tip;
    assert.equal(chain.acceptBlock(mineOn(chain, genesis, [makePost('best')])).ok, true);
    const rival = makePost('rival post');
    chain.acceptBlock(mineOn(chain, genesis, [rival], 2));
    const accepted = await mempool.submit(rival);
    assert.equal(accepted.added, true);
    assert.equal(store.posts.isHeld(idOf(rival)), true);
  });
});
