import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stampWork } from '#core/stamp.ts';
import { startTestNode } from '../../helpers/node.ts';

describe('GET /api/v1/policy', () => {
  it('prices a post of N bytes and is summarised in /api/v1/status; bad sizes are 400', async () => {
    const { node, close } = await startTestNode({});
    try {
      const answer = await node.server.inject({ method: 'GET', url: '/api/v1/policy?bytes=500' });
      assert.equal(answer.statusCode, 200);
      const policy = answer.json();
      assert.equal(policy.bytes, 500);
      assert.equal(policy.floor_work, 0);
      assert.ok(policy.next_block_work >= policy.required_work);
      assert.ok(Number(stampWork(policy.required_bits)) >= policy.required_work);
      const status = (await node.server.inject({ method: 'GET', url: '/api/v1/status' })).json();
      assert.deepEqual(Object.keys(status.stamps).sort(), [
        'floor_work',
        'min_density',
        'next_block_density',
      ]);
      for (const bad of ['0', '-1', '1e9', 'abc']) {
        const refused = await node.server.inject({ method: 'GET', url: `/api/v1/policy?bytes=${bad}` });
        assert.equal(refused.statusCode, 400, bad);
        assert.equal(refused.json().error, 'BAD_REQUEST');
      }
    } finally {
      await close();
    }
  });
});
