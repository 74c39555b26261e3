import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Block } from '#core/block.ts';
import { ChainJsonCache } from '#node/api/chain-cache.ts';
import type { YourNetNode } from '#node/node.ts';
import { startTestNode } from '../../helpers/node.ts';

describe('event streams: per-address cap and HEAD (issue 9, finding 10)', () => {
  let node: YourNetNode;
  let close: () => Promise<void>;
  const aborts: AbortController[] = [];
  before(async () => {
    ({ node, close } = await startTestNode());
  });
  after(async () => {
    for (const abort of aborts) abort.abort();
    await close();
  });

  const open = async () => {
    const abort = new AbortController();
    aborts.push(abort);
    return fetch(`${node.url}/api/v1/events`, { signal: abort.signal });
  };

  it('HEAD answers at once with the stream head and holds no slot', async () => {
    const started = Date.now();
    const head = await fetch(`${node.url}/api/v1/events`, {
      method: 'HEAD',
      signal: AbortSignal.timeout(2000),
    });
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(head.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(Date.now() - started < 1000);
    assert.equal(node.context.events.clientCount, 0);
  });

  it('one address gets at most 4 streams (429); closing one frees its slot', async () => {
    const streams = [];
    for (let i = 0; i < 4; i++) {
      const stream = await open();
      assert.equal(stream.status, 200);
      assert.equal(stream.headers.get('x-content-type-options'), 'nosniff');
      streams.push(stream);
    }
    assert.equal(node.context.events.clientCount, 4);
    const fifth = await open();
    assert.equal(fifth.status, 429);
    assert.equal(((await fifth.json()) as { error: string }).error, 'RATE_LIMITED');
    aborts[0]!.abort();
    const deadline = Date.now() + 3000;
    while (node.context.events.clientCount > 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(node.context.events.clientCount, 3);
    assert.equal((await open()).status, 200);
  });
});

/** Every text from `start` to `start + count`, asking again as /chain does. */
function all(cache: ChainJsonCache, start: number, count: number): string[] {
  const out: string[] = [];
  while (out.length < count) {
    const texts = cache.page(start + out.length, count - out.length);
    if (texts.length === 0) break;
    out.push(...texts.map((text) => text.toString()));
  }
  return out;
}

function fakeBlock(height: number, branch: string): Block {
  return { hash: `${branch}${height}`, index: height, transactions: [] } as unknown as Block;
}

describe('the /chain block cache', () => {
  it('serialises each block once, and drops what a reorg took off', () => {
    let branch = 'a';
    let reads = 0;
    const length = () => (branch === 'a' ? 10 : 8);
    const cache = new ChainJsonCache({
      bestHashAt: (h) => (h < length() ? (h < 5 ? `a${h}` : `${branch}${h}`) : undefined),
      chainPage: (start, limit) => {
        reads++;
        const out = [];
        for (let h = start; h < Math.min(length(), start + limit); h++)
          out.push(fakeBlock(h, h < 5 ? 'a' : branch));
        return out;
      },
    });
    assert.deepEqual(
      all(cache, 0, 10).map((t) => JSON.parse(t).hash),
      Array.from({ length: 10 }, (_, h) => `a${h}`),
    );
    const firstReads = reads;
    all(cache, 0, 10);
    all(cache, 3, 4);
    assert.equal(reads, firstReads, 'served from the cache');
    branch = 'b'; // a reorg at height 5, to a shorter chain of more work
    assert.deepEqual(
      all(cache, 0, 8).map((t) => JSON.parse(t).hash),
      ['a0', 'a1', 'a2', 'a3', 'a4', 'b5', 'b6', 'b7'],
    );
    assert.equal(cache.size, 8);
  });

  it('stops caching past its byte bound and still answers', () => {
    const cache = new ChainJsonCache(
      {
        bestHashAt: (h) => `a${h}`,
        chainPage: (s, l) => Array.from({ length: l }, (_, i) => fakeBlock(s + i, 'a')),
      },
      200,
    );
    assert.equal(all(cache, 0, 20).length, 20);
    assert.ok(cache.size < 20 && cache.size > 0);
  });
});
