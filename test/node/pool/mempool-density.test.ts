import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Post, postSize } from '#core/post.ts';
import { bitsForWork, grindStamp, postWork } from '#core/stamp.ts';
import { buildTemplate } from '#node/chain/template.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { NodeError } from '#node/errors.ts';
import { StampTooWeakError } from '#node/pool/stamp-error.ts';
import { extend, idOf, makePost, testChain } from '../../helpers/chain.ts';

/** An unsigned post stamped with at least `work` expected hashes (none for 0). */
function post(content: string, work: number): Post {
  const base = makePost(content, true);
  if (work === 0) return base;
  const found = grindStamp(base, bitsForWork(BigInt(work)), nodeCrypto, { count: 10_000_000 });
  assert.ok(found.found);
  return { ...base, stamp: found.stamp };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error instanceof NodeError ? error.code : String(error);
  }
}

describe('Mempool ordered by work density', () => {
  it('a full pool evicts the least dense post for a denser one; the evicted post reads "evicted"', async () => {
    const { mempool, store } = testChain(undefined, { maxCount: 3 });
    const evictions: string[][] = [];
    mempool.onEvicted((e) => evictions.push([...e.ids]));
    const [zero, low, mid] = [post('zero', 0), post('low', 16), post('mid', 64)];
    for (const p of [zero, low, mid]) await mempool.submit(p);
    const high = post('high', 512);
    await mempool.submit(high);
    assert.deepEqual(evictions, [[idOf(zero)]]);
    assert.equal(mempool.size.count, 3);
    assert.deepEqual(mempool.size, store.pending.totals());
    assert.equal(store.posts.state(idOf(zero))?.pending, false);
    assert.notEqual(store.posts.byId(idOf(zero))?.evicted_at, null);
  });

  it('refuses a post below the rolling minimum with the work its size needs, which then suffices', async () => {
    const { mempool } = testChain(undefined, { maxCount: 2 });
    await mempool.submit(post('a', 32));
    await mempool.submit(post('b', 32));
    // Full of equal density: the same work is refused, with a price that buys room.
    const same = post('c', 32);
    let refusal: unknown;
    await mempool.submit(same).catch((error: unknown) => {
      refusal = error;
    });
    assert.ok(refusal instanceof StampTooWeakError);
    const size = postSize(same);
    assert.ok(refusal.requiredWork > Number(postWork(same)));
    const paid = post('c', refusal.requiredWork);
    assert.ok(postSize(paid) >= size);
    assert.equal(await codeOf(mempool.submit(paid)), 'ok');
    // The eviction raised the minimum: an unstamped post is now too weak, even with room.
    assert.ok(mempool.minDensity() > 0);
    assert.equal(await codeOf(mempool.submit(post('free', 0))), 'POST_STAMP_TOO_WEAK');
  });

  it('the rolling minimum decays as time passes, down to the least dense post a full pool holds', async () => {
    const { mempool, clock } = testChain(undefined, { maxCount: 2, rollingMinimum: { halfLife: 60 } });
    const kept = post('a', 8);
    await mempool.submit(kept);
    await mempool.submit(post('b', 8));
    await mempool.submit(post('c', 64));
    const raised = mempool.minDensity();
    const lowest = Number(postWork(kept)) / postSize(kept);
    assert.ok(raised > lowest);
    clock.seconds += 60;
    const decayed = mempool.minDensity();
    assert.ok(decayed < raised);
    clock.seconds += 3600;
    assert.ok(Math.abs(mempool.minDensity() - lowest) < 0.01 * lowest);
  });

  it('the block template takes the densest first', async () => {
    const { mempool, chain } = testChain();
    const posts = [post('w1', 0), post('w2', 256), post('w3', 16), post('w4', 1024)];
    for (const p of posts) await mempool.submit(p);
    const template = buildTemplate(chain, mempool, Date.now() / 1000, 3);
    assert.deepEqual(template.ids, [idOf(posts[3]!), idOf(posts[1]!), idOf(posts[2]!)]);
  });

  it('a reorg returning posts to a full pool keeps the densest', async () => {
    const { mempool, chain } = testChain(undefined, { maxCount: 3 });
    const dense = post('dense', 1024);
    const base = chain.tip;
    const a1 = extend(chain, base, [dense]);
    assert.equal(chain.tip.hash, a1.hash);
    const lows = [post('l1', 0), post('l2', 8), post('l3', 16)];
    for (const p of lows) await mempool.submit(p);
    assert.equal(mempool.size.count, 3);
    // A heavier branch without `dense`: it returns to the pool, which is then over by one.
    const b1 = extend(chain, base, []);
    extend(chain, b1, []);
    assert.notEqual(chain.tip.hash, a1.hash);
    const template = buildTemplate(chain, mempool, Date.now() / 1000);
    assert.equal(template.ids[0], idOf(dense));
    assert.equal(mempool.size.count, 3);
    assert.ok(!template.ids.includes(idOf(lows[0]!)), 'the least dense was evicted');
  });
});
