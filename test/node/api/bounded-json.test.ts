import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAIN } from '#core/params.ts';
import { blockJsonLimits, parseBoundedJson, scanJson } from '#node/api/bounded-json.ts';
import type { YourNetNode } from '#node/node.ts';
import { makePost, mineOn } from '../../helpers/chain.ts';
import { startTestNode } from '../../helpers/node.ts';

const limits = { maxDepth: 3, maxElements: 10 };

describe('scanJson', () => {
  it('counts depth and structural tokens outside strings only', () => {
    const scan = scanJson('{"a":[1,2],"b":"{[,:\\"]}"}', limits);
    assert.deepEqual(scan, { ok: true, depth: 2, elements: 6 });
  });

  it('refuses nesting deeper than the limit, and more elements than the limit', () => {
    const deep = scanJson('[[[[1]]]]', limits);
    assert.equal(deep.ok, false);
    assert.equal(!deep.ok && deep.code, 'PAYLOAD_TOO_COMPLEX');
    const wide = scanJson(`[${'1,'.repeat(20)}1]`, limits);
    assert.equal(!wide.ok && wide.code, 'PAYLOAD_TOO_COMPLEX');
  });

  it('scans UTF-8 bytes as it scans the string', () => {
    const text = '{"é":"ü[","x":[{}]}';
    assert.deepEqual(scanJson(new TextEncoder().encode(text), limits), scanJson(text, limits));
  });

  it('lets through the largest valid block form: every post with every field', () => {
    const post = { author: 'a', content: 'c', timestamp: 1, pubkey: 'p', reply_to: 'r', signature: 's' };
    const block = {
      version: 1,
      index: 1,
      previous_hash: 'x',
      merkle_root: 'y',
      timestamp: 1,
      bits: 1,
      nonce: 1,
      hash: 'z',
      transactions: Array.from({ length: MAIN.maxBlockPosts }, () => post),
    };
    const parsed = parseBoundedJson(JSON.stringify(block), blockJsonLimits(MAIN));
    assert.equal(parsed.ok, true);
  });

  it('parseBoundedJson answers BAD_REQUEST for malformed JSON, never throws', () => {
    const parsed = parseBoundedJson('{"a":', limits);
    assert.equal(!parsed.ok && parsed.code, 'BAD_REQUEST');
  });
});

describe('/add_block body limits', () => {
  let node: YourNetNode;
  let close: () => Promise<void>;
  before(async () => {
    ({ node, close } = await startTestNode());
  });
  after(() => close());

  it('refuses 5.3 million {} fast, with PAYLOAD_TOO_COMPLEX and no memory spike (issue 9, finding 3)', async () => {
    const body = `[${'{},'.repeat(5_300_000)}{}]`;
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const response = await node.server.inject({
      method: 'POST',
      url: '/add_block',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    const elapsed = performance.now() - started;
    const growth = process.memoryUsage().rss - rssBefore;
    assert.equal(response.statusCode, 413);
    assert.equal(response.json().error, 'PAYLOAD_TOO_COMPLEX');
    assert.ok(elapsed < 2000, `refused in ${elapsed.toFixed(0)} ms`);
    assert.ok(growth < 200 * 1024 * 1024, `RSS grew by ${(growth / 2 ** 20).toFixed(0)} MB`);
  });

  it('refuses deep nesting, and still accepts a valid block and answers malformed JSON 400', async () => {
    const deep = await node.server.inject({
      method: 'POST',
      url: '/add_block',
      headers: { 'content-type': 'application/json' },
      payload: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    });
    assert.equal(deep.json().error, 'PAYLOAD_TOO_COMPLEX');
    const malformed = await node.server.inject({
      method: 'POST',
      url: '/add_block',
      headers: { 'content-type': 'application/json' },
      payload: '{"index":',
    });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error, 'BAD_REQUEST');
    const chain = node.context.chain;
    const block = mineOn(chain, chain.tip, [makePost()]);
    const added = await node.server.inject({ method: 'POST', url: '/add_block', payload: block });
    assert.equal(added.statusCode, 201);
  });
});
