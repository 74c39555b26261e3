import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Static } from 'typebox';
import { Value } from 'typebox/value';
import { ApiError, NodeClient } from '#core/api/client.ts';
import * as Schemas from '#core/api/schemas.ts';
import { type Post, signPost } from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import type { YourNetNode } from '#node/node.ts';
import type * as Queries from '#node/store/queries.ts';
import { idOf } from '../../helpers/chain.ts';
import { startTestNode } from '../../helpers/node.ts';

// The views the store builds and the API's schemas are one type: each is assignable to the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTypes: [
  Same<Queries.PostView, Schemas.PostView>,
  Same<Queries.PostDetail, Schemas.PostDetail>,
  Same<Queries.BlockSummary, Schemas.BlockSummary>,
  Same<Queries.BlockDetail, Schemas.BlockDetail>,
  Same<Queries.Page<Queries.PostView>, Schemas.Page<Schemas.PostView>>,
  Same<Queries.ChainStats, Schemas.ChainStats>,
  Same<Schemas.Page<Schemas.PostView>, Static<typeof Schemas.PostPage>>,
] = [true, true, true, true, true, true, true];

const KEY = new Uint8Array(32).fill(21);
let counter = 0;
function signed(content: string, extra: Partial<Post> = {}): Post {
  counter++;
  return signPost(
    { author: 'carol', content, timestamp: Date.now() / 1000 - counter / 1000, ...extra },
    KEY,
    nodeCrypto,
  );
}

/** Reads server-sent events from a real HTTP stream. */
async function openEvents(url: string, signal: AbortSignal) {
  const response = await fetch(`${url}/api/v1/events`, { signal, headers: { origin: 'http://elsewhere' } });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    response,
    /** The payload of the next event named `name`. */
    async next(name: string): Promise<unknown> {
      const deadline = Date.now() + 10_000;
      const pattern = new RegExp(`event: ${name}\\ndata: (.*)\\n\\n`);
      for (;;) {
        const match = pattern.exec(text);
        if (match) {
          text = text.slice(match.index + match[0].length);
          return JSON.parse(match[1]!);
        }
        assert.ok(Date.now() < deadline, `no ${name} event in ${text}`);
        const { value, done } = await reader.read();
        assert.ok(!done, 'the stream ended');
        text += decoder.decode(value, { stream: true });
      }
    },
  };
}

describe('the API contract (src/core/api)', () => {
  let node: YourNetNode;
  let close: () => Promise<void>;
  let client: NodeClient;
  before(async () => {
    ({ node, close } = await startTestNode());
    client = new NodeClient(node.url);
  });
  after(() => close());

  it('the store views and the schemas are the same types', () => {
    assert.ok(sameTypes.every(Boolean));
  });

  it('src/core/api runs in browsers, and its client loads no schema code (the app bundle stays small)', () => {
    const dir = join(import.meta.dirname, '..', '..', '..', 'src', 'core', 'api');
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.ts'))) {
      const text = readFileSync(join(dir, name), 'utf8');
      const imports = [...text.matchAll(/^import (type )?[^;]*? from '([^']+)';/gms)];
      for (const [, typeOnly, specifier] of imports) {
        assert.ok(
          !specifier!.startsWith('node:') && !specifier!.includes('/node/'),
          `${name} imports ${specifier}`,
        );
        if (name === 'client.ts') assert.ok(typeOnly, `client.ts imports ${specifier} at run time`);
      }
    }
  });

  it('every answer matches its schema and keeps every field the node built', async () => {
    const parent = signed('the contract');
    await client.submit(parent);
    const reply = signed('a reply', { reply_to: idOf(parent) });
    await client.submit(reply);
    const queries = node.context.queries;
    const json = (value: unknown) => JSON.parse(JSON.stringify(value));

    const pending = await client.pending(10);
    assert.ok(Value.Check(Schemas.PendingPage, pending));
    assert.deepEqual(pending.items, json(queries.pending(10)));
    const pendingDetail = await client.post(idOf(parent));
    assert.ok(Value.Check(Schemas.PostDetail, pendingDetail));
    assert.deepEqual(pendingDetail, json(queries.post(idOf(parent))));

    const mined = await client.mine();
    assert.ok(Value.Check(Schemas.MineResult, mined));
    assert.equal(mined.mined, true);

    const status = await client.status();
    assert.ok(Value.Check(Schemas.NodeStatus, status), JSON.stringify(status));
    const feed = await client.feed({ limit: 5 });
    assert.ok(Value.Check(Schemas.PostPage, feed));
    assert.deepEqual(feed, json(queries.posts({ limit: 5 })));
    const detail = await client.post(idOf(reply));
    assert.ok(Value.Check(Schemas.PostDetail, detail));
    assert.ok(
      detail.proof !== undefined && detail.merkle_root !== undefined,
      'a confirmed post has its proof',
    );
    assert.equal(detail.post.reply_to, idOf(parent));
    assert.deepEqual(detail, json(queries.post(idOf(reply))));
    const blocks = await client.blocks(5);
    assert.ok(Value.Check(Schemas.BlockPage, blocks));
    assert.deepEqual(blocks, json(queries.blocks({ limit: 5 })));
    const block = await client.block(1);
    assert.ok(Value.Check(Schemas.BlockDetail, block));
    assert.deepEqual(block, json(queries.block('1')));
  });

  it('a refused request is an ApiError with the node code; an unreachable node is a network ApiError', async () => {
    const missing = await client.post('0'.repeat(64)).catch((error: unknown) => error);
    assert.ok(missing instanceof ApiError);
    assert.equal(missing.kind, 'http');
    assert.equal(missing.status, 404);
    assert.equal(missing.code, 'NOT_FOUND');
    const invalid = await client.feed({ limit: 0 }).catch((error: unknown) => error);
    assert.ok(invalid instanceof ApiError);
    assert.equal(invalid.status, 400, 'a query that fails its schema is a 400');
    assert.equal(invalid.code, 'BAD_REQUEST');
    const offline = await new NodeClient('http://127.0.0.1:1').status().catch((error: unknown) => error);
    assert.ok(offline instanceof ApiError);
    assert.equal(offline.kind, 'network');
  });

  it('the OpenAPI document describes the real answers and the event payloads', async () => {
    const doc = (await node.server.inject({ method: 'GET', url: '/api/docs' })).json();
    const answer = (path: string, method: string, status: string) =>
      doc.paths[path][method].responses[status]?.content?.['application/json']?.schema;
    const feed = answer('/api/v1/posts', 'get', '200');
    assert.ok(feed, 'GET /api/v1/posts documents its answer');
    assert.deepEqual(Object.keys(feed.properties).sort(), ['items', 'next']);
    assert.deepEqual(
      Object.keys(feed.properties.items.items.properties).sort(),
      Object.keys(Schemas.PostView.properties).sort(),
    );
    assert.ok(answer('/api/v1/status', 'get', '200').properties.mining);
    assert.ok(answer('/api/v1/posts/{id}', 'get', '200').properties.proof);
    assert.ok(answer('/api/v1/blocks/{id}', 'get', '200').properties.transactions);
    assert.ok(answer('/chain', 'get', '200').properties.chain);
    assert.deepEqual(Object.keys(answer('/api/v1/posts/{id}', 'get', '4XX').properties).sort(), [
      'error',
      'message',
      'required_work',
    ]);
    for (const name of ['PostEvent', 'BlockEvent', 'ReorgEvent']) {
      assert.ok(doc.components.schemas[name], `${name} is documented`);
    }
  });

  it('events carry the same views as the REST answers, with the CORS header', async () => {
    const abort = new AbortController();
    try {
      const events = await openEvents(node.url, abort.signal);
      assert.equal(events.response.headers.get('access-control-allow-origin'), '*');
      const post = signed('live and typed');
      await client.submit(post);
      const postEvent = await events.next('post');
      assert.ok(Value.Check(Schemas.PostEvent, postEvent));
      const rest = (await client.feed({ limit: 1 })).items[0];
      assert.equal(rest?.id, idOf(post));
      assert.deepEqual(postEvent, rest);

      await client.mine();
      const blockEvent = await events.next('block');
      assert.ok(Value.Check(Schemas.BlockEvent, blockEvent));
      assert.deepEqual(blockEvent, (await client.blocks(1)).items[0]);
    } finally {
      abort.abort();
    }
  });

  it('answers CORS preflights on the node itself', async () => {
    const preflight = await node.server.inject({
      method: 'OPTIONS',
      url: '/api/v1/posts',
      headers: {
        origin: 'http://127.0.0.1:5000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    assert.equal(preflight.headers['access-control-allow-credentials'], undefined);
    assert.match(preflight.headers['access-control-allow-methods'] as string, /POST/);
    assert.match(preflight.headers['access-control-allow-headers'] as string, /content-type/);
  });

  it('/metrics has the node, process, event-loop, GC and request-latency metrics, per node', async () => {
    await client.status();
    const body = (await node.server.inject({ method: 'GET', url: '/metrics' })).body;
    for (const name of [
      'yournet_chain_height',
      'yournet_miner_hashes_total',
      'process_resident_memory_bytes',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'nodejs_gc_duration_seconds',
      'yournet_http_request_duration_seconds',
    ]) {
      assert.match(body, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    assert.match(body, /^# TYPE yournet_http_request_duration_seconds histogram$/m);
    assert.match(
      body,
      /^yournet_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/status",status_code="200"\} [1-9]/m,
    );
    // A second node in the same process has its own registry: no clash, its own figures.
    const second = await startTestNode();
    try {
      const other = (await second.node.server.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(other, /^yournet_chain_height 0$/m);
      assert.doesNotMatch(other, /route="\/api\/v1\/status"/);
    } finally {
      await second.close();
    }
  });
});
