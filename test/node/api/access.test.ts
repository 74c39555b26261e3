import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { YourNetNode } from '#node/node.ts';
import { startTestNode } from '../../helpers/node.ts';

const EVIL = 'http://evil.example';

describe('admin actions cannot be borrowed (issue 9, finding 8)', () => {
  let node: YourNetNode;
  let close: () => Promise<void>;
  before(async () => {
    ({ node, close } = await startTestNode());
  });
  after(() => close());

  it('a page of another origin can post and read, but not register_with or register_node (403)', async () => {
    const headers = { origin: EVIL };
    const post = await node.server.inject({
      method: 'POST',
      url: '/new_transaction',
      headers,
      payload: { author: 'visitor', content: 'from a page' },
    });
    assert.equal(post.statusCode, 201);
    assert.equal(post.headers['access-control-allow-origin'], '*');
    const read = await node.server.inject({ method: 'GET', url: '/api/v1/status', headers });
    assert.equal(read.statusCode, 200);
    for (const url of ['/register_with', '/register_node']) {
      const answer = await node.server.inject({
        method: 'POST',
        url,
        headers: { ...headers, authorization: `Bearer ${node.context.adminToken}` },
        payload: { node_address: 'http://198.51.100.9:8000' },
      });
      assert.equal(answer.statusCode, 403, url);
      assert.equal(answer.json().error, 'CROSS_ORIGIN_FORBIDDEN');
      assert.equal(answer.headers['access-control-allow-origin'], undefined);
    }
    assert.equal(node.context.peers.count(), 0);
  });

  it('a DNS-rebinding page (loopback, but Host and Origin its own site) is not the operator', async () => {
    // The page's name now resolves to 127.0.0.1: same origin as the Host it sends, from loopback.
    const headers = { host: 'evil.example:8000', origin: 'http://evil.example:8000' };
    const answer = await node.server.inject({
      method: 'POST',
      url: '/register_with',
      headers,
      payload: { node_address: 'http://198.51.100.9:8000' },
    });
    assert.equal(answer.statusCode, 401);
    assert.equal(answer.json().error, 'UNAUTHORIZED');
    assert.match(answer.json().message, /another host name/);
    const status = (await node.server.inject({ method: 'GET', url: '/p2p/status', headers })).json();
    assert.equal(typeof status.known, 'number', 'peer details are for the operator only');
    for (const host of ['localhost:8000', '127.0.0.1:8000', '[::1]:8000', 'node.localhost']) {
      const local = await node.server.inject({ method: 'GET', url: '/p2p/status', headers: { host } });
      assert.ok(Array.isArray(local.json().known), `${host} names this machine`);
    }
    assert.equal(node.context.peers.count(), 0);
  });

  it('a page of another origin cannot make the node handshake through /p2p either', async () => {
    const answer = await node.server.inject({
      method: 'POST',
      url: '/p2p/handshake',
      headers: { origin: EVIL },
      payload: {},
    });
    assert.equal(answer.statusCode, 403);
    assert.equal(answer.json().error, 'CROSS_ORIGIN_FORBIDDEN');
  });

  it('CORS preflights allow posting but not admin routes', async () => {
    const preflight = (url: string) =>
      node.server.inject({
        method: 'OPTIONS',
        url,
        headers: {
          origin: EVIL,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const posts = await preflight('/api/v1/posts');
    assert.equal(posts.statusCode, 204);
    assert.equal(posts.headers['access-control-allow-origin'], '*');
    for (const url of ['/register_with', '/register_node', '/p2p/inv']) {
      const refused = await preflight(url);
      assert.equal(refused.headers['access-control-allow-origin'], undefined, url);
      assert.notEqual(refused.statusCode, 204, url);
    }
  });

  it('an OPTIONS with an Origin but no requested method is refused in JSON, like every refusal', async () => {
    const answer = await node.server.inject({
      method: 'OPTIONS',
      url: '/api/v1/status',
      headers: { origin: EVIL },
    });
    assert.equal(answer.statusCode, 400);
    assert.match(answer.headers['content-type'] as string, /^application\/json/);
    assert.equal(answer.json().error, 'BAD_REQUEST');
  });

  it("the node's own origin is not another origin", async () => {
    const answer = await node.server.inject({
      method: 'POST',
      url: '/register_with',
      headers: { origin: 'http://localhost:80', host: 'localhost:80' },
      payload: { node_address: 'not a url' },
    });
    assert.equal(answer.statusCode, 400); // past the origin and admin checks: the address is bad
  });

  it('/p2p/status shows peers, scores and bans to the operator only; others get counts', async () => {
    node.context.peers.add('http://198.51.100.20:8000', 'config');
    const operator = (await node.server.inject({ method: 'GET', url: '/p2p/status' })).json();
    assert.ok(Array.isArray(operator.known));
    assert.equal(operator.known[0].url, 'http://198.51.100.20:8000');
    const visitor = await node.server.inject({
      method: 'GET',
      url: '/p2p/status',
      remoteAddress: '192.0.2.7',
    });
    assert.equal(visitor.statusCode, 200);
    const body = visitor.json();
    assert.equal(body.known, 1);
    assert.equal(body.connected, 0);
    assert.ok(!visitor.body.includes('198.51.100.20'));
    const withToken = await node.server.inject({
      method: 'GET',
      url: '/p2p/status',
      remoteAddress: '192.0.2.7',
      headers: { authorization: `Bearer ${node.context.adminToken}` },
    });
    assert.ok(Array.isArray(withToken.json().known));
  });

  it('every answer says nosniff: JSON, text, errors, streams', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/status'],
      ['GET', '/chain'],
      ['GET', '/pending_tx'],
      ['GET', '/nope'],
      ['GET', '/api/v1/posts/zz'],
      ['GET', '/metrics'],
      ['HEAD', '/api/v1/events'],
    ] as const) {
      const answer = await node.server.inject({ method, url });
      assert.equal(answer.headers['x-content-type-options'], 'nosniff', `${method} ${url}`);
    }
  });
});

describe('--trust-proxy: loopback proves nothing', () => {
  let node: YourNetNode;
  let close: () => Promise<void>;
  before(async () => {
    ({ node, close } = await startTestNode({ http: { trustProxy: true } }));
  });
  after(() => close());

  it('register_with from loopback needs the token; the limit keys on X-Forwarded-For', async () => {
    const ask = (headers: Record<string, string>) =>
      node.server.inject({
        method: 'POST',
        url: '/register_with',
        headers: { 'x-forwarded-for': '203.0.113.5', ...headers },
        payload: { node_address: 'not a url' },
      });
    const without = await ask({});
    assert.equal(without.statusCode, 401);
    assert.equal(without.json().error, 'UNAUTHORIZED');
    const withToken = await ask({ authorization: `Bearer ${node.context.adminToken}` });
    assert.equal(withToken.statusCode, 400);
    const status = await node.server.inject({
      method: 'GET',
      url: '/p2p/status',
      headers: { 'x-forwarded-for': '203.0.113.5' },
    });
    assert.equal(typeof status.json().known, 'number');
  });
});

describe('the mining-request policy (--mine-requests)', () => {
  for (const [policy, status, code] of [
    ['token', 401, 'UNAUTHORIZED'],
    ['off', 403, 'MINE_REQUESTS_OFF'],
  ] as const) {
    it(`${policy}: a visitor is refused ${status} ${code}; the operator still mines`, async () => {
      const { node, close } = await startTestNode({ http: { mineRequests: policy } });
      try {
        const visitor = await node.server.inject({ method: 'GET', url: '/mine', remoteAddress: '192.0.2.7' });
        assert.equal(visitor.statusCode, status);
        assert.equal(visitor.json().error, code);
        const operator = await node.server.inject({ method: 'GET', url: '/mine' });
        assert.equal(operator.statusCode, 200);
      } finally {
        await close();
      }
    });
  }

  it('open: a page of another origin may ask to mine (not an admin action), once per 10 s', async () => {
    const { node, close } = await startTestNode();
    try {
      const ask = () =>
        node.server.inject({
          method: 'POST',
          url: '/api/v1/mine',
          remoteAddress: '192.0.2.8',
          headers: { origin: EVIL },
        });
      assert.equal((await ask()).statusCode, 200);
      const again = await ask();
      assert.equal(again.statusCode, 429);
      assert.equal(again.headers['retry-after'], '10');
      for (let i = 0; i < 3; i++)
        assert.equal((await node.server.inject({ method: 'GET', url: '/mine' })).statusCode, 200);
    } finally {
      await close();
    }
  });
});
