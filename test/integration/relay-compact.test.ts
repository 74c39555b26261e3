import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { signPost } from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { call, status, waitFor, waitForSameTip } from '../helpers/network.ts';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

/** Posts in the block: signed, with a sentence of content, as the app sends them. */
const POSTS = 150;

interface Traffic {
  bytesReceived: number;
  byKind: Record<string, { messages: number; bytesSent: number; bytesReceived: number }>;
  relay: { compactBlocks: number; postsFromPool: number; postsFetched: number; fallbacks: number };
}

/** The operator's view of the peer traffic (loopback is the operator). */
async function traffic(url: string): Promise<Traffic> {
  const answer = await call(`${url}/p2p/status`);
  assert.equal(answer.status, 200);
  return answer.body.stats as Traffic;
}

const received = (stats: Traffic, kind: string) => stats.byKind[kind]?.bytesReceived ?? 0;

/**
 * Compact block relay (issue 13): a block whose posts are already pending on the receiver
 * arrives as its header and short ids, and costs the receiver at most 10 % of the block's bytes.
 */
describe('compact block relay between real nodes', () => {
  const running: NodeProcess[] = [];
  after(async () => {
    for (const node of running) await node.stop();
    for (const node of running) rmSync(node.dataDir, { recursive: true, force: true });
  });

  it(`a block of ${POSTS} posts already pending on B reaches B for ≤ 10 % of its bytes`, async () => {
    const a = await startNodeProcess({ args: ['--rate-limit-scale', '10'] });
    running.push(a);
    const b = await startNodeProcess({ args: ['--peer', a.url, '--rate-limit-scale', '10'] });
    running.push(b);
    const t0 = Date.now();
    await waitFor('B connected to A', async () => (await status(b.url)).peers.includes(a.url), 15_000);

    console.log(`connected in ${Date.now() - t0} ms`);
    const key = new Uint8Array(32).fill(9);
    const now = Math.floor(Date.now() / 1000);
    const posts = Array.from({ length: POSTS }, (_, i) =>
      signPost(
        {
          author: `author ${i % 7}`,
          content: `post ${i}: compact relay sends ids, not posts.`,
          timestamp: now,
        },
        key,
        nodeCrypto,
      ),
    );
    // In batches: the pool commits the posts of one turn together.
    for (let start = 0; start < POSTS; start += 30) {
      const answers = await Promise.all(
        posts.slice(start, start + 30).map((post) => call(`${a.url}/api/v1/posts`, post)),
      );
      for (const answer of answers) assert.equal(answer.status, 201, JSON.stringify(answer.body));
    }
    console.log(`connected and posted in ${Date.now() - t0} ms`);
    await waitFor(
      'every post pending on B',
      async () => (await status(b.url)).pending.count === POSTS,
      15_000,
    );

    console.log(`pending on B after ${Date.now() - t0} ms`);
    const before = await traffic(b.url);
    const mined = await call(`${a.url}/api/v1/mine`, {});
    assert.equal(mined.status, 201, JSON.stringify(mined.body));
    assert.equal(mined.body.mined, true);
    await waitForSameTip([a.url, b.url], 15_000, mined.body.hash);
    const afterBlock = await traffic(b.url);
    console.log(`block on B after ${Date.now() - t0} ms`);

    // The block as a full /p2p/blocks answer would carry it.
    const whole = await fetch(`${a.url}/p2p/blocks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hashes: [mined.body.hash] }),
    });
    const blockBytes = Buffer.byteLength(await whole.text());
    const blockPosts = (await status(b.url)).pending.count;
    assert.equal(blockPosts, 0, 'the block confirmed every pending post on B');

    const spent = afterBlock.bytesReceived - before.bytesReceived;
    console.log(
      `block of ${POSTS} posts: ${blockBytes} bytes whole; B received ${spent} bytes ` +
        `(${((100 * spent) / blockBytes).toFixed(1)} %): compact ${received(afterBlock, 'compact') - received(before, 'compact')}, ` +
        `inv ${received(afterBlock, 'inv') - received(before, 'inv')}`,
    );
    assert.equal(afterBlock.relay.compactBlocks - before.relay.compactBlocks, 1, 'the block came compactly');
    assert.equal(
      afterBlock.relay.postsFromPool - before.relay.postsFromPool,
      POSTS,
      'every post from the pool',
    );
    assert.equal(afterBlock.relay.postsFetched - before.relay.postsFetched, 0);
    assert.equal(received(afterBlock, 'blocks'), received(before, 'blocks'), 'no full block was fetched');
    assert.ok(spent > 0 && spent <= blockBytes / 10, `${spent} bytes is more than 10 % of ${blockBytes}`);
  });
});
