import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { verifyMerkleProof } from '#core/merkle.ts';
import { REGTEST } from '#core/params.ts';
import { type Post, signPost } from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import type { YourNetNode } from '#node/node.ts';
import { idOf } from '../../helpers/chain.ts';
import { startTestNode } from '../../helpers/node.ts';

const KEY_A = new Uint8Array(32).fill(11);
const KEY_B = new Uint8Array(32).fill(12);
let counter = 0;

function signed(content: string, key = KEY_A, extra: Partial<Post> = {}): Post {
  counter++;
  return signPost(
    { author: 'alice', content, timestamp: Date.now() / 1000 - counter / 1000, ...extra },
    key,
    nodeCrypto,
  );
}

describe('/api/v1', () => {
  let node: YourNetNode;
  let close: () => Promise<void>;
  before(async () => {
    ({ node, close } = await startTestNode());
  });
  after(() => close());

  const inject = (options: InjectOptions) => node.server.inject(options);
  const submit = (payload: unknown) =>
    inject({ method: 'POST', url: '/api/v1/posts', payload: payload as object });
  const state = async () => {
    const status = (await inject({ method: 'GET', url: '/api/v1/status' })).json();
    return { height: status.height, tip: status.tip, pending: status.pending.count };
  };

  it('GET status describes the network, the tip, the pool and the miner', async () => {
    const response = await inject({ method: 'GET', url: '/api/v1/status' });
    assert.equal(response.statusCode, 200);
    const status = response.json();
    assert.equal(status.network, 'regtest');
    assert.equal(status.genesis, REGTEST.genesisHash);
    assert.equal(status.height, 0);
    assert.equal(status.tip, REGTEST.genesisHash);
    assert.match(status.chainwork, /^[0-9a-f]{64}$/);
    assert.deepEqual(status.pending, { count: 0, bytes: 0 });
    assert.equal(status.mining.active, false);
    assert.equal(status.mining.workers, 1);
  });

  it('a signed post goes pending, is mined, and is confirmed with a merkle proof that checks', async () => {
    const post = signed('hello from the v1 API');
    const id = idOf(post);
    const created = await submit(post);
    assert.equal(created.statusCode, 201);
    assert.deepEqual(created.json(), { id, status: 'pending' });

    const pending = (await inject({ method: 'GET', url: `/api/v1/posts/${id}` })).json();
    assert.equal(pending.status, 'pending');
    assert.equal(pending.signed, true);
    assert.deepEqual(pending.post, post);
    assert.equal(pending.proof, undefined);

    const listed = (await inject({ method: 'GET', url: '/api/v1/pending' })).json();
    assert.equal(listed.total, 1);
    assert.equal(listed.items[0].id, id);

    const mined = await inject({ method: 'POST', url: '/api/v1/mine' });
    assert.equal(mined.statusCode, 201);
    const result = mined.json();
    assert.equal(result.mined, true);
    assert.equal(result.height, 1);
    assert.equal(result.posts, 1);

    const confirmed = (await inject({ method: 'GET', url: `/api/v1/posts/${id}` })).json();
    assert.equal(confirmed.status, 'confirmed');
    assert.equal(confirmed.block.height, 1);
    assert.equal(confirmed.block.hash, result.hash);
    assert.equal(confirmed.confirmations, 1);
    assert.ok(verifyMerkleProof(id, confirmed.proof, confirmed.merkle_root));
    const block = (await inject({ method: 'GET', url: `/api/v1/blocks/${result.hash}` })).json();
    assert.equal(confirmed.merkle_root, block.merkle_root);
    assert.deepEqual(block.ids, [id]);
    assert.deepEqual((await inject({ method: 'GET', url: '/api/v1/blocks/1' })).json(), block);

    const again = await submit(post);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error, 'POST_ALREADY_CONFIRMED');
  });

  it('POST /api/v1/mine with nothing pending answers 200 NOTHING_TO_MINE', async () => {
    const response = await inject({ method: 'POST', url: '/api/v1/mine' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().reason, 'NOTHING_TO_MINE');
  });

  const tampered = () => ({ ...signed('original'), content: 'tampered' });
  const badInputs: [string, unknown, number, string][] = [
    ['a tampered signed post', tampered(), 400, 'POST_BAD_SIGNATURE'],
    ['an unknown field', { ...signed('x'), extra: 1 }, 400, 'POST_UNKNOWN_FIELD'],
    ['a missing timestamp', { author: 'a', content: 'b' }, 400, 'POST_MISSING_FIELD'],
    [
      'content over 10,000 bytes',
      { author: 'a', content: 'é'.repeat(5001), timestamp: 1 },
      400,
      'POST_CONTENT_TOO_LONG',
    ],
    ['a string timestamp', { author: 'a', content: 'b', timestamp: '1' }, 400, 'POST_BAD_TIMESTAMP'],
    [
      'a pubkey without signature',
      { ...signed('y'), signature: undefined },
      400,
      'POST_INCOMPLETE_SIGNATURE',
    ],
    [
      'a post from the far future',
      signed('later', KEY_A, { timestamp: Date.now() / 1000 + 3 * 3600 }),
      400,
      'POST_TIME_TOO_NEW',
    ],
    ['an array', [1, 2], 400, 'POST_NOT_OBJECT'],
  ];
  for (const [name, payload, status, code] of badInputs) {
    it(`POST /api/v1/posts with ${name} answers ${status} ${code} and changes nothing`, async () => {
      const before = await state();
      const response = await submit(JSON.parse(JSON.stringify(payload)));
      assert.equal(response.statusCode, status, response.body);
      assert.match(response.headers['content-type'] as string, /application\/json/);
      const body = response.json();
      assert.equal(body.error, code, body.message);
      assert.equal(typeof body.message, 'string');
      assert.deepEqual(await state(), before);
    });
  }

  it('a duplicate pending post answers 409 POST_DUPLICATE', async () => {
    const post = signed('only once');
    assert.equal((await submit(post)).statusCode, 201);
    const before = await state();
    const response = await submit(post);
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().error, 'POST_DUPLICATE');
    assert.deepEqual(await state(), before);
  });

  it('malformed JSON is 400 BAD_REQUEST; bad query parameters are 400; unknown ids are 404', async () => {
    const malformed = await inject({
      method: 'POST',
      url: '/api/v1/posts',
      headers: { 'content-type': 'application/json' },
      payload: '{"author": "a",',
    });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error, 'BAD_REQUEST');
    for (const url of [
      '/api/v1/posts?limit=0',
      '/api/v1/posts?limit=abc',
      '/api/v1/blocks?limit=1000',
      '/api/v1/posts?pubkey=XYZ',
      '/api/v1/posts?q=%20', // refused by the query itself (QueryError), not by the schema
    ]) {
      const response = await inject({ method: 'GET', url });
      assert.equal(response.statusCode, 400, url);
      assert.equal(response.json().error, 'BAD_REQUEST', url);
    }
    for (const url of [
      `/api/v1/posts/${'ab'.repeat(32)}`,
      '/api/v1/posts/nothex',
      '/api/v1/blocks/999',
      `/api/v1/blocks/${'cd'.repeat(32)}`,
    ]) {
      const response = await inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().error, 'NOT_FOUND', url);
    }
  });

  it('the feed is newest first and filters by author, pubkey, reply_to and full text', async () => {
    const root = signed('a question about merkle trees', KEY_B, { author: 'bob' });
    const rootId = idOf(root);
    const reply = signed('an answer about audit paths', KEY_A, { reply_to: rootId });
    assert.equal((await submit(root)).statusCode, 201);
    assert.equal((await submit(reply)).statusCode, 201);
    const unsigned = {
      author: 'carol',
      content: 'unsigned words about merkle',
      timestamp: Date.now() / 1000,
    };
    assert.equal((await submit(unsigned)).statusCode, 201);

    const feed = (await inject({ method: 'GET', url: '/api/v1/posts?limit=3&replies=include' })).json();
    assert.deepEqual(
      feed.items.map((item: { post: Post }) => item.post.content),
      [unsigned.content, reply.content, root.content],
    );
    assert.equal(typeof feed.next, 'number');
    const rest = (await inject({ method: 'GET', url: `/api/v1/posts?limit=200&before=${feed.next}` })).json();
    assert.ok(rest.items.every((item: { seq: number }) => item.seq < feed.next));
    assert.ok(
      !rest.items.some((item: { id: string }) =>
        feed.items.some((first: { id: string }) => first.id === item.id),
      ),
    );

    // The default feed: top-level posts, each with its reply count; a thread pages oldest first.
    const top = (await inject({ method: 'GET', url: '/api/v1/posts?limit=2' })).json();
    assert.deepEqual(
      top.items.map((item: { post: Post; replies: number }) => [item.post.content, item.replies]),
      [
        [unsigned.content, 0],
        [root.content, 1],
      ],
    );
    const thread = (await inject({ method: 'GET', url: `/api/v1/posts?reply_to=${rootId}&after=0` })).json();
    assert.deepEqual(
      thread.items.map((item: { id: string }) => item.id),
      [idOf(reply)],
    );
    for (const query of ['replies=none', 'after=0', `reply_to=${rootId}&replies=exclude`, 'after=-1']) {
      const refused = await inject({ method: 'GET', url: `/api/v1/posts?${query}` });
      assert.equal(refused.statusCode, 400, query);
      assert.equal(refused.json().error, 'BAD_REQUEST', query);
    }

    const byAuthor = (await inject({ method: 'GET', url: '/api/v1/posts?author=bob' })).json();
    assert.deepEqual(
      byAuthor.items.map((item: { id: string }) => item.id),
      [rootId],
    );
    assert.equal(byAuthor.items[0].replies, 1);
    const pubkey = root.pubkey!;
    const byKey = (await inject({ method: 'GET', url: `/api/v1/posts?pubkey=${pubkey}` })).json();
    assert.deepEqual(
      byKey.items.map((item: { id: string }) => item.id),
      [rootId],
    );
    const replies = (await inject({ method: 'GET', url: `/api/v1/posts?reply_to=${rootId}` })).json();
    assert.deepEqual(
      replies.items.map((item: { id: string }) => item.id),
      [idOf(reply)],
    );
    const search = (await inject({ method: 'GET', url: '/api/v1/posts?q=merkle' })).json();
    assert.deepEqual(search.items.map((item: { post: Post }) => item.post.author).sort(), ['bob', 'carol']);
    const unsignedView = search.items.find((item: { post: Post }) => item.post.author === 'carol');
    assert.equal(unsignedView.signed, false);
    // FTS syntax in the query is treated as text, never an error.
    const odd = await inject({
      method: 'GET',
      url: `/api/v1/posts?q=${encodeURIComponent('"merkle* OR NEAR(')}`,
    });
    assert.equal(odd.statusCode, 200);
  });

  it('a search right after a POST finds the post (the full-text index catches up before searching)', async () => {
    const words = ['quokka', 'wombat', 'numbat'];
    const ids: string[] = [];
    for (const [i, word] of words.entries()) {
      const post = signed(`a fresh ${word} post ${i}`);
      assert.equal((await submit(post)).statusCode, 201);
      ids.push(idOf(post));
      // Immediately, without waiting for the maintenance timer.
      const found = (await inject({ method: 'GET', url: `/api/v1/posts?q=${word}` })).json();
      assert.deepEqual(
        found.items.map((item: { id: string }) => item.id),
        [idOf(post)],
      );
    }
    const all = (await inject({ method: 'GET', url: '/api/v1/posts?q=fresh' })).json();
    assert.deepEqual(
      all.items.map((item: { id: string }) => item.id),
      ids.reverse(),
    );
  });

  it('GET blocks pages the best chain newest first', async () => {
    assert.equal((await inject({ method: 'POST', url: '/api/v1/mine' })).statusCode, 201);
    const page = (await inject({ method: 'GET', url: '/api/v1/blocks?limit=1' })).json();
    assert.equal(page.items.length, 1);
    const tip = (await state()).height;
    assert.equal(page.items[0].height, tip);
    const older = (await inject({ method: 'GET', url: `/api/v1/blocks?limit=200&before=${tip}` })).json();
    assert.deepEqual(
      older.items.map((block: { height: number }) => block.height),
      Array.from({ length: tip }, (_, i) => tip - 1 - i),
    );
  });

  it('GET /metrics speaks the Prometheus text format', async () => {
    const response = await inject({ method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
    const height = (await state()).height;
    assert.match(response.body, new RegExp(`^yournet_chain_height ${height}$`, 'm'));
    assert.match(response.body, /^# TYPE yournet_posts_accepted_total counter$/m);
    assert.match(response.body, /^yournet_posts_rejected_total [1-9]\d*$/m);
    // Peers by state, the same figures as the status: connected by direction, then known addresses.
    const status = JSON.parse((await inject({ method: 'GET', url: '/api/v1/status' })).body);
    const { inbound, outbound, known } = status.connections;
    assert.match(response.body, new RegExp(`^yournet_peers_inbound ${inbound}$`, 'm'));
    assert.match(response.body, new RegExp(`^yournet_peers_outbound ${outbound}$`, 'm'));
    assert.match(response.body, new RegExp(`^yournet_peer_addresses ${known}$`, 'm'));
  });

  it('admin actions from another machine need the token; mining requests follow the open policy', async () => {
    const remote = {
      method: 'POST' as const,
      url: '/register_with',
      remoteAddress: '192.0.2.7',
      payload: { node_address: 'not a url' },
    };
    const missing = await inject(remote);
    assert.equal(missing.statusCode, 401);
    assert.equal(missing.json().error, 'UNAUTHORIZED');
    const wrong = await inject({ ...remote, headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.statusCode, 403);
    assert.equal(wrong.json().error, 'FORBIDDEN');
    const right = await inject({
      ...remote,
      headers: { authorization: `Bearer ${node.context.adminToken}` },
    });
    // Past the admin check: the address itself is refused.
    assert.equal(right.statusCode, 400, right.body);
    assert.equal(right.json().error, 'BAD_REQUEST');
    // A mining request is not an admin action: a visitor may ask, once per 10 s.
    const first = await inject({ method: 'POST', url: '/api/v1/mine', remoteAddress: '192.0.2.7' });
    assert.ok(first.statusCode === 200 || first.statusCode === 201, first.body);
    const again = await inject({ method: 'GET', url: '/mine', remoteAddress: '192.0.2.7' });
    assert.equal(again.statusCode, 429);
    assert.equal(again.json().error, 'RATE_LIMITED');
    assert.equal(again.headers['retry-after'], '10');
  });

  it('serves the OpenAPI description at /api/docs', async () => {
    const doc = (await inject({ method: 'GET', url: '/api/docs' })).json();
    assert.match(doc.openapi, /^3\./);
    for (const path of [
      '/api/v1/status',
      '/api/v1/posts',
      '/api/v1/posts/{id}',
      '/new_transaction',
      '/chain',
    ]) {
      assert.ok(path in doc.paths, `${path} is documented`);
    }
  });

  it('answers no choice of strings as an anyOf (fast-json-stringify compiles one on its first use)', async () => {
    const doc = (await inject({ method: 'GET', url: '/api/docs' })).json();
    const found: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const branches = (node as { anyOf?: unknown }).anyOf;
      if (
        Array.isArray(branches) &&
        branches.every((b) => typeof (b as { const?: unknown }).const === 'string')
      ) {
        found.push(path);
      }
      for (const [key, value] of Object.entries(node)) walk(value, `${path}/${key}`);
    };
    walk(doc.paths, '');
    walk(doc.components, '#components');
    assert.deepEqual(found, [], 'one enum schema each');
    const status =
      doc.paths['/api/v1/posts/{id}'].get.responses['200'].content['application/json'].schema.properties
        .status;
    assert.deepEqual(status.enum, ['pending', 'confirmed', 'evicted']);
  });
});

describe('/api/v1 limits and policy', () => {
  it('a full pool of equal density answers 400 POST_STAMP_TOO_WEAK with the work needed; a node without unsigned posts refuses them with 400', async () => {
    const { node, close } = await startTestNode({ maxPendingCount: 2, acceptUnsigned: false });
    try {
      const submit = (payload: unknown) =>
        node.server.inject({ method: 'POST', url: '/api/v1/posts', payload: payload as object });
      const unsigned = await submit({ author: 'a', content: 'no key', timestamp: Date.now() / 1000 });
      assert.equal(unsigned.statusCode, 400);
      assert.equal(unsigned.json().error, 'POST_UNSIGNED_REFUSED');
      const legacy = await node.server.inject({
        method: 'POST',
        url: '/new_transaction',
        payload: { author: 'a', content: 'tutorial form' },
      });
      assert.equal(legacy.statusCode, 400);
      assert.equal(legacy.json().error, 'POST_UNSIGNED_REFUSED');
      assert.equal((await submit(signed('one'))).statusCode, 201);
      assert.equal((await submit(signed('two'))).statusCode, 201);
      const full = await submit(signed('three'));
      assert.equal(full.statusCode, 400);
      assert.equal(full.json().error, 'POST_STAMP_TOO_WEAK');
      assert.ok(full.json().required_work >= 1);
      assert.equal(node.context.mempool.size.count, 2);
    } finally {
      await close();
    }
  });
});

describe('/api/v1/events', () => {
  it('streams post and block events to a real HTTP client', async () => {
    const { node, close } = await startTestNode();
    const abort = new AbortController();
    try {
      const response = await fetch(`${node.url}/api/v1/events`, { signal: abort.signal });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const waitFor = async (pattern: RegExp) => {
        const deadline = Date.now() + 10_000;
        while (!pattern.test(text)) {
          assert.ok(Date.now() < deadline, `no ${pattern} in ${text}`);
          const { value, done } = await reader.read();
          assert.ok(!done, 'the stream ended');
          text += decoder.decode(value, { stream: true });
        }
      };
      await waitFor(/retry: \d+/);
      const post = signed('live');
      await node.server.inject({ method: 'POST', url: '/api/v1/posts', payload: post });
      await waitFor(/event: post\ndata: .*\n\n/);
      assert.ok(text.includes(idOf(post)));
      await node.server.inject({ method: 'POST', url: '/api/v1/mine' });
      await waitFor(/event: block\ndata: .*"height":1.*\n\n/);
    } finally {
      abort.abort();
      await close();
    }
  });
});
