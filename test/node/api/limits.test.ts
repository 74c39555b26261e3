import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { YourNetNode } from '#node/node.ts';
import { startTestNode } from '../../helpers/node.ts';

/** Sends `count` requests built by `make`, in bounded concurrent batches; answers the responses. */
async function flood(
  node: YourNetNode,
  count: number,
  make: (i: number) => InjectOptions,
): Promise<LightMyRequestResponse[]> {
  const out: LightMyRequestResponse[] = [];
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, (_, j) => node.server.inject(make(i + j)));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

function assertRateLimited(response: LightMyRequestResponse): void {
  assert.equal(response.statusCode, 429);
  // The per-address HTTP limit, or on /p2p the peer layer's own per-address bucket before it.
  assert.ok(['RATE_LIMITED', 'P2P_RATE_LIMITED'].includes(response.json().error), response.body);
  assert.match(String(response.headers['retry-after']), /^\d+$/);
  assert.ok(Number(response.headers['retry-after']) <= 10);
}

describe('rate limits per source address (issue 9, finding 7)', () => {
  let node: YourNetNode;
  let close: () => Promise<void>;
  before(async () => {
    // Budgets ×0.1 (p2p: 200 per 10 s), so that the flood outruns the window on a slow machine too.
    ({ node, close } = await startTestNode({ http: { rateLimit: { scale: 0.1 } } }));
  });
  after(() => close());

  it('rotating X-YourNet-Peer does not bypass the /p2p limit: a flood from one address meets 429s', async () => {
    const answers = await flood(node, 600, (i) => ({
      method: 'POST',
      url: '/p2p/inv',
      remoteAddress: '198.51.100.1',
      headers: { 'x-yournet-peer': `http://203.0.113.${i % 250}:${1000 + i}` },
      payload: { posts: 'x' },
    }));
    const limited = answers.filter((a) => a.statusCode === 429);
    assert.ok(limited.length >= 200, `only ${limited.length} of 600 were limited`);
    assertRateLimited(limited[0]!);
    // Another address keeps its own budget.
    const other = await node.server.inject({
      method: 'GET',
      url: '/p2p/addr',
      remoteAddress: '198.51.100.2',
    });
    assert.equal(other.statusCode, 200);
  });
});

describe('rate limits on every route class, scaled down (--rate-limit-scale)', () => {
  let node: YourNetNode;
  let close: () => Promise<void>;
  before(async () => {
    // Budgets ×0.01: reads 30, p2p 20, chain 3, posting 20, register_node and admin 1 per 10 s.
    ({ node, close } = await startTestNode({ http: { rateLimit: { scale: 0.01 } } }));
  });
  after(() => close());

  const cases: [string, (i: number) => InjectOptions, number][] = [
    ['GET /p2p/status', () => ({ method: 'GET', url: '/p2p/status' }), 30],
    ['GET /api/v1/status', () => ({ method: 'GET', url: '/api/v1/status' }), 30],
    ['GET /chain', () => ({ method: 'GET', url: '/chain' }), 3],
    ['GET of an unknown path (404)', (i) => ({ method: 'GET', url: `/nope/${i}` }), 30],
    [
      'POST /new_transaction',
      (i) => ({ method: 'POST', url: '/new_transaction', payload: { author: 'a', content: `flood ${i}` } }),
      20,
    ],
    [
      'POST /register_node',
      () => ({ method: 'POST', url: '/register_node', payload: { node_address: 'not a url' } }),
      1,
    ],
  ];
  for (const [name, make, budget] of cases) {
    it(`${name} answers 429 past its budget of ${budget}, per address`, async () => {
      const address = `192.0.2.${cases.findIndex((c) => c[0] === name) + 10}`;
      const answers = await flood(node, budget + 5, (i) => ({ ...make(i), remoteAddress: address }));
      const limited = answers.filter((a) => a.statusCode === 429);
      assert.equal(limited.length, 5, `${limited.length} limited`);
      assertRateLimited(limited[0]!);
      const elsewhere = await node.server.inject({ ...make(10_000), remoteAddress: '192.0.2.99' });
      assert.notEqual(elsewhere.statusCode, 429);
    });
  }

  it('one class does not spend another: /chain exhausted, reads still answer', async () => {
    const address = '192.0.2.50';
    await flood(node, 5, () => ({ method: 'GET', url: '/chain', remoteAddress: address }));
    const status = await node.server.inject({ method: 'GET', url: '/api/v1/status', remoteAddress: address });
    assert.equal(status.statusCode, 200);
  });
});
