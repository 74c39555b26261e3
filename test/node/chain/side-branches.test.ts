import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REGTEST } from '#core/params.ts';
import { Chain } from '#node/chain/chain.ts';
import { checkBlock } from '#node/chain/checked.ts';
import { SIDE_REACH_BLOCKS } from '#node/chain/side-branches.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { Mempool } from '#node/mempool.ts';
import { Store } from '#node/store/store.ts';
import { chainOn, extend, idOf, makePost, mineOn, TestClock, testChain } from '../../helpers/chain.ts';

/** A post of about 9 kB, so that each side block is heavy. */
const heavyPost = () => makePost('x'.repeat(9000));

describe('side branches', () => {
  it('40 heavy side blocks at height 1 on a chain of height 10 add no bodies (issue 9, finding 4)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yournet-side-'));
    const diskSize = () => readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
    try {
      const first = chainOn(dir);
      let tip = first.chain.tip;
      for (let i = 0; i < 10; i++) tip = extend(first.chain, tip);
      first.store.close();
      const sizeBefore = diskSize();
      const { chain, store } = chainOn(dir);
      const genesis = chain.getEntry(REGTEST.genesisHash)!;
      for (let i = 0; i < 40; i++) {
        const posts = Array.from({ length: 10 }, heavyPost);
        const block = mineOn(chain, genesis, posts, 2 + i);
        const outcome = chain.acceptBlock(block);
        assert.equal(!outcome.ok && outcome.code, 'SIDE_BRANCH_TOO_LIGHT', `block ${i}`);
        assert.equal(chain.hasBlock(block.hash), false);
        assert.equal(store.posts.byId(idOf(posts[0]!)), undefined, 'its posts were not stored');
      }
      assert.equal(chain.tip.hash, tip.hash);
      store.close();
      const growth = diskSize() - sizeBefore;
      assert.ok(growth < 64 * 1024, `the data directory grew by ${growth} bytes`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`stores a side block within ${SIDE_REACH_BLOCKS} blocks' work of the tip, and any block sync asked for`, () => {
    const { chain } = testChain();
    const genesis = chain.tip;
    const main: (typeof genesis)[] = [genesis];
    for (let i = 0; i < 10; i++) main.push(extend(chain, main[i]!));
    // Its branch would hold height 10 − 6 + … : parent at height 4 gives a block at 5 = tip work − 6 blocks.
    const near = mineOn(chain, main[10 - SIDE_REACH_BLOCKS - 1]!, [makePost()], 7);
    assert.equal(chain.acceptBlock(near).ok, true);
    const far = mineOn(chain, main[10 - SIDE_REACH_BLOCKS - 2]!, [makePost()], 7);
    assert.equal((chain.acceptBlock(far) as { code: string }).code, 'SIDE_BRANCH_TOO_LIGHT');
    assert.deepEqual(chain.acceptBlock(far, { requested: true }), {
      ok: true,
      status: 'side',
      hash: far.hash,
      height: far.index,
    });
    const farther = mineOn(chain, main[1]!, [], 9);
    const checked = checkBlock(farther, REGTEST, nodeCrypto);
    assert.ok(checked.ok);
    assert.equal(chain.acceptBlock(checked.value).ok, true, 'a CheckedBlock comes from sync: requested');
  });

  it('prunes side blocks whose whole subtree lies the prune depth below the tip, and their loose posts', async () => {
    const clock = new TestClock();
    const store = Store.open({ dataDir: ':memory:', params: REGTEST });
    const mempool = new Mempool(store, REGTEST, nodeCrypto, { now: clock.now });
    const chain = new Chain({
      store,
      pool: mempool,
      params: REGTEST,
      crypto: nodeCrypto,
      now: clock.now,
      sideBranches: { pruneDepth: 5, pruneEvery: 1 },
    });
    const genesis = chain.tip;
    const a1 = extend(chain, genesis);
    const loose = makePost('only on the side branch');
    const pending = makePost('also pending');
    await mempool.submit(pending);
    const side = mineOn(chain, genesis, [loose, pending], 3);
    assert.equal(chain.acceptBlock(side).ok, true);
    // A second side branch that keeps growing: its old blocks must stay with it.
    const b1 = mineOn(chain, genesis, [], 5);
    assert.equal(chain.acceptBlock(b1).ok, true);
    let tip = a1;
    let bTip = chain.getEntry(b1.hash)!;
    for (let i = 0; i < 7; i++) {
      tip = extend(chain, tip);
      bTip = extend(chain, bTip, [], 2); // as heavy as the tip: a side branch within reach
    }
    assert.equal(chain.tip.height, 8);
    assert.equal(chain.hasBlock(side.hash), false, 'the stale side block is gone');
    assert.equal(store.posts.byId(idOf(loose)), undefined, 'with the post only it held');
    assert.equal(store.posts.status(idOf(pending))?.pending, true, 'a pending post stays');
    assert.equal(chain.hasBlock(b1.hash), true, 'a side block with a recent descendant stays');
    assert.equal(chain.getEntry(bTip.hash)?.height, bTip.height);
    assert.equal(chain.tip.hash, tip.hash);
    store.close();
  });

  it('prunes a side block stored below the heights already pruned (the floor goes down with it)', () => {
    const clock = new TestClock();
    const store = Store.open({ dataDir: ':memory:', params: REGTEST });
    const mempool = new Mempool(store, REGTEST, nodeCrypto, { now: clock.now });
    const chain = new Chain({
      store,
      pool: mempool,
      params: REGTEST,
      crypto: nodeCrypto,
      now: clock.now,
      sideBranches: { pruneDepth: 5, pruneEvery: 1 },
    });
    const main = [chain.tip];
    for (let i = 0; i < 10; i++) main.push(extend(chain, main[i]!));
    const late = mineOn(chain, main[1]!, [makePost()], 4);
    assert.equal(chain.acceptBlock(late, { requested: true }).ok, true);
    assert.equal(chain.hasBlock(late.hash), true);
    extend(chain, chain.tip);
    assert.equal(chain.hasBlock(late.hash), false);
    store.close();
  });
});
