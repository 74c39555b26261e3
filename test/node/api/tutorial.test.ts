import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { REGTEST } from '#core/params.ts';
import type { YourNetNode } from '#node/node.ts';
import { makePost, mineOn } from '../../helpers/chain.ts';
import { startTestNode } from '../../helpers/node.ts';

describe("the tutorial's endpoints", () => {
  let node: YourNetNode;
  let close: () => Promise<void>;
  before(async () => {
    ({ node, close } = await startTestNode());
  });
  after(() => close());

  const inject = (options: InjectOptions) => node.server.inject(options);

  it('GET /chain serves the genesis as {length, chain, peers}', async () => {
    const response = await inject({ method: 'GET', url: '/chain' });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /application\/json/);
    const body = response.json();
    assert.equal(body.length, 1);
    assert.deepEqual(body.chain, [REGTEST.genesis]);
    assert.deepEqual(body.peers, []);
  });

  it('GET /mine with nothing pending answers "No transactions to mine"', async () => {
    const response = await inject({ method: 'GET', url: '/mine' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, 'No transactions to mine');
  });

  it('POST /new_transaction, GET /pending_tx, GET /mine, GET /chain: the tutorial flow', async () => {
    const before = Date.now() / 1000;
    const created = await inject({
      method: 'POST',
      url: '/new_transaction',
      payload: { author: 'Alice', content: 'Hello, YourNet!' },
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.body, 'Success');

    const pending = (await inject({ method: 'GET', url: '/pending_tx' })).json();
    assert.equal(pending.length, 1);
    assert.equal(pending[0].author, 'Alice');
    assert.equal(pending[0].content, 'Hello, YourNet!');
    assert.equal(typeof pending[0].timestamp, 'number');
    assert.ok(pending[0].timestamp >= before - 1 && pending[0].timestamp <= Date.now() / 1000 + 1);

    const mined = await inject({ method: 'GET', url: '/mine' });
    assert.equal(mined.statusCode, 200);
    assert.equal(mined.body, 'Block #1 is mined.');

    const chain = (await inject({ method: 'GET', url: '/chain' })).json();
    assert.equal(chain.length, 2);
    const block = chain.chain[1];
    for (const field of ['index', 'transactions', 'timestamp', 'previous_hash', 'nonce', 'hash']) {
      assert.ok(field in block, `block has ${field}`);
    }
    assert.equal(block.index, 1);
    assert.equal(block.previous_hash, REGTEST.genesisHash);
    assert.deepEqual(block.transactions, pending);
    assert.deepEqual((await inject({ method: 'GET', url: '/pending_tx' })).json(), []);
  });

  it('GET /chain pages with start and limit, keeping the full length', async () => {
    const page = (await inject({ method: 'GET', url: '/chain?start=1&limit=1' })).json();
    assert.equal(page.length, node.context.chain.tip.height + 1);
    assert.equal(page.chain.length, 1);
    assert.equal(page.chain[0].index, 1);
    const bad = await inject({ method: 'GET', url: '/chain?limit=0' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error, 'BAD_REQUEST');
  });

  for (const [name, payload, code] of [
    ['missing content', { author: 'a' }, 'POST_MISSING_FIELD'],
    ['empty author', { author: '', content: 'x' }, 'POST_MISSING_FIELD'],
    ['extra field', { author: 'a', content: 'x', admin: true }, 'POST_UNKNOWN_FIELD'],
    ['wrong type', { author: 'a', content: 42 }, 'POST_BAD_CONTENT'],
    ['content too long', { author: 'a', content: 'x'.repeat(10_001) }, 'POST_CONTENT_TOO_LONG'],
    ['control character in author', { author: 'a\u0007', content: 'x' }, 'POST_BAD_AUTHOR'],
    ['an array', [1, 2], 'BAD_REQUEST'],
  ] as const) {
    it(`POST /new_transaction with ${name} answers 400 ${code} and changes nothing`, async () => {
      const pendingBefore = node.context.mempool.size.count;
      const response = await inject({ method: 'POST', url: '/new_transaction', payload: payload as object });
      assert.equal(response.statusCode, 400);
      const body = response.json();
      assert.equal(body.error, code);
      assert.equal(typeof body.message, 'string');
      assert.equal(node.context.mempool.size.count, pendingBefore);
    });
  }

  it('malformed JSON answers 400 JSON, an oversized body 413, a wrong media type 415', async () => {
    const malformed = await inject({
      method: 'POST',
      url: '/new_transaction',
      headers: { 'content-type': 'application/json' },
      payload: '{"author": "a", ',
    });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error, 'BAD_REQUEST');
    const huge = await inject({
      method: 'POST',
      url: '/new_transaction',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ author: 'a', content: 'x'.repeat(300_000) }),
    });
    assert.equal(huge.statusCode, 413);
    assert.equal(huge.json().error, 'PAYLOAD_TOO_LARGE');
    const text = await inject({
      method: 'POST',
      url: '/new_transaction',
      headers: { 'content-type': 'text/csv' },
      payload: 'author,content',
    });
    assert.equal(text.statusCode, 415);
    assert.equal(text.json().error, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('POST /add_block accepts a valid block (201), a duplicate (200), and discards invalid ones (400)', async () => {
    const chain = node.context.chain;
    const block = mineOn(chain, chain.tip, [makePost()]);
    const added = await inject({ method: 'POST', url: '/add_block', payload: block });
    assert.equal(added.statusCode, 201);
    assert.equal(added.body, 'Block added to the chain');
    assert.equal(chain.tip.hash, block.hash);

    const again = await inject({ method: 'POST', url: '/add_block', payload: block });
    assert.equal(again.statusCode, 200);

    const tip = chain.tip.hash;
    const cases: [string, unknown, string][] = [
      [
        'tampered post',
        (() => {
          const b = mineOn(chain, chain.tip, [makePost()]);
          b.transactions[0] = { ...b.transactions[0]!, content: 'tampered' };
          return b;
        })(),
        'BLOCK_BAD_MERKLE_ROOT',
      ],
      ['bad hash', { ...mineOn(chain, chain.tip, []), hash: 'ff'.repeat(32) }, 'BLOCK_BAD_HASH'],
      ['unknown parent', mineOn(chain, { ...chain.tip, hash: 'ab'.repeat(32) }, []), 'BLOCK_PARENT_UNKNOWN'],
      [
        'missing field',
        (() => {
          const { nonce: _n, ...rest } = mineOn(chain, chain.tip, []);
          return rest;
        })(),
        'BLOCK_MISSING_FIELD',
      ],
      [
        'the tutorial block form',
        { index: 1, transactions: [], timestamp: 1, previous_hash: '0', nonce: 0, hash: '00' },
        'BLOCK_MISSING_FIELD',
      ],
      ['not an object', [1], 'BLOCK_NOT_OBJECT'],
    ];
    for (const [name, payload, code] of cases) {
      const response = await inject({ method: 'POST', url: '/add_block', payload: payload as object });
      assert.equal(response.statusCode, 400, name);
      assert.equal(response.json().error, code, name);
      assert.match(response.json().message, /^The block was discarded by the node: /, name);
      assert.equal(chain.tip.hash, tip, `${name}: the tip is unchanged`);
    }
  });

  it('POST /register_node stores a normalised peer and answers the chain; bad addresses are 400', async () => {
    const response = await inject({
      method: 'POST',
      url: '/register_node',
      payload: { node_address: 'HTTP://LocalHost:8001/' },
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json().peers, ['http://localhost:8001']);
    assert.equal(response.json().length, node.context.chain.tip.height + 1);
    for (const node_address of ['ftp://x', 'not a url', 'http://u:p@host:1', 42]) {
      const bad = await inject({ method: 'POST', url: '/register_node', payload: { node_address } });
      assert.equal(bad.statusCode, 400, String(node_address));
      assert.equal(bad.json().error, 'BAD_REQUEST');
    }
  });

  it('unknown routes answer 404 JSON', async () => {
    const response = await inject({ method: 'GET', url: '/nope' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error, 'NOT_FOUND');
  });
});
