import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkStamp } from '#core/stamp.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { HashBudget } from '#node/pool/budget.ts';
import { TutorialStamper } from '#node/pool/tutorial-stamper.ts';
import { startTestNode } from '../../helpers/node.ts';

const POST = { author: 'tutorial', content: 'hello from curl', timestamp: 1795392100 };

describe('the node stamps the tutorial posts', () => {
  it('/new_transaction still answers 201 with a raised floor: the node stamped the post', async () => {
    const { node, close } = await startTestNode({ stampFloor: 1024 });
    try {
      const answer = await node.server.inject({
        method: 'POST',
        url: '/new_transaction',
        payload: { author: 'tutorial', content: 'stamp me' },
      });
      assert.equal(answer.statusCode, 201, answer.body);
      const [row] = node.context.mempool.list(10);
      assert.ok(row?.stamp_bits !== null && row?.stamp_bits !== undefined);
      // An unstamped post through the v1 API is refused with the price.
      const v1 = await node.server.inject({
        method: 'POST',
        url: '/api/v1/posts',
        payload: { author: 'raw', content: 'no stamp', timestamp: Date.now() / 1000 },
      });
      assert.equal(v1.statusCode, 400);
      assert.equal(v1.json().error, 'POST_STAMP_TOO_WEAK');
      assert.ok(v1.json().required_work >= 1024);
    } finally {
      await close();
    }
  });

  it('stamps at the required work, not at all when none is required', async () => {
    const stamper = new TutorialStamper(nodeCrypto, () => 4096);
    const stamped = await stamper.stamp(POST, '10.0.0.1');
    const work = checkStamp(stamped, nodeCrypto);
    assert.ok(work.ok && work.value >= 4096n);
    const free = new TutorialStamper(nodeCrypto, () => 0);
    assert.equal((await free.stamp(POST, '10.0.0.1')).stamp, undefined);
  });

  it('refuses with 429 STAMP_BUDGET_EXHAUSTED once a client spent its budget; others keep theirs', async () => {
    let now = 0;
    const stamper = new TutorialStamper(nodeCrypto, () => 2048, {
      perClientPerMinute: 8192,
      nowMs: () => now,
    });
    let refused: unknown;
    for (let i = 0; i < 40 && refused === undefined; i++) {
      await stamper.stamp({ ...POST, content: `n${i}` }, 'greedy').catch((error: unknown) => {
        refused = error;
      });
    }
    assert.equal((refused as { code?: string })?.code, 'STAMP_BUDGET_EXHAUSTED');
    assert.ok((await stamper.stamp(POST, 'someone else')).stamp);
    now += 60_000;
    assert.ok((await stamper.stamp(POST, 'greedy')).stamp, 'the budget refills');
  });

  it('the total budget bounds all clients together', () => {
    const budget = new HashBudget(() => 0, { perClientPerMinute: 1000, totalPerMinute: 1500 });
    budget.charge('a', 1000);
    assert.equal(budget.allows('b', 1000), false);
    assert.equal(budget.allows('b', 500), true);
  });
});
