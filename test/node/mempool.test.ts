import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { REGTEST } from '#core/params.ts';
import { type Post, postSize } from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { NodeError } from '#node/errors.ts';
import type { Mempool, MempoolOptions } from '#node/mempool.ts';
import { SignatureVerifierPool } from '#node/verifier/pool.ts';
import { extend, idOf, makePost, testChain } from '../helpers/chain.ts';

const NOW = REGTEST.genesis.timestamp + 86_400;

/** Outcome of a submission: the answer, or the error code and HTTP status. */
async function outcome(pool: Mempool, input: unknown): Promise<string> {
  try {
    const accepted = await pool.submit(input);
    return `ok ${accepted.id} ${accepted.added}`;
  } catch (error) {
    assert.ok(error instanceof NodeError, `expected a NodeError, got ${error}`);
    return `${error.status} ${error.code}`;
  }
}

function withBadSignature(post: Post): Post {
  const last = post.signature!.at(-1) === '0' ? '1' : '0';
  return { ...post, signature: `${post.signature!.slice(0, -1)}${last}` };
}

describe('Mempool', () => {
  const verifier = new SignatureVerifierPool(nodeCrypto, { workers: 1 });
  after(() => verifier.close());

  function pools(options: MempoolOptions = {}) {
    const sync = testChain(REGTEST, { now: () => NOW, ...options });
    const offThread = testChain(REGTEST, { now: () => NOW, verifier, ...options });
    return {
      sync: sync.mempool,
      offThread: offThread.mempool,
      offThreadChain: offThread.chain,
      offThreadStore: offThread.store,
    };
  }

  it('gives the same answers with signatures checked off-thread as with the synchronous check', async () => {
    const { sync, offThread } = pools();
    const good = makePost();
    const other = makePost();
    const unsigned = makePost(undefined, true);
    const inputs: unknown[] = [
      good,
      withBadSignature(other),
      unsigned,
      { ...makePost(), pubkey: undefined },
      { author: 'x' },
      makePost('from the future', true, NOW + 3 * 3600),
      // A bad signature on a post whose id is pending: the signature is judged first.
      withBadSignature(good),
      good,
    ];
    for (const pool of [sync, offThread]) {
      const answers: string[] = [];
      for (const input of inputs) answers.push(await outcome(pool, input));
      assert.deepEqual(answers, [
        `ok ${idOf(good)} true`,
        '400 POST_BAD_SIGNATURE',
        `ok ${idOf(unsigned)} true`,
        '400 POST_INCOMPLETE_SIGNATURE',
        '400 POST_MISSING_FIELD',
        '400 POST_TIME_TOO_NEW',
        '400 POST_BAD_SIGNATURE',
        '409 POST_DUPLICATE',
      ]);
    }
  });

  it('accepts one of two identical posts submitted in the same turn and refuses the other as a duplicate', async () => {
    const { offThread } = pools();
    const post = makePost();
    const answers = await Promise.all([outcome(offThread, post), outcome(offThread, post)]);
    assert.deepEqual(answers.sort(), [`409 POST_DUPLICATE`, `ok ${idOf(post)} true`].sort());
    assert.equal(offThread.size.count, 1);
  });

  it('refuses a post confirmed in the best chain', async () => {
    const { offThread, offThreadChain } = pools();
    const post = makePost();
    extend(offThreadChain, offThreadChain.tip, [post]);
    assert.equal(await outcome(offThread, post), '409 POST_ALREADY_CONFIRMED');
  });

  it('keeps its count and bytes equal to the stored pool, and counts queued bytes against the limit', async () => {
    const posts = [makePost(), makePost(), makePost()];
    const limit = postSize(posts[0]!) + postSize(posts[1]!) + 1;
    const { offThread, offThreadStore } = pools({ maxBytes: limit });
    // All three in one turn: the third must see the bytes of the two still queued.
    const answers = await Promise.all(posts.map((post) => outcome(offThread, post)));
    assert.deepEqual(
      answers.slice(0, 2),
      posts.slice(0, 2).map((post) => `ok ${idOf(post)} true`),
    );
    assert.equal(answers[2], '503 POOL_FULL');
    assert.deepEqual(offThread.size, offThreadStore.pending.totals());
    assert.deepEqual(offThread.size, { count: 2, bytes: postSize(posts[0]!) + postSize(posts[1]!) });
  });

  it('changes its version with its contents: a post in, confirmed out, taken back by a reorg', async () => {
    const { mempool, chain } = testChain(REGTEST, { now: () => NOW });
    const versions = [mempool.version];
    const step = (what: string) => {
      assert.notEqual(mempool.version, versions.at(-1), what);
      versions.push(mempool.version);
    };
    assert.equal(mempool.version, versions[0], 'reading changes nothing');
    const post = makePost();
    await mempool.submit(post);
    step('a post in');
    const base = chain.tip;
    extend(chain, base, [post]);
    step('confirmed out');
    assert.equal(mempool.size.count, 0);
    extend(chain, extend(chain, base, [], 2), []);
    step('taken back by a reorg');
    assert.equal(mempool.size.count, 1);
  });
});
