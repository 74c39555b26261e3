import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { YourNetNode } from '#node/node.ts';
import { extend, makePost, mineOn } from '../../helpers/chain.ts';
import { startTestNode } from '../../helpers/node.ts';

describe('/add_block: remembered invalid blocks and side branches', () => {
  let node: YourNetNode;
  let close: () => Promise<void>;
  before(async () => {
    ({ node, close } = await startTestNode());
  });
  after(() => close());

  const add = (payload: object) => node.server.inject({ method: 'POST', url: '/add_block', payload });

  it('refuses the replay of a condemned block as BLOCK_KNOWN_INVALID, 400 JSON', async () => {
    const chain = node.context.chain;
    const post = makePost();
    const block = mineOn(chain, chain.tip, [post, post]);
    const first = await add(block);
    assert.equal(first.statusCode, 400);
    assert.equal(first.json().error, 'BLOCK_DUPLICATE_POST');
    const replay = await add(block);
    assert.equal(replay.statusCode, 400);
    assert.equal(replay.json().error, 'BLOCK_KNOWN_INVALID');
  });

  it('refuses a side block far below the tip as SIDE_BRANCH_TOO_LIGHT, 409 JSON, and stores nothing', async () => {
    const chain = node.context.chain;
    const base = chain.tip;
    let tip = base;
    for (let i = 0; i < 8; i++) tip = extend(chain, tip);
    const stale = mineOn(chain, base, [makePost()], 3);
    const response = await add(stale);
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().error, 'SIDE_BRANCH_TOO_LIGHT');
    assert.match(response.json().message, /^The block was discarded by the node: /);
    assert.equal(chain.hasBlock(stale.hash), false);
    assert.equal(chain.tip.hash, tip.hash);
  });
});
