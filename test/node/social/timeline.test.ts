import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Post } from '#core/post.ts';
import { TimelineReader } from '#node/social/timeline.ts';
import { extend, idOf, type TestChain, testChain } from '../../helpers/chain.ts';
import { type Key, keyFor, SocialFixture } from '../../helpers/social-fixtures.ts';

// The timeline reader (social/timeline.ts) reads a page from the newest heads of the followed
// keys and a floor; it must return exactly what a plain scan of the followed keys' rows returns,
// and what the previous merge (every followed key cut at its page-size newest) returned, at
// every cursor and page size, whatever the follow counts and however unevenly the keys post.

const KEYS = Array.from({ length: 9 }, (_, i) => keyFor(`k${i}`, `timeline-${i}`));
const fixture = new SocialFixture();
const { act } = fixture;

type Args = { key: string; before: number; limit: number; follows: number };
/** The plain answer: every row of the followed keys below the cursor, sorted. */
const PLAIN = `SELECT t.post_seq AS seq, t.place AS place FROM timeline_posts t
  WHERE t.pubkey IN (SELECT target FROM follows WHERE follower = @key ORDER BY target LIMIT @follows)
    AND t.place < @before ORDER BY t.place DESC LIMIT @limit`;
/** The previous statement (main before socialfast): each followed key cut at its limit-th newest. */
const PREVIOUS = `SELECT t.post_seq AS seq, t.place AS place
  FROM (SELECT target FROM follows WHERE follower = @key ORDER BY target LIMIT @follows) f
  CROSS JOIN timeline_posts t ON t.pubkey = f.target
  WHERE t.place < @before AND t.place >= coalesce((SELECT b.place FROM timeline_posts b
    WHERE b.pubkey = f.target AND b.place < @before
    ORDER BY b.place DESC LIMIT 1 OFFSET @limit - 1), 0)
  ORDER BY t.place DESC LIMIT @limit`;

function assertSame(t: TestChain, reader: TimelineReader, when: string): number {
  const db = t.store.database;
  const plain = db.prepare<Args, { seq: number; place: number }>(PLAIN);
  const previous = db.prepare<Args, { seq: number; place: number }>(PREVIOUS);
  const places = db.prepare<[], number>('SELECT place FROM timeline_posts ORDER BY place').pluck().all();
  const cursors = [Number.MAX_SAFE_INTEGER, ...places, ...places.map((p) => p + 1), 0, 1];
  let checked = 0;
  for (const key of KEYS)
    for (const limit of [1, 2, 3, 4, 7, 30])
      for (const follows of [5_000, 3])
        for (const before of cursors) {
          const args = { key: key.pub, before, limit, follows };
          const got = reader.page(key.pub, before, limit, follows);
          const at = `${when}: ${key.name} before ${before} limit ${limit} follows ${follows}`;
          assert.deepEqual(got, plain.all(args), at);
          assert.deepEqual(got, previous.all(args), at);
          checked++;
        }
  return checked;
}

describe('the home timeline reader', () => {
  it('equals the plain scan and the previous merge on a random chain with deletes, unfollows and reorgs', () => {
    const t = testChain();
    const reader = new TimelineReader(t.store.database);
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor(seed / 2 ** 16) % n;
    };
    // k0 is prolific (half of the posts): its followers' pages are mostly its posts, cut at the floor.
    const author = () => (rand(2) === 0 ? KEYS[0]! : KEYS[rand(KEYS.length)]!);
    const posts: Post[] = [];
    const action = (): Post => {
      const from = KEYS[rand(KEYS.length - 1)]!;
      const to = KEYS[rand(KEYS.length)]!;
      const target = posts.length > 0 ? posts[rand(posts.length)]! : undefined;
      const choice = target === undefined ? rand(3) : rand(12);
      if (choice === 0 || choice === 7) return act(from, 'follow', 'follow', to.pub);
      if (choice === 1) return act(from, 'unfollow', 'unfollow', to.pub);
      if (choice === 2 || choice === 8 || choice === 9)
        return act(author(), undefined, `post ${fixture.stamp}`);
      const ref = idOf(target!);
      if (choice === 3) return act(author(), 'repost', 'repost', ref);
      if (choice === 4) return act(author(), 'quote', `quote ${fixture.stamp}`, ref);
      if (choice === 5) return act(from, 'react', '🎉', ref);
      // A delete by the target's own key: a post, a follow or an unfollow goes.
      const owner = KEYS.find((k) => k.pub === target!.pubkey) ?? from;
      return act(owner, 'delete', 'delete', ref);
    };
    // A follow graph to start with: k8 follows one key (fewer than a page), the others five.
    const graph: Post[] = [act(KEYS[8]!, 'follow', 'follow', KEYS[1]!.pub)];
    for (const [i, key] of KEYS.slice(0, 8).entries())
      for (let j = 1; j <= 5; j++) graph.push(act(key, 'follow', 'follow', KEYS[(i + j) % KEYS.length]!.pub));
    posts.push(...graph);
    extend(t.chain, t.chain.tip, graph);
    let reorgs = 0;
    let checked = 0;
    let unfollowed = 0;
    let deleted = 0;
    for (let round = 0; round < 8; round++) {
      const depth = round % 3 === 2 ? Math.min(2, t.chain.tip.height) : 0;
      let tip = t.chain.getEntry(t.chain.bestHashAt(t.chain.tip.height - depth)!)!;
      for (let b = 0; b <= depth; b++) {
        const block: Post[] = [];
        for (let i = 0; i < 12; i++) {
          const post = action();
          if (post.kind === 'unfollow') unfollowed++;
          if (post.kind === 'delete') deleted++;
          posts.push(post);
          block.push(post);
        }
        tip = extend(t.chain, tip, block, depth > 0 ? 2 : 1);
      }
      assert.equal(t.chain.tip.hash, tip.hash, `round ${round}: the new branch is best`);
      if (depth > 0) reorgs++;
      checked += assertSame(t, reader, `round ${round}`);
    }
    assert.ok(reorgs >= 2 && unfollowed > 0 && deleted > 0, 'the chain had reorgs, unfollows and deletes');
    const db = t.store.database;
    // The cases that matter were met: a key following more keys with posts than a page (a floor),
    // and one following fewer (no floor).
    const withPosts = db
      .prepare<[], number>(
        `SELECT count(*) FROM follows f WHERE EXISTS (SELECT 1 FROM timeline_posts t WHERE t.pubkey = f.target)
         GROUP BY f.follower`,
      )
      .pluck()
      .all();
    assert.ok(
      withPosts.some((n) => n > 4),
      `some key follows more keys with posts than a page of 4 (${withPosts})`,
    );
    assert.ok(
      withPosts.some((n) => n < 3),
      'some key follows fewer keys with posts than a page of 3',
    );
    assert.ok(checked > 10_000, `${checked} pages compared`);
  });

  it('a page of zero or below every place is empty', () => {
    const t = testChain();
    const reader = new TimelineReader(t.store.database);
    const [a, b] = KEYS as [Key, Key];
    extend(t.chain, t.chain.tip, [act(a, 'follow', 'follow', b.pub), act(b, undefined, 'hello')]);
    assert.equal(reader.page(a.pub, Number.MAX_SAFE_INTEGER, 5, 5_000).length, 1);
    assert.deepEqual(reader.page(a.pub, Number.MAX_SAFE_INTEGER, 0, 5_000), []);
    assert.deepEqual(reader.page(a.pub, 0, 5, 5_000), []);
    assert.deepEqual(reader.page(b.pub, Number.MAX_SAFE_INTEGER, 5, 5_000), []);
  });
});
