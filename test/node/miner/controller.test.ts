import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAIN } from '#core/params.ts';

// Main's difficulty for slow jobs; its stamp floor is not what these tests are about.
const MAIN_NO_FLOOR = { ...MAIN, minStampWork: 0 };

import { MiningController } from '#node/miner/controller.ts';
import { MinerPool } from '#node/miner/pool.ts';
import { makePost, mineOn, testChain } from '../../helpers/chain.ts';

async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('MiningController', () => {
  it('mines one block of the pending posts in arrival order and empties the pool', async () => {
    const { chain, clock, mempool } = testChain();
    const pool = new MinerPool({ workers: 1 });
    const miner = new MiningController(chain, mempool, pool, { now: clock.now });
    try {
      const posts = [makePost('first'), makePost('second'), makePost('third')];
      for (const post of posts) await mempool.submit(post);
      const [a, b] = await Promise.all([miner.mineOne(), miner.mineOne()]);
      assert.deepEqual(a, b, 'concurrent requests share the running job');
      assert.equal(a.mined, true);
      assert.equal(chain.tip.height, 1);
      assert.deepEqual(
        chain.blockAt(1)!.transactions.map((post) => post.content),
        posts.map((post) => post.content),
      );
      assert.equal(mempool.size.count, 0);
      const nothing = await miner.mineOne();
      assert.deepEqual(nothing, {
        mined: false,
        reason: 'NOTHING_TO_MINE',
        message: 'No transactions to mine',
      });
    } finally {
      await miner.stop();
      await pool.close();
    }
  });

  it('in continuous mode mines whenever posts are pending, until stopped', async () => {
    const { chain, clock, mempool } = testChain();
    const pool = new MinerPool({ workers: 1 });
    const miner = new MiningController(chain, mempool, pool, { now: clock.now, continuous: true });
    try {
      await mempool.submit(makePost());
      await until(() => chain.tip.height === 1 && !miner.mining, 'the first block');
      await mempool.submit(makePost());
      await until(() => chain.tip.height === 2 && !miner.mining, 'the second block');
      miner.setContinuous(false);
      await mempool.submit(makePost());
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(chain.tip.height, 2, 'nothing is mined once continuous mining is off');
      assert.equal(mempool.size.count, 1);
    } finally {
      await miner.stop();
      await pool.close();
    }
  });

  it('cancels a job when another block moves the tip, and rebuilds on the new tip', async () => {
    // Main-network difficulty (~2^20 hashes a block) keeps the worker busy while a block mined
    // elsewhere arrives. If the worker wins that race anyway, the setup is repeated (bounded).
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { chain, clock, mempool } = testChain(MAIN_NO_FLOOR);
      const pool = new MinerPool({ workers: 1 });
      const miner = new MiningController(chain, mempool, pool, { now: clock.now });
      try {
        const competing = mineOn(chain, chain.tip, []);
        await mempool.submit(makePost('to be mined here'));
        const job = miner.mineOne();
        await until(() => pool.totalHashes > 0, 'the workers to start hashing');
        const outcome = chain.acceptBlock(competing);
        assert.equal(outcome.ok, true);
        if (outcome.ok && outcome.status !== 'connected') {
          await job; // the worker found its block first: no cancellation to observe
          continue;
        }
        const result = await job;
        assert.equal(result.mined, true);
        if (!result.mined) return;
        assert.equal(result.height, 2, 'the rebuilt job mined on top of the new tip');
        assert.equal(chain.blockAt(2)!.previous_hash, competing.hash);
        assert.equal(chain.blockAt(2)!.transactions[0]!.content, 'to be mined here');
        return;
      } finally {
        await miner.stop();
        await pool.close();
      }
    }
    assert.fail('the worker won the race three times in a row');
  });

  it('stop() ends a running job with STOPPED', async () => {
    const { chain, clock, mempool } = testChain(MAIN_NO_FLOOR);
    const pool = new MinerPool({ workers: 1 });
    const miner = new MiningController(chain, mempool, pool, { now: clock.now });
    try {
      await mempool.submit(makePost());
      const job = miner.mineOne();
      await until(() => pool.totalHashes > 0, 'the workers to start hashing');
      await miner.stop();
      const result = await job;
      assert.equal(result.mined, false);
      if (!result.mined) assert.equal(result.reason, 'STOPPED');
      assert.equal(chain.tip.height, 0);
    } finally {
      await pool.close();
    }
  });
});
