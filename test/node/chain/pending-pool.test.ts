import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REGTEST } from '#core/params.ts';
import { Chain, type PendingPoolWriter } from '#node/chain/chain.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { Mempool } from '#node/mempool.ts';
import { PendingStore } from '#node/store/pending.ts';
import { Store } from '#node/store/store.ts';
import { extend, idOf, makePost, mineOn, TestClock } from '../../helpers/chain.ts';

/** A chain whose pool records every call the chain makes to it, before the Mempool runs it. */
function recordingChain() {
  const clock = new TestClock();
  const store = Store.open({ dataDir: ':memory:', params: REGTEST });
  const mempool = new Mempool(store, REGTEST, nodeCrypto, { now: clock.now });
  const calls: string[] = [];
  const pool: PendingPoolWriter = {
    dropConfirmed(seqs) {
      calls.push(`drop ${seqs.join(',')}`);
      mempool.dropConfirmed(seqs);
    },
    takeBack(rows) {
      calls.push(`take back ${rows.map((row) => row.seq).join(',')}`);
      mempool.takeBack(rows);
    },
  };
  const chain = new Chain({ store, pool, params: REGTEST, crypto: nodeCrypto, now: clock.now });
  return { chain, store, mempool, calls };
}

describe('the pending pool is owned by the Mempool', () => {
  it('the chain writes no pending row itself: it asks the pool to drop and take back', async () => {
    const { chain, store, mempool, calls } = recordingChain();
    const writes: string[] = [];
    for (const method of ['add', 'remove'] as const) {
      const original = PendingStore.prototype[method];
      const spy = function (this: PendingStore, seq: number, size?: number) {
        writes.push(`${method} ${seq}`);
        return original.call(this, seq, size as number);
      };
      store.pending[method] = spy as never;
    }
    const genesis = chain.tip;
    const onlyInA = makePost('only in A');
    const inBoth = makePost('in both');
    await mempool.submit(onlyInA);
    await mempool.submit(inBoth);
    const seqA = store.posts.seqOf(idOf(onlyInA))!;
    const seqBoth = store.posts.seqOf(idOf(inBoth))!;
    assert.deepEqual(writes, [`add ${seqA}`, `add ${seqBoth}`], "the mempool's group commit");

    writes.length = 0;
    const a1 = extend(chain, genesis, [onlyInA, inBoth]);
    assert.deepEqual(calls, [`drop ${seqA},${seqBoth}`]);
    assert.deepEqual(writes, [`remove ${seqA}`, `remove ${seqBoth}`]);
    assert.deepEqual(mempool.size, { count: 0, bytes: 0 });

    calls.length = 0;
    writes.length = 0;
    const b1 = extend(chain, genesis, [inBoth], 2);
    assert.deepEqual(calls, [], 'a side branch moves nothing');
    assert.equal(chain.tip.hash, a1.hash);
    const b2 = mineOn(chain, b1, []);
    assert.equal(chain.acceptBlock(b2).ok, true);
    assert.equal(chain.tip.hash, b2.hash);
    // The reorg: a1's posts come back, then b1 confirms one of them again.
    assert.deepEqual(calls, [`take back ${seqA},${seqBoth}`, `drop ${seqBoth}`, 'drop ']);
    assert.deepEqual(
      mempool.list(10).map((row) => row.id),
      [idOf(onlyInA)],
    );
    assert.equal(mempool.size.count, 1);
    assert.ok(writes.every((write) => /^(add|remove) \d+$/.test(write)));
  });

  it('a branch that fails to connect rolls back what the pool was asked to do', async () => {
    const { chain, store, mempool } = recordingChain();
    const genesis = chain.tip;
    const post = makePost();
    const other = makePost('waits');
    await mempool.submit(other);
    const a1 = extend(chain, genesis, [post]);
    const a2 = extend(chain, a1, []);
    // Branch B confirms `post` twice (b1 and b3): b3 fails when B becomes heaviest, and the
    // attempt (which took a1's post back and dropped it again) is rolled back.
    const b1 = extend(chain, genesis, [post, other], 2);
    const b2 = extend(chain, b1, [], 2);
    const b3 = mineOn(chain, b2, [post]);
    assert.equal(chain.acceptBlock(b3).ok, false);
    assert.equal(chain.tip.hash, a2.hash);
    assert.deepEqual(
      mempool.list(10).map((row) => row.id),
      [idOf(other)],
    );
    assert.deepEqual(mempool.size, { count: 1, bytes: store.posts.byId(idOf(other))!.size });
  });
});
