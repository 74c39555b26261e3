import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { type Post, signPost } from '#core/post.ts';
import { bitsForWork, grindStamp } from '#core/stamp.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

/** Issue 10's flood test: regtest with main's floor, a small pool, one flooder, one honest client. */
const FLOOR = 2 ** 12;
const MAX_PENDING = 50;
/**
 * One block a second, asked through POST /api/v1/mine. Not --mine: on regtest that mines a block
 * the moment a post is pending (many a second), and "the next block or the one after" would
 * measure the miner's template refresh, not the pool's priority.
 */
const BLOCK_MS = 1_000;
const FLOOD_MS = 24_000;
const HONEST_EVERY_MS = 2_000;
const FLOOD_SENDERS = 4;
const STATUS_PER_SECOND = 20;

/** Milliseconds of each of `count` GETs of `url` by one curl process: the node's latency, not ours. */
function curlTimes(url: string, count: number, perSecond: number): Promise<number[]> {
  const args = ['-s', '--max-time', '10', '--rate', `${perSecond}/s`, '-w', '%{time_total}\\n'];
  for (let i = 0; i < count; i++) args.push('-o', '/dev/null', url);
  return new Promise((resolve, reject) => {
    execFile('curl', args, (error, stdout) =>
      error
        ? reject(new Error(`curl failed: ${error.code ?? error.message.slice(0, 200)}`))
        : resolve(
            stdout
              .trim()
              .split('\n')
              .map((line) => Number(line) * 1000),
          ),
    );
  });
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * The flooder, on its own thread (its grinding must not delay the honest client): unsigned posts
 * stamped at exactly the pool's minimum for their size, as fast as it can, from several
 * concurrent senders; it re-reads the minimum whenever it is refused. Plain JS over dist/.
 */
const FLOODER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { grindStamp, bitsForWork } = await import(workerData.stampUrl);
  const { nobleCrypto } = await import(workerData.cryptoUrl);
  const { url, deadline, senders } = workerData;
  const counts = { accepted: 0, tooWeak: 0, other: 0, otherCodes: {} };
  let minDensity = 0;
  let floorWork = 0;
  const refresh = async () => {
    const policy = await (await fetch(url + '/api/v1/policy?bytes=200')).json();
    minDensity = policy.min_density;
    floorWork = policy.floor_work;
  };
  await refresh();
  let n = 0;
  const send = async (k) => {
    while (Date.now() < deadline) {
      const post = { author: 'flood', content: 'junk ' + k + ' ' + n++, timestamp: Date.now() / 1000 };
      const bytes = JSON.stringify(post).length + 50;
      const work = Math.max(floorWork, Math.ceil(minDensity * bytes), 1);
      const ground = grindStamp(post, bitsForWork(BigInt(work)), nobleCrypto, {});
      const answer = await fetch(url + '/api/v1/posts', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...post, stamp: ground.stamp }),
        signal: AbortSignal.timeout(10000),
      }).catch(() => undefined);
      if (answer === undefined) { counts.other++; continue; }
      const body = await answer.json().catch(() => ({}));
      if (answer.status < 300) counts.accepted++;
      else if (body.error === 'POST_STAMP_TOO_WEAK') { counts.tooWeak++; await refresh(); }
      else { counts.other++; counts.otherCodes[body.error] = (counts.otherCodes[body.error] || 0) + 1; }
    }
  };
  await Promise.all(Array.from({ length: senders }, (_, k) => send(k)));
  parentPort.postMessage(counts);
})().catch((error) => { throw error; });
`;

interface FloodCounts {
  accepted: number;
  tooWeak: number;
  other: number;
  otherCodes: Record<string, number>;
}

function flood(url: string, deadline: number): Promise<FloodCounts> {
  const worker = new Worker(FLOODER, {
    eval: true,
    workerData: {
      url,
      deadline,
      senders: FLOOD_SENDERS,
      stampUrl: new URL('../../dist/core/stamp.js', import.meta.url).href,
      cryptoUrl: new URL('../../dist/core/crypto-noble.js', import.meta.url).href,
    },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (counts: FloodCounts) => {
      resolve(counts);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

async function getJson<T>(url: string): Promise<T> {
  const answer = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!answer.ok) assert.fail(`${url}: ${answer.status} ${await answer.text()}`);
  return (await answer.json()) as T;
}

interface PostState {
  status: string;
  block?: { height: number };
}

interface Status {
  height: number;
  pending: { count: number; bytes: number };
}

describe('a stamp flood (issue 10): one machine cannot crowd out an honest poster', () => {
  let proc: NodeProcess;
  const previousFloor = process.env.YOURNET_REGTEST_STAMP_FLOOR;
  before(async () => {
    // The node process reads the test-only floor from its environment (regtest only).
    process.env.YOURNET_REGTEST_STAMP_FLOOR = String(FLOOR);
    proc = await startNodeProcess({
      args: ['--max-pending', String(MAX_PENDING), '--rate-limit-scale', '100'],
    });
  });
  after(async () => {
    if (previousFloor === undefined) delete process.env.YOURNET_REGTEST_STAMP_FLOOR;
    else process.env.YOURNET_REGTEST_STAMP_FLOOR = previousFloor;
    await proc.stop();
  });

  it('confirms every honest post in the next block or the one after, with the pool in bounds', {
    timeout: 60_000,
  }, async () => {
    const url = proc.url;
    const key = nodeCrypto.randomPrivateKey();
    const deadline = Date.now() + FLOOD_MS;
    const flooding = flood(url, deadline);
    const latencies = curlTimes(
      `${url}/api/v1/status`,
      Math.floor(((FLOOD_MS - 2_000) / 1000) * STATUS_PER_SECOND),
      STATUS_PER_SECOND,
    );

    // The flood fills the pool before the first block (bounded: 8 s): a loaded machine grinds
    // slower, and blocks from the start would drain the pool faster than it fills.
    const filled = (async () => {
      for (let i = 0; i < 80; i++) {
        const status = await getJson<Status>(`${url}/api/v1/status`);
        if (status.pending.count >= MAX_PENDING) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    // Blocks at a steady pace while the flood runs (bounded by the deadline).
    let blocksMined = 0;
    const mining = (async () => {
      await filled;
      while (Date.now() < deadline + 3 * BLOCK_MS) {
        const answer = await fetch(`${url}/api/v1/mine`, {
          method: 'POST',
          signal: AbortSignal.timeout(10_000),
        });
        if (answer.ok) blocksMined++;
        await answer.text();
        await new Promise((resolve) => setTimeout(resolve, BLOCK_MS));
      }
    })();

    // The pool's size, sampled while the flood runs.
    let maxPending = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const status = await getJson<Status>(`${url}/api/v1/status`);
        maxPending = Math.max(maxPending, status.pending.count);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();

    // The honest client: one signed post every 2 s at 4× the published next-block estimate.
    const honest: { id: string; submittedAt: number; work: number }[] = [];
    await filled;
    for (let i = 0; Date.now() < deadline - HONEST_EVERY_MS && i < 20; i++) {
      const started = Date.now();
      const unsigned: Post = {
        author: 'honest',
        content: `honest post ${i}`,
        timestamp: Date.now() / 1000,
        pubkey: Buffer.from(nodeCrypto.publicKey(key)).toString('hex'),
      };
      const policy = await getJson<{ next_block_work: number }>(`${url}/api/v1/policy?bytes=400`);
      const work = 4 * Math.max(1, policy.next_block_work);
      const ground = grindStamp(unsigned, bitsForWork(BigInt(work)), nodeCrypto, {});
      assert.ok(ground.found);
      const post = signPost({ ...unsigned, stamp: ground.stamp }, key, nodeCrypto);
      const { height } = await getJson<Status>(`${url}/api/v1/status`);
      const answer = await fetch(`${url}/api/v1/posts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(post),
      });
      const body = (await answer.json()) as { id: string; error?: string; message?: string };
      assert.equal(answer.status < 300, true, `honest post ${i} refused: ${JSON.stringify(body)}`);
      honest.push({ id: body.id, submittedAt: height, work });
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, HONEST_EVERY_MS - (Date.now() - started))),
      );
    }

    const counts = await flooding;
    const times = await latencies;
    sampling = false;
    await sampler;
    await mining;

    // Every honest post: in block submittedAt + 1 or + 2 (bounded wait for the last ones).
    const heights: number[] = [];
    for (const post of honest) {
      let view: PostState | undefined;
      for (let tries = 0; tries < 50; tries++) {
        const current = await getJson<PostState>(`${url}/api/v1/posts/${post.id}`);
        view = current;
        if (current.status === 'confirmed') break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal(view?.status, 'confirmed', `honest post ${post.id} was not mined`);
      heights.push((view?.block?.height ?? Number.NaN) - post.submittedAt);
    }

    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    console.log(
      `stamp flood: floor ${FLOOR}, pool ≤ ${MAX_PENDING}: flood accepted ${counts.accepted}, ` +
        `refused too weak ${counts.tooWeak}, other ${counts.other} ${JSON.stringify(counts.otherCodes)}; ` +
        `pool peak ${maxPending}; ${blocksMined} blocks; honest ${honest.length} posts, blocks after submission ` +
        `${JSON.stringify(heights)}, work ${honest.map((post) => post.work).join(',')}; ` +
        `/api/v1/status p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms over ${times.length}`,
    );
    for (const delay of heights)
      assert.ok(delay >= 1 && delay <= 2, `an honest post mined ${delay} blocks later`);
    assert.ok(honest.length >= 5, 'the honest client posted throughout');
    assert.ok(counts.accepted > MAX_PENDING, 'the flood really ran');
    assert.ok(maxPending <= MAX_PENDING, `the pool held ${maxPending} posts, over its bound`);
    assert.equal(maxPending, MAX_PENDING, 'the flood filled the pool');
    assert.ok(counts.tooWeak > 0, 'the rolling minimum rose above the flood');
    assert.equal(counts.other, 0, 'the flooder met only stamp refusals');
    // The target is 50 ms; on this shared 2-core machine the bound here only catches a
    // stalled node, and the measured figure is printed above.
    assert.ok(p99 < 500, `/api/v1/status p99 ${p99} ms`);
  });
});
