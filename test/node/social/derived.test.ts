import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Post } from '#core/post.ts';
import type { SocialQueries } from '#node/social/queries.ts';
import { extend, idOf, type TestChain, testChain } from '../../helpers/chain.ts';
import { queriesOf } from '../../helpers/queries.ts';
import { keysFor, SocialFixture, socialQueries } from '../../helpers/social-fixtures.ts';

// The tables derived from the action log (follows, timeline_posts, notices: store migration 7)
// must answer exactly what the log itself answers, after any sequence of connects and reorgs.
// The reference below is the index's first definition: plain SQL over social_actions and posts.

const KEYS = keysFor('alice', 'bob', 'carol', 'dave');
const [ALICE, BOB, CAROL] = KEYS;
const fixture = new SocialFixture();
const { act } = fixture;

const LIVE = `NOT EXISTS (SELECT 1 FROM social_actions d
  WHERE d.ref = a.id AND d.kind = 'delete' AND d.pubkey = a.pubkey)`;
const EDGES = `SELECT follower, target FROM (
    SELECT a.pubkey AS follower, a.ref AS target, a.kind,
      row_number() OVER (PARTITION BY a.pubkey, a.ref ORDER BY a.height DESC, a.position DESC) AS rn
    FROM social_actions a WHERE a.kind IN ('follow', 'unfollow') AND ${LIVE}
  ) WHERE rn = 1 AND kind = 'follow' AND follower <> target`;
const PLACE = 'c.height * 16384 + c.position';
const TIMELINE = `SELECT p.id FROM posts p JOIN confirmed c ON c.post_seq = p.seq
  WHERE p.pubkey IN (SELECT target FROM (${EDGES}) WHERE follower = @key)
    AND (p.kind IS NULL OR p.kind IN ('quote', 'repost'))
    AND NOT EXISTS (SELECT 1 FROM social_actions d WHERE d.ref = p.id AND d.kind = 'delete' AND d.pubkey = p.pubkey)
  ORDER BY ${PLACE} DESC`;
const NOTICES = `WITH mine AS (SELECT id FROM posts WHERE pubkey = @key), n AS (
    SELECT r.seq AS seq, 0 AS rank, ${PLACE} AS place FROM posts r JOIN confirmed c ON c.post_seq = r.seq
      WHERE r.reply_to IN (SELECT id FROM mine) AND coalesce(r.pubkey, '') <> @key
    UNION ALL
    SELECT a.post_seq, CASE a.kind WHEN 'quote' THEN 1 WHEN 'react' THEN 3 ELSE 4 END,
           a.height * 16384 + a.position FROM social_actions a
      WHERE a.ref IN (SELECT id FROM mine) AND a.kind IN ('react', 'repost', 'quote')
        AND a.pubkey <> @key AND ${LIVE}
    UNION ALL
    SELECT a.post_seq, 5, a.height * 16384 + a.position FROM social_actions a
      WHERE a.ref = @key AND a.kind = 'follow' AND ${LIVE})
  SELECT p.id, min(rank) AS rank FROM n JOIN posts p ON p.seq = n.seq GROUP BY n.seq ORDER BY place DESC`;

/** Asserts that every key's follows, timeline and notifications equal the reference. */
function assertMatchesLog(t: TestChain, q: SocialQueries, when: string): void {
  const db = t.store.database;
  const edges = db.prepare(EDGES).all() as { follower: string; target: string }[];
  const timeline = db.prepare(TIMELINE).pluck();
  const notices = db.prepare(NOTICES);
  assert.deepEqual(
    db.prepare('SELECT pubkey, place FROM key_heads ORDER BY pubkey').all(),
    db
      .prepare('SELECT pubkey, max(place) AS place FROM timeline_posts GROUP BY pubkey ORDER BY pubkey')
      .all(),
    `key_heads: ${when}`,
  );
  for (const key of KEYS) {
    const at = `${when}, ${key.name}`;
    const following = edges.filter((e) => e.follower === key.pub).map((e) => e.target);
    const followers = edges.filter((e) => e.target === key.pub).map((e) => e.follower);
    assert.deepEqual(
      q.following(key.pub, 100).items.map((i) => i.pubkey),
      following.sort(),
      `following: ${at}`,
    );
    assert.deepEqual(
      q.followers(key.pub, 100).items.map((i) => i.pubkey),
      followers.sort(),
      `followers: ${at}`,
    );
    assert.equal(q.person(key.pub).following, following.length, at);
    // Pages of 3 put together: the per-key bound of the merge must not lose a post.
    const ids: string[] = [];
    let page = q.timeline(key.pub, 3);
    for (let i = 0; i < 100; i++) {
      ids.push(...page.items.filter((v) => v.status === 'confirmed').map((v) => v.id));
      if (page.next === undefined) break;
      page = q.timeline(key.pub, 3, page.next);
    }
    assert.deepEqual(ids, timeline.all({ key: key.pub }), `timeline: ${at}`);
    const got = q.notifications(key.pub, 200).items.map((n) => n.post.id);
    const expected = (notices.all({ key: key.pub }) as { id: string }[]).map((n) => n.id);
    assert.deepEqual(got, expected, `notifications: ${at}`);
  }
}

describe('social index: derived tables equal the action log', () => {
  it('a deleted follow, post and reaction come back when the delete is reorged out', () => {
    const t = testChain();
    const q = socialQueries(t);
    const follow = act(ALICE, 'follow', 'follow', BOB.pub);
    const post = act(BOB, undefined, 'hello');
    const react = act(CAROL, 'react', '👍', idOf(post));
    const h1 = extend(t.chain, t.chain.tip, [follow, post, react]);
    assert.deepEqual(
      q.timeline(ALICE.pub, 10).items.map((v) => v.id),
      [idOf(post)],
    );
    assert.deepEqual(
      q.notifications(BOB.pub, 10).items.map((n) => n.type),
      ['react', 'follow'],
    );
    const h2 = extend(t.chain, h1, [
      act(ALICE, 'delete', 'delete', idOf(follow)),
      act(BOB, 'delete', 'delete', idOf(post)),
      act(CAROL, 'delete', 'delete', idOf(react)),
    ]);
    assert.equal(q.person(ALICE.pub).following, 0);
    assert.deepEqual(q.timeline(ALICE.pub, 10).items, []);
    assert.deepEqual(q.notifications(BOB.pub, 10).items, []);
    assertMatchesLog(t, q, 'deleted');
    // A heavier branch without the deletes.
    extend(t.chain, extend(t.chain, h1, [], 2), []);
    assert.notEqual(t.chain.bestHashAt(2), h2.hash);
    assert.equal(q.person(ALICE.pub).following, 1);
    assert.deepEqual(
      q.timeline(CAROL.pub, 10).items.map((v) => v.id),
      [],
    );
    assert.deepEqual(
      q.timeline(ALICE.pub, 10).items.map((v) => v.id),
      [idOf(post)],
    );
    assert.deepEqual(
      q.notifications(BOB.pub, 10).items.map((n) => n.type),
      ['react', 'follow'],
    );
    assertMatchesLog(t, q, 'deletes reorged out');
  });

  it('a reply confirmed before its parent is known notifies the parent author once it arrives', async () => {
    const t = testChain();
    const q = socialQueries(t);
    const parent = act(BOB, undefined, 'the parent');
    const reply = act(CAROL, undefined, 'a reply', undefined, idOf(parent));
    extend(t.chain, t.chain.tip, [reply]);
    assert.deepEqual(q.notifications(BOB.pub, 10).items, []);
    await t.mempool.submit(parent);
    assert.deepEqual(
      q.notifications(BOB.pub, 10).items.map((n) => [n.type, n.post.id]),
      [['reply', idOf(reply)]],
    );
    assertMatchesLog(t, q, 'parent arrived');
  });

  it('random actions, blocks and reorgs: follows, timelines and notifications match the log', () => {
    const t = testChain();
    const q = socialQueries(t);
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor(seed / 2 ** 16) % n; // the high bits: the low ones of an LCG cycle short
    };
    const posts: Post[] = [];
    const confirmed = t.store.database
      .prepare<[string], number>(
        'SELECT count(*) FROM posts p JOIN confirmed c ON c.post_seq = p.seq WHERE p.id = ?',
      )
      .pluck();
    const freshAction = (): Post => {
      const from = KEYS[rand(KEYS.length)]!;
      const to = KEYS[rand(KEYS.length)]!;
      const target = posts.length > 0 ? posts[rand(posts.length)]! : undefined;
      const choice = target === undefined ? rand(3) : rand(10);
      if (choice === 0) return act(from, 'follow', 'follow', to.pub);
      if (choice === 1) return act(from, 'unfollow', 'unfollow', to.pub);
      if (choice === 2) return act(from, undefined, `post ${fixture.stamp}`);
      const ref = idOf(target!);
      if (choice === 3) return act(from, 'react', '🎉', ref);
      if (choice === 4) return act(from, 'repost', 'repost', ref);
      if (choice === 5) return act(from, 'quote', `quote ${fixture.stamp}`, ref);
      if (choice === 6) return act(from, undefined, `reply ${fixture.stamp}`, undefined, ref);
      // A delete, mostly by the target's own key (a delete by another key must change nothing).
      const owner = KEYS.find((k) => k.pub === target!.pubkey) ?? from;
      return act(rand(4) === 0 ? from : owner, 'delete', 'delete', ref);
    };
    let reorgs = 0;
    for (let round = 0; round < 14; round++) {
      const depth = round % 4 === 3 ? Math.min(2, t.chain.tip.height) : 0;
      const fork = t.chain.getEntry(t.chain.bestHashAt(t.chain.tip.height - depth)!)!;
      let tip = fork;
      const ids = new Set<string>();
      const before = posts.length;
      for (let b = 0; b <= depth; b++) {
        const block: Post[] = [];
        // Some posts of blocks reorged out are mined again, the rest are new.
        for (const old of posts.slice(0, before)) {
          if (block.length < 3 && rand(3) === 0 && depth > 0 && confirmed.get(idOf(old)) === 0) {
            if (!ids.has(idOf(old))) block.push(old);
            ids.add(idOf(old));
          }
        }
        for (let i = 0; i < 6; i++) {
          const post = freshAction();
          posts.push(post);
          block.push(post);
        }
        tip = extend(t.chain, tip, block, depth > 0 ? 2 : 1);
      }
      assert.equal(t.chain.tip.hash, tip.hash, `round ${round}: the new branch is best`);
      if (depth > 0) reorgs++;
      assertMatchesLog(t, q, `round ${round}`);
    }
    assert.equal(reorgs, 3);
    assert.equal(t.chain.tip.height, 14);
  });
});

describe('the global feed of conversations', () => {
  it('shows plain posts, quotes and reposts, not replies nor the other actions; pages cut exactly', async () => {
    const t = testChain();
    const queries = queriesOf(t);
    const post = act(ALICE, undefined, 'hello');
    const cards = [
      post,
      act(BOB, 'quote', 'look at this', idOf(post)),
      act(CAROL, 'repost', 'repost', idOf(post)),
    ];
    const others = [
      act(BOB, undefined, 'a reply', undefined, idOf(post)),
      act(BOB, 'react', '👍', idOf(post)),
      act(CAROL, 'follow', 'follow', ALICE.pub),
      act(ALICE, 'edit', 'hello, edited', idOf(post)),
    ];
    const pending = act(CAROL, undefined, 'pending');
    extend(t.chain, t.chain.tip, [...cards, ...others]);
    await t.mempool.submit(pending);
    await t.mempool.submit(act(CAROL, 'react', '🎉', idOf(post)));
    const expected = [pending, ...cards].map(idOf).reverse();
    expected.unshift(expected.pop()!); // the pending post is the newest
    assert.deepEqual(
      queries.posts({ limit: 50 }).items.map((v) => v.id),
      expected,
    );
    const first = queries.posts({ limit: 2 });
    const second = queries.posts({ limit: 50, before: first.next! });
    assert.deepEqual(
      [...first.items, ...second.items].map((v) => v.id),
      expected,
    );
    // With replies included every post is there.
    assert.equal(queries.posts({ limit: 50, replies: 'include' }).items.length, 9);
  });
});
