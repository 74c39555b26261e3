import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestNode } from '../../helpers/node.ts';

/**
 * GET /api/v1/policy says who may ask for a block (the app shows "Request to mine" only when it
 * can work): the node's --mine-requests policy, and whether this request proved the operator.
 */
describe('GET /api/v1/policy: mine_requests', () => {
  for (const policy of ['open', 'token', 'off'] as const) {
    it(`${policy}: the visitor is no operator, loopback and the admin token are`, async () => {
      const { node, close } = await startTestNode({ http: { mineRequests: policy } });
      try {
        const ask = async (remoteAddress: string, headers: Record<string, string> = {}) => {
          const answer = await node.server.inject({
            method: 'GET',
            url: '/api/v1/policy',
            remoteAddress,
            headers,
          });
          assert.equal(answer.statusCode, 200);
          return answer.json().mine_requests;
        };
        assert.deepEqual(await ask('192.0.2.7'), { policy, operator: false });
        assert.deepEqual(await ask('127.0.0.1'), { policy, operator: true });
        const token = { authorization: `Bearer ${node.context.adminToken}` };
        assert.deepEqual(await ask('192.0.2.7', token), { policy, operator: true });
        const wrong = { authorization: 'Bearer not-the-token' };
        assert.deepEqual(await ask('192.0.2.7', wrong), { policy, operator: false });
      } finally {
        await close();
      }
    });
  }
});
