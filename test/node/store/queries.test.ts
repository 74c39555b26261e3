import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MerkleTree, merkleProof, merkleRoot, verifyMerkleProof } from '#core/merkle.ts';
import { REGTEST } from '#core/params.ts';
import type { Post } from '#core/post.ts';
import type { Chain } from '#node/chain/chain.ts';
import type { BlockIndexEntry } from '#node/store/blocks.ts';
import { chainworkHex } from '#node/store/blocks.ts';
import { type ChainQueries, ftsQuery, type PostView, QUERY_LIMITS, QueryError } from '#node/store/queries.ts';
import { extend, idOf, testChain } from '../../helpers/chain.ts';
import { addPending, allPages, feedIds, postBy, pubkeyOf, queriesOf } from '../../helpers/queries.ts';

/**
 * Asserts that `fn` throws a QueryError BAD_REQUEST (the API answers it 400: see the bad query
 * parameters of test/node/api/v1.test.ts).
 */
function assertBadRequest(fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof QueryError, `expected a QueryError, got ${error}`);
    assert.equal(error.code, 'BAD_REQUEST');
    return true;
  });
}

/**
 * A small chain:
 *   genesis ← b1 [p1 p2 p3] ← b2 [p4 p5 p6]        (best chain)
 *                          ↖ s1 [p9]                (side branch, equal work: not best)
 *   pending: p7 p8
 * p4 and p7 reply to p1; p9 (side branch only, invisible) replies to p1 too.
 */
function scenario() {
  const test = testChain();
  const { chain, clock, store } = test;
  const queries = queriesOf(test);
  const p1 = postBy('alice', 'hello world from alice');
  const p2 = postBy('bob', 'the quick brown fox');
  const p3 = postBy('carol', 'café naïve 日本語 near the sea', { unsigned: true });
  const p4 = postBy('bob', 'a reply OR not', { reply_to: idOf(p1) });
  const p5 = postBy('alice', 'signed by another key', { signer: 'alice-2' });
  const p6 = postBy('dave', 'x marks -x the spot');
  const p7 = postBy('bob', 'pending hello', { reply_to: idOf(p1) });
  const p8 = postBy('alice', 'NEAR( the end');
  const p9 = postBy('eve', 'side only hello', { reply_to: idOf(p1) });
  const b1 = extend(chain, chain.tip, [p1, p2, p3]);
  const b2 = extend(chain, b1, [p4, p5, p6]);
  addPending(store, p7);
  addPending(store, p8);
  const s1 = extend(chain, b1, [p9], 2);
  assert.equal(chain.tip.hash, b2.hash);
  return { chain, clock, store, queries, p: [p1, p2, p3, p4, p5, p6, p7, p8, p9] as const, b1, b2, s1 };
}

const ids = (posts: readonly Post[]) => posts.map(idOf);

describe('ChainQueries.posts (the feed)', () => {
  it('pages through every visible post exactly once, newest first, for every page size', () => {
    const { queries, p } = scenario();
    const expected = ids([p[7], p[6], p[5], p[4], p[3], p[2], p[1], p[0]]);
    for (const limit of [1, 2, 3, 7, 8, 9, 200]) {
      const pages = allPages(queries, { limit, replies: 'include' });
      assert.deepEqual(
        pages.flatMap((page) => page.map((view) => view.id)),
        expected,
        `limit ${limit}`,
      );
      for (const page of pages) assert.ok(page.length <= limit);
      // Only the last page may be short, and no empty trailing page when the count divides.
      assert.equal(pages.length, Math.ceil(expected.length / limit));
    }
  });

  it('shows status, block, confirmations, signed, received_at and visible replies', () => {
    const { queries, p, b1, b2 } = scenario();
    const items = queries.posts({ limit: 200, replies: 'include' }).items;
    const byId = new Map(items.map((view) => [view.id, view]));
    const v1 = byId.get(idOf(p[0]))!;
    assert.equal(v1.status, 'confirmed');
    assert.deepEqual(v1.block, { hash: b1.hash, height: 1, position: 0 });
    assert.equal(v1.confirmations, 2);
    assert.equal(v1.signed, true);
    assert.deepEqual(v1.post, p[0]);
    assert.equal(v1.replies, 2, 'p4 (confirmed) and p7 (pending); p9 is only in a side block');
    assert.equal(typeof v1.received_at, 'number');
    assert.ok(v1.received_at > 1.7e12, 'milliseconds');

    const v3 = byId.get(idOf(p[2]))!;
    assert.equal(v3.signed, false);
    assert.deepEqual(v3.post, p[2]);
    assert.equal(v3.post.signature, undefined);
    assert.equal('pubkey' in v3.post, false);

    const v6 = byId.get(idOf(p[5]))!;
    assert.deepEqual(v6.block, { hash: b2.hash, height: 2, position: 2 });
    assert.equal(v6.confirmations, 1);

    const v7 = byId.get(idOf(p[6]))!;
    assert.equal(v7.status, 'pending');
    assert.equal(v7.block, undefined);
    assert.equal(v7.confirmations, undefined);
    assert.deepEqual(v7.post, p[6]);
    assert.equal(v7.replies, 0);

    // JSON-ready: survives a round trip unchanged.
    assert.deepEqual(JSON.parse(JSON.stringify(items)), items);
  });

  it('shows top-level posts only on the unfiltered feed, each with its reply count', () => {
    const { queries, p } = scenario();
    const top = ids([p[7], p[5], p[4], p[2], p[1], p[0]]);
    for (const limit of [1, 2, 5, 200]) assert.deepEqual(feedIds(queries, { limit }), top, `limit ${limit}`);
    assert.deepEqual(feedIds(queries, { limit: 3, replies: 'exclude' }), top);
    const root = queries.posts({ limit: 200 }).items.find((view) => view.id === idOf(p[0]));
    assert.equal(root?.replies, 2);
    // Filters include replies unless told otherwise.
    assert.deepEqual(feedIds(queries, { limit: 2, author: 'bob' }), ids([p[6], p[3], p[1]]));
    assert.deepEqual(feedIds(queries, { limit: 2, author: 'bob', replies: 'exclude' }), ids([p[1]]));
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'hello', replies: 'exclude' }), ids([p[0]]));
  });

  it('pages a thread oldest first with the after cursor; refuses contradictory thread queries', () => {
    const { queries, p } = scenario();
    const parent = idOf(p[0]);
    for (const limit of [1, 2, 200]) {
      const seen: string[] = [];
      let after = 0;
      for (let pages = 0; pages < 10; pages++) {
        const page = queries.posts({ limit, reply_to: parent, after });
        seen.push(...page.items.map((view) => view.id));
        if (page.next === undefined) break;
        after = page.next;
      }
      assert.deepEqual(seen, ids([p[3], p[6]]), `limit ${limit}`);
    }
    assertBadRequest(() => queries.posts({ limit: 5, after: 0 }));
    assertBadRequest(() => queries.posts({ limit: 5, reply_to: parent, after: 0, before: 9 }));
    assertBadRequest(() => queries.posts({ limit: 5, reply_to: parent, after: 0, q: 'hello' }));
    assertBadRequest(() => queries.posts({ limit: 5, reply_to: parent, after: -1 }));
    assertBadRequest(() => queries.posts({ limit: 5, reply_to: parent, replies: 'exclude' }));
    assertBadRequest(() => queries.posts({ limit: 5, replies: 'none' as 'include' }));
  });

  it('filters by author, pubkey and reply_to, alone and together, with paging', () => {
    const { queries, p } = scenario();
    for (const limit of [1, 2, 50]) {
      assert.deepEqual(feedIds(queries, { limit, author: 'alice' }), ids([p[7], p[4], p[0]]));
      assert.deepEqual(feedIds(queries, { limit, author: 'bob' }), ids([p[6], p[3], p[1]]));
      assert.deepEqual(feedIds(queries, { limit, pubkey: pubkeyOf('alice') }), ids([p[7], p[0]]));
      assert.deepEqual(feedIds(queries, { limit, pubkey: pubkeyOf('alice-2') }), ids([p[4]]));
      assert.deepEqual(feedIds(queries, { limit, reply_to: idOf(p[0]) }), ids([p[6], p[3]]));
      assert.deepEqual(
        feedIds(queries, { limit, author: 'alice', pubkey: pubkeyOf('alice-2') }),
        ids([p[4]]),
      );
      assert.deepEqual(
        feedIds(queries, { limit, author: 'bob', reply_to: idOf(p[0]), pubkey: pubkeyOf('bob') }),
        ids([p[6], p[3]]),
      );
    }
    assert.deepEqual(feedIds(queries, { limit: 10, author: 'eve' }), [], 'side-branch-only author');
    assert.deepEqual(feedIds(queries, { limit: 10, author: 'nobody' }), []);
    assert.deepEqual(feedIds(queries, { limit: 10, reply_to: '0'.repeat(64) }), []);
  });

  it('honours the before cursor and refuses bad limits and cursors', () => {
    const { queries, p } = scenario();
    const all = queries.posts({ limit: 200, replies: 'include' }).items;
    const cut = all[3]!.seq;
    assert.deepEqual(
      queries.posts({ limit: 200, before: cut, replies: 'include' }).items.map((view) => view.id),
      all.slice(4).map((view) => view.id),
    );
    assert.deepEqual(queries.posts({ limit: 200, before: 1, replies: 'include' }).items, []);
    assert.deepEqual(queries.posts({ limit: 200, before: 0, replies: 'include' }).items, []);
    assert.equal(queries.posts({ limit: 8, replies: 'include' }).next, undefined, 'exactly one full page');
    assert.equal(queries.posts({ limit: 7, replies: 'include' }).next, all[6]!.seq);
    assert.equal(all[7]!.id, idOf(p[0]));
    for (const limit of [0, -1, 201, 1.5, Number.NaN]) assertBadRequest(() => queries.posts({ limit }));
    for (const before of [-1, 1.5, Number.NaN]) assertBadRequest(() => queries.posts({ limit: 5, before }));
  });
});

describe('ChainQueries.posts full-text search', () => {
  it('finds words in content and author, newest first, with paging and filters', () => {
    const { queries, p } = scenario();
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'hello' }), ids([p[6], p[0]]), 'p9 is invisible');
    assert.deepEqual(feedIds(queries, { limit: 1, q: 'hello' }), ids([p[6], p[0]]));
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'HELLO World' }), ids([p[0]]));
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'alice' }), ids([p[7], p[4], p[0]]));
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'hello', author: 'bob' }), ids([p[6]]));
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'hello', reply_to: idOf(p[0]) }), ids([p[6]]));
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'hello', pubkey: pubkeyOf('alice') }), ids([p[0]]));
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'cafe' }), ids([p[2]]), 'diacritics folded');
    assert.deepEqual(feedIds(queries, { limit: 50, q: '日本語' }), ids([p[2]]));
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'absent' }), []);
    const page = queries.posts({ limit: 50, q: 'hello' });
    assert.equal(page.items[0]!.status, 'pending');
    assert.equal(page.items[1]!.status, 'confirmed');
    const cursor = queries.posts({ limit: 1, q: 'hello' }).next!;
    assert.deepEqual(
      queries.posts({ limit: 50, q: 'hello', before: cursor }).items.map((view) => view.id),
      ids([p[0]]),
    );
  });

  it('treats FTS5 syntax in the query as plain words', () => {
    const { queries, p } = scenario();
    const cases: [string, Post[]][] = [
      ['"', []],
      ['""', []],
      ['*', []],
      ['NEAR(', [p[7], p[2]]],
      ['NEAR(hello world)', []],
      ['a OR', [p[3]]],
      ['OR', [p[3]]],
      ['-x', [p[5]]],
      ['x -x', [p[5]]],
      ['hello*', [p[6], p[0]]],
      ['hel*', [p[6], p[0]]], // a prefix search for "hel": the `*` itself is dropped
      ['^hello', [p[6], p[0]]],
      ['"hello" "world"', [p[0]]],
      ['"hello world"', [p[0]]],
      ['hello"world', [p[0]]],
      ['author:bob', []],
      ['content:hello', []],
      ['{author}: bob', []],
      ['(hello) AND NOT world', []],
      ['hello NOT', []],
      ['hello\u0000world', [p[0]]],
      ['hello\tworld\n', [p[0]]],
      ["'; DROP TABLE posts; --", []],
      ['\ud800hello', [p[6], p[0]]], // a lone surrogate reaches SQLite as U+FFFD, a separator
      ['+ hello', [p[6], p[0]]],
    ];
    for (const [q, expected] of cases) {
      assert.deepEqual(feedIds(queries, { limit: 50, q }), ids(expected), JSON.stringify(q));
    }
    // The store is intact afterwards.
    assert.equal(queries.posts({ limit: 200, replies: 'include' }).items.length, 8);
  });

  it('refuses empty and too long queries with BAD_REQUEST', () => {
    const { queries } = scenario();
    for (const q of ['', ' ', '\t\n ', '\u0000']) assertBadRequest(() => queries.posts({ limit: 5, q }));
    assertBadRequest(() => queries.posts({ limit: 5, q: 'a'.repeat(QUERY_LIMITS.searchMaxChars + 1) }));
    assertBadRequest(() =>
      queries.posts({
        limit: 5,
        q: Array(QUERY_LIMITS.searchMaxTerms + 1)
          .fill('w')
          .join(' '),
      }),
    );
    assert.deepEqual(queries.posts({ limit: 5, q: 'a'.repeat(QUERY_LIMITS.searchMaxChars) }).items, []);
  });

  it('quotes every term, makes it a prefix from two characters on, and ANDs them', () => {
    assert.equal(ftsQuery('hello'), '"hello"*');
    assert.equal(ftsQuery(' a  OR b '), '"a" AND "OR"* AND "b"');
    assert.equal(ftsQuery('say "hi"'), '"say"* AND """hi"""*');
    assert.equal(ftsQuery('* " -'), undefined);
  });

  it('never throws anything but BAD_REQUEST, whatever the query', () => {
    const { queries } = scenario();
    const unit = fc.oneof(
      fc.constantFrom('"', '*', 'NEAR(', ' OR ', ' AND ', ' NOT ', '-', '^', ':', '(', ')', '+', '{', '}'),
      fc.constantFrom('\u0000', ' ', '\ud800', 'author:', 'hello', 'x', ',', "'", '\\'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), fc.integer({ min: 1, max: 3 }), (q, limit) => {
        try {
          const page = queries.posts({ limit, q });
          assert.ok(page.items.length <= limit);
        } catch (error) {
          assert.ok(error instanceof QueryError && error.code === 'BAD_REQUEST', String(error));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('ChainQueries bounded pages', () => {
  // 300 old posts by "other", then 6,000 newer posts by "bulk" that all reply to one root and
  // all contain the word "common": more candidates than one page may examine.
  function bigScenario() {
    const test = testChain();
    const { chain } = test;
    const queries = queriesOf(test);
    const root = postBy('root', 'the root post', { unsigned: true });
    const other = Array.from({ length: 300 }, (_, i) =>
      postBy('other', `common other ${i}`, { unsigned: true }),
    );
    const bulk = Array.from({ length: QUERY_LIMITS.feedScanBudget + 1000 }, (_, i) =>
      postBy('bulk', `common filler ${i}`, { unsigned: true, reply_to: idOf(root) }),
    );
    extend(chain, chain.tip, [root, ...other]);
    extend(chain, chain.tip, bulk.slice(0, 3000));
    extend(chain, chain.tip, bulk.slice(3000));
    return { queries, root, other, bulk };
  }

  it('stops a page at the scan budget with a cursor that continues, every post still exactly once', () => {
    const { queries, other } = bigScenario();
    const first = queries.posts({ limit: 50, q: 'common', author: 'other' });
    assert.deepEqual(first.items, [], 'the budget was spent on posts by "bulk"');
    assert.notEqual(first.next, undefined);
    const pages = allPages(queries, { limit: 50, q: 'common', author: 'other' });
    assert.deepEqual(
      pages.flatMap((page) => page.map((view) => view.id)),
      ids([...other].reverse()),
    );
    // A structured filter with few candidates drives the page itself: no empty pages.
    const page = queries.posts({ limit: 50, q: 'other', author: 'other' });
    assert.equal(page.items.length, 50);
    // Unfiltered and single-filter pages are always full.
    assert.equal(queries.posts({ limit: 200, author: 'other' }).items.length, 200);
    assert.equal(queries.posts({ limit: 200, q: 'common' }).items.length, 200);
    assert.equal(feedIds(queries, { limit: 200, author: 'other' }).length, 300);
  });

  it('the unfiltered feed skips thousands of replies in budgeted pages: every top-level post once', () => {
    const { queries, root, other } = bigScenario();
    assert.deepEqual(feedIds(queries, { limit: 50 }), ids([...other].reverse().concat(root)));
    const withRoot = feedIds(queries, { limit: 200 }).at(-1);
    assert.equal(withRoot, idOf(root));
  });

  it('pages a thread of 6,000 replies oldest first with the after cursor: none dropped, none twice', () => {
    const { queries, root, bulk } = bigScenario();
    const seen: string[] = [];
    let after = 0;
    for (let pages = 0; pages < 100; pages++) {
      const page = queries.posts({ limit: 200, reply_to: idOf(root), after });
      seen.push(...page.items.map((view) => view.id));
      if (page.next === undefined) break;
      assert.ok(page.next > after, 'the cursor advances');
      after = page.next;
    }
    assert.equal(seen.length, bulk.length);
    assert.deepEqual(seen, ids(bulk));
  });

  it('counts every reply of a much-answered post (no cap: the count is one row)', () => {
    const { queries, root, bulk } = bigScenario();
    assert.equal(queries.post(idOf(root))?.replies, bulk.length);
  });
});

describe('ChainQueries visibility across reorganisations', () => {
  it('hides side-branch posts, shows them when their branch wins, and keeps displaced posts as pending', () => {
    const { chain, queries, p, b1, b2, s1 } = scenario();
    const view = (post: Post): PostView | undefined =>
      queries.posts({ limit: 200, replies: 'include' }).items.find((item) => item.id === idOf(post));
    assert.equal(view(p[8]), undefined);
    assert.equal(queries.post(idOf(p[8])), undefined);
    assert.equal(queries.posts({ limit: 200, reply_to: idOf(p[0]) }).items.length, 2);

    // The side branch becomes heavier: p9 confirmed, p4..p6 back to pending.
    const s2 = extend(chain, s1, [], 1);
    assert.equal(chain.tip.hash, s2.hash);
    assert.deepEqual(
      feedIds(queries, { limit: 3, replies: 'include' }),
      ids([p[8], p[7], p[6], p[5], p[4], p[3], p[2], p[1], p[0]]),
    );
    assert.deepEqual(view(p[8])?.block, { hash: s1.hash, height: 2, position: 0 });
    assert.equal(view(p[8])?.confirmations, 2);
    for (const displaced of [p[3], p[4], p[5]]) {
      assert.equal(view(displaced)?.status, 'pending');
      assert.equal(view(displaced)?.block, undefined);
    }
    assert.equal(view(p[0])?.replies, 3);
    assert.equal(view(p[0])?.confirmations, 3);
    assert.deepEqual(
      queries.pending(100).map((item) => item.id),
      ids([p[3], p[4], p[5], p[6], p[7]]),
    );
    assert.equal(queries.block(b2.hash)?.on_best_chain, false);
    assert.equal(queries.block(b2.hash)?.confirmations, 0);
    assert.equal(queries.block('2')?.hash, s1.hash);
    assert.deepEqual(
      queries.blocks({ limit: 10 }).items.map((block) => block.hash),
      [s2.hash, s1.hash, b1.hash, REGTEST.genesisHash],
    );
    assert.deepEqual(feedIds(queries, { limit: 5, q: 'hello' }), ids([p[8], p[6], p[0]]));

    // Back to the first branch: p4..p6 confirmed again, p9 returned to the pool (still visible).
    const b3 = extend(chain, b2);
    const b4 = extend(chain, b3);
    assert.equal(chain.tip.hash, b4.hash);
    assert.equal(view(p[8])?.status, 'pending');
    assert.equal(view(p[8])?.block, undefined);
    assert.deepEqual(view(p[3])?.block, { hash: b2.hash, height: 2, position: 0 });
    assert.equal(view(p[3])?.confirmations, 3);
    assert.equal(queries.block(s1.hash)?.on_best_chain, false);
    assert.deepEqual(
      queries.pending(100).map((item) => item.id),
      ids([p[6], p[7], p[8]]),
    );
    assert.deepEqual(
      feedIds(queries, { limit: 4, replies: 'include' }),
      ids([p[8], p[7], p[6], p[5], p[4], p[3], p[2], p[1], p[0]]),
    );
  });

  it('never shows a post that is only in a side-branch block, whichever side branch', () => {
    const { chain, queries, b1 } = scenario();
    const hidden = postBy('zed', 'in a second side block');
    const s = extend(chain, b1, [hidden], 3);
    assert.equal(queries.block(s.hash)?.on_best_chain, false);
    assert.deepEqual(queries.block(s.hash)?.ids, [idOf(hidden)]);
    assert.equal(queries.post(idOf(hidden)), undefined);
    assert.deepEqual(feedIds(queries, { limit: 50, author: 'zed' }), []);
    assert.deepEqual(feedIds(queries, { limit: 50, q: 'second' }), []);
  });
});

describe('ChainQueries.post', () => {
  it('gives a confirmed post with an inclusion proof that verifies against its block', () => {
    const test = testChain();
    const { chain } = test;
    const queries = queriesOf(test);
    const posts = Array.from({ length: 7 }, (_, i) => postBy(`author${i % 3}`, `proof post ${i}`));
    const block = extend(chain, chain.tip, posts);
    extend(chain, block);
    assert.equal(block.merkle_root, merkleRoot(ids(posts)));
    posts.forEach((post, position) => {
      const detail = queries.post(idOf(post))!;
      assert.equal(detail.status, 'confirmed');
      assert.deepEqual(detail.block, { hash: block.hash, height: 1, position });
      assert.equal(detail.confirmations, 2);
      assert.equal(detail.merkle_root, block.merkle_root);
      assert.deepEqual(detail.proof?.index, position);
      assert.deepEqual(detail.proof?.size, 7);
      assert.ok(verifyMerkleProof(idOf(post), detail.proof!, block.merkle_root));
      assert.ok(!verifyMerkleProof(idOf(posts[(position + 1) % 7]!), detail.proof!, block.merkle_root));
      assert.deepEqual(JSON.parse(JSON.stringify(detail)), detail);
    });
    // Served again from the cached tree of the block: the same proofs.
    for (const post of posts) {
      const again = queries.post(idOf(post))!;
      assert.ok(verifyMerkleProof(idOf(post), again.proof!, block.merkle_root));
    }
    // A block of one post: an empty path.
    const single = postBy('solo', 'alone in its block');
    const b = extend(chain, chain.tip, [single]);
    const detail = queries.post(idOf(single))!;
    assert.deepEqual(detail.proof, { index: 0, size: 1, path: [] });
    assert.ok(verifyMerkleProof(idOf(single), detail.proof!, b.merkle_root));
  });

  it('gives a pending post without proof, and undefined for unknown ids and junk', () => {
    const { queries, p } = scenario();
    const pending = queries.post(idOf(p[6]))!;
    assert.equal(pending.status, 'pending');
    assert.equal(pending.proof, undefined);
    assert.equal(pending.merkle_root, undefined);
    assert.equal(queries.post(idOf(p[0]))?.replies, 2);
    assert.equal(queries.post('0'.repeat(64)), undefined);
    assert.equal(queries.post(idOf(p[0]).toUpperCase()), undefined);
    assert.equal(queries.post('not an id'), undefined);
    assert.equal(queries.post(''), undefined);
  });

  it('counts confirmations as the chain grows', () => {
    const { chain, queries, p } = scenario();
    assert.equal(queries.post(idOf(p[0]))?.confirmations, 2);
    let tip: BlockIndexEntry = chain.tip;
    for (let n = 3; n <= 5; n++) {
      tip = extend(chain, tip);
      assert.equal(queries.post(idOf(p[0]))?.confirmations, n);
      assert.equal(queries.post(idOf(p[3]))?.confirmations, n - 1);
      assert.equal(queries.blocks({ limit: 1 }).items[0]?.confirmations, 1);
      assert.equal(queries.block('1')?.confirmations, n);
    }
  });
});

describe('MerkleTree (core: every level of a tree)', () => {
  const leafIds = (n: number, salt = 'leaf') =>
    Array.from({ length: n }, (_, i) =>
      idOf(postBy(`${salt}${i % 5}`, `${salt} ${n} ${i}`, { unsigned: true })),
    );

  it('gives exactly the root and proofs of core merkleRoot and merkleProof, for every size and leaf', () => {
    const all = leafIds(70);
    for (let n = 0; n <= 70; n++) {
      const ids = all.slice(0, n);
      const tree = MerkleTree.build(ids);
      assert.equal(tree.root, merkleRoot(ids), `root of ${n}`);
      for (let index = 0; index < n; index++) {
        assert.deepEqual(tree.proof(index), merkleProof(ids, index), `proof ${index} of ${n}`);
      }
      assert.throws(() => tree.proof(n), RangeError);
    }
    for (const n of [1000, 1025]) {
      const ids = leafIds(n, 'big');
      const tree = MerkleTree.build(ids);
      assert.equal(tree.root, merkleRoot(ids));
      for (const index of [0, 1, 511, 512, 999, n - 1]) {
        assert.deepEqual(tree.proof(index), merkleProof(ids, index));
        assert.ok(verifyMerkleProof(ids[index]!, tree.proof(index), tree.root));
      }
    }
  });
});

describe('ChainQueries blocks', () => {
  function longChain(length: number): { chain: Chain; queries: ChainQueries; entries: BlockIndexEntry[] } {
    const test = testChain();
    const { chain } = test;
    const entries: BlockIndexEntry[] = [chain.tip];
    for (let i = 1; i < length; i++) {
      const posts = Array.from({ length: i % 4 }, (_, k) => postBy(`miner${k}`, `block ${i} post ${k}`));
      entries.push(extend(chain, chain.tip, posts));
    }
    return { chain, queries: queriesOf(test), entries };
  }

  it('pages the best chain newest first, each block once', () => {
    const { queries, entries } = longChain(12);
    for (const limit of [1, 3, 5, 12, 200]) {
      const seen: string[] = [];
      let beforeHeight: number | undefined;
      for (;;) {
        const page = queries.blocks({ limit, ...(beforeHeight !== undefined ? { beforeHeight } : {}) });
        seen.push(...page.items.map((block) => block.hash));
        if (page.next === undefined) break;
        beforeHeight = page.next;
      }
      assert.deepEqual(seen, entries.map((entry) => entry.hash).reverse(), `limit ${limit}`);
    }
    assert.deepEqual(queries.blocks({ limit: 5, beforeHeight: 0 }).items, []);
    assert.equal(queries.blocks({ limit: 12 }).next, undefined);
    assert.equal(queries.blocks({ limit: 11 }).next, 1);
    for (const limit of [0, 201, 2.5]) assertBadRequest(() => queries.blocks({ limit }));
    assertBadRequest(() => queries.blocks({ limit: 2, beforeHeight: -1 }));
  });

  it('summarises a block with target, difficulty, chainwork, counts and confirmations', () => {
    const { queries, entries } = longChain(4);
    const summary = queries.blocks({ limit: 1, beforeHeight: 4 }).items[0]!;
    const entry = entries[3]!;
    assert.deepEqual(summary, {
      hash: entry.hash,
      height: 3,
      previous_hash: entry.previous_hash,
      merkle_root: entry.merkle_root,
      timestamp: entry.timestamp,
      bits: entry.bits,
      nonce: entry.nonce,
      version: 1,
      target: REGTEST.powLimit.toString(16).padStart(64, '0'),
      difficulty: 1,
      chainwork: chainworkHex(entry.chainwork),
      post_count: 3,
      size: entry.size,
      confirmations: 1,
    });
    assert.ok(entry.size > 0);
    const genesis = queries.block('0')!;
    assert.equal(genesis.hash, REGTEST.genesisHash);
    assert.equal(genesis.confirmations, 4);
    assert.deepEqual(genesis.transactions, []);
    assert.deepEqual(genesis.ids, []);
  });

  it('finds a block by height or hash and refuses junk', () => {
    const { chain, queries, entries } = longChain(5);
    const three = queries.block('3')!;
    assert.equal(three.hash, entries[3]!.hash);
    assert.equal(three.on_best_chain, true);
    assert.deepEqual(three.transactions, chain.blockAt(3)!.transactions);
    assert.deepEqual(three.ids, chain.blockAt(3)!.transactions.map(idOf));
    assert.deepEqual(queries.block(entries[3]!.hash), three);
    for (const junk of [
      '',
      '-1',
      '+1',
      '1.0',
      '1e1',
      '0x1',
      ' 1',
      '5',
      '99999999999999999999',
      'abc',
      entries[3]!.hash.toUpperCase(),
      entries[3]!.hash.slice(1),
      `${entries[3]!.hash}0`,
      '0'.repeat(64),
    ]) {
      assert.equal(queries.block(junk), undefined, JSON.stringify(junk));
    }
  });

  it('serves chainPage exactly as chain.blockAt, across page boundaries', () => {
    const { chain, queries } = longChain(10);
    for (const size of [1, 3, 4, 10, 50]) {
      const served = [];
      for (let start = 0; start <= chain.tip.height; start += size)
        served.push(...queries.chainPage(start, size));
      assert.equal(served.length, 10);
      served.forEach((block, height) => {
        assert.deepEqual(block, chain.blockAt(height));
        assert.equal(JSON.stringify(block), JSON.stringify(chain.blockAt(height)), 'same key order');
      });
    }
    assert.deepEqual(queries.chainPage(0, 1), [REGTEST.genesis]);
    assert.deepEqual(queries.chainPage(10, 5), []);
    assert.deepEqual(queries.chainPage(3, 0), []);
    assert.equal(queries.chainPage(8, 100).length, 2);
    assertBadRequest(() => queries.chainPage(-1, 5));
  });

  it('chainPage follows the best chain after a reorganisation', () => {
    const { chain, queries, s1 } = scenario();
    extend(chain, s1);
    for (let height = 0; height <= chain.tip.height; height++) {
      assert.deepEqual(queries.chainPage(height, 1)[0], chain.blockAt(height));
    }
    assert.equal(queries.chainPage(0, 10).length, 4);
  });
});

describe('ChainQueries.pending and stats', () => {
  it('lists pending posts in arrival order with a cursor', () => {
    const { queries, p } = scenario();
    const all = queries.pending(10);
    assert.deepEqual(
      all.map((view) => view.id),
      ids([p[6], p[7]]),
    );
    for (const view of all) assert.equal(view.status, 'pending');
    assert.deepEqual(
      queries.pending(1, all[0]!.seq).map((view) => view.id),
      ids([p[7]]),
    );
    assert.deepEqual(queries.pending(10, all[1]!.seq), []);
    assertBadRequest(() => queries.pending(0));
    assertBadRequest(() => queries.pending(5, -1));
  });

  it('counts confirmed and pending posts and blocks, following the tip', () => {
    const { chain, store, queries, s1 } = scenario();
    assert.deepEqual(queries.stats(), { posts_confirmed: 6, posts_pending: 2, blocks: 3 });
    addPending(store, postBy('frank', 'one more'));
    assert.deepEqual(queries.stats(), { posts_confirmed: 6, posts_pending: 3, blocks: 3 });
    extend(chain, s1);
    assert.deepEqual(queries.stats(), { posts_confirmed: 4, posts_pending: 6, blocks: 4 });
  });
});

describe('ChainQueries query plans', () => {
  it('uses an index for every feed page, filter and lookup (no scans, no sorts)', () => {
    const { store, queries } = scenario();
    const db = store.database;
    const plan = (sql: string, params: Record<string, unknown> | unknown[]): string[] =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params as never) as { detail: string }[]).map(
        (row) => row.detail,
      );
    const params = {
      before: 10,
      after: 3,
      limit: 51,
      budget: 5000,
      offset: 4999,
      cap: 256,
      author: 'a',
      pubkey: 'b',
      reply_to: 'c',
      match: '"x"',
    };
    // The only SCANs allowed: of bounded co-routines (the driver `f`, the capped reply count)
    // and of the full-text index by MATCH; never a sort.
    const allowed = (detail: string): boolean =>
      !detail.includes('TEMP B-TREE') &&
      (!/^SCAN /.test(detail) ||
        detail === 'SCAN f' ||
        /^SCAN \(subquery-\d+\)$/.test(detail) ||
        /VIRTUAL TABLE INDEX \d+:=?M/.test(detail));
    const plans = queries.feedPlans();
    // 5 drivers x 4 statements, the top-level feed's page and probe (driven by the partial index
    // posts_top_level), a key's top-level page, and a thread's page and probe.
    assert.equal(Object.keys(plans).length, 25);
    for (const [label, sql] of Object.entries(plans)) {
      const details = plan(sql, params);
      const shown = `${label}: ${details.join(' | ')}`;
      assert.ok(details.every(allowed), shown);
      const driver = label.split(' ')[1]!;
      const expected =
        driver === 'seq'
          ? /^SEARCH posts USING INTEGER PRIMARY KEY \(rowid<\?\)$/
          : driver === 'top'
            ? /^SEARCH posts USING COVERING INDEX posts_top_level \(seq<\?\)$/
            : driver === 'fts'
              ? /^SCAN posts_fts VIRTUAL TABLE INDEX \d+:M/
              : new RegExp(
                  `^SEARCH posts USING COVERING INDEX posts_by_${driver === 'reply_to' ? 'reply' : driver} \\(${driver}=\\? AND seq[<>]\\?\\)$`,
                );
      assert.ok(
        details.some((detail) => expected.test(detail)),
        shown,
      );
      if (label.startsWith('feed'))
        assert.ok(details.includes('SEARCH p USING INTEGER PRIMARY KEY (rowid=?)'), shown);
    }
    // The statements of the query modules (private fields: this test reads their SQL).
    const parts = queries as unknown as Record<string, Record<string, { source: string }>>;
    const pending = store.pending as unknown as Record<string, { source: string }>;
    const proofs = parts['detail']!['proofs'] as unknown as Record<string, { source: string }>;
    for (const [name, statement] of [
      ['detail.byIdStmt', parts['detail']!['byIdStmt']],
      ['detail.blockStmt', parts['detail']!['blockStmt']],
      ['detail.proofs.subtreesStmt', proofs['subtreesStmt']],
      ['detail.proofs.idsStmt', proofs['idsStmt']],
      ['detail.proofs.blockIdsStmt', proofs['blockIdsStmt']],
      ['pendingQuery.repliesStmt', parts['pendingQuery']!['repliesStmt']],
      ['store.pending.pageStmt', pending['pageStmt']],
      ['blockQuery.byHashStmt', parts['blockQuery']!['byHashStmt']],
      ['blockQuery.byHeightStmt', parts['blockQuery']!['byHeightStmt']],
      ['blockQuery.descStmt', parts['blockQuery']!['descStmt']],
      ['blockQuery.rangeHeadersStmt', parts['blockQuery']!['rangeHeadersStmt']],
      ['blockQuery.rangePostsStmt', parts['blockQuery']!['rangePostsStmt']],
      ['blockQuery.bodyStmt', parts['blockQuery']!['bodyStmt']],
    ] as const) {
      assert.ok(statement !== undefined, `${name} exists`);
      const source = statement.source;
      const count = source.split('?').length - 1;
      const details = plan(source, Array(count).fill(1));
      assert.ok(details.every(allowed), `${name}: ${details.join(' | ')}`);
    }
  });
});
