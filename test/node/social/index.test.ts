import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Post, signPost } from '#core/post.ts';
import { type ConfirmedAction, followGraph, nameCommitment, profileContent } from '#core/social/index.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { extend, idOf, testChain } from '../../helpers/chain.ts';
import { keysFor, SocialFixture, socialQueries, T } from '../../helpers/social-fixtures.ts';

const KEYS = keysFor('alice', 'bob', 'carol', 'dave', 'mallory');
const [ALICE, BOB, CAROL, , MALLORY] = KEYS;
const { act } = new SocialFixture();

describe('social index: kept by the chain, undone and redone by reorgs', () => {
  it('a follow in a block reorged out disappears, and returns when re-mined', async () => {
    const t = testChain();
    const q = socialQueries(t);
    const genesis = t.chain.tip;
    const follow = act(ALICE, 'follow', 'follow', BOB.pub);
    await t.mempool.submit(follow);
    extend(t.chain, genesis, [follow]);
    assert.deepEqual(
      q.followers(BOB.pub, 10).items.map((i) => i.pubkey),
      [ALICE.pub],
    );
    assert.equal(q.person(ALICE.pub).following, 1);

    // A heavier branch without the follow: the edge goes, the follow is pending again.
    const b1 = extend(t.chain, genesis, [], 2);
    extend(t.chain, b1, []);
    assert.equal(t.chain.tip.height, 2);
    assert.deepEqual(q.followers(BOB.pub, 10).items, []);
    assert.equal(q.person(ALICE.pub).following, 0);
    assert.deepEqual(
      q.person(ALICE.pub).pending.map((p) => p.kind),
      ['follow'],
      'shown as pending',
    );

    // Re-mined on the new branch: the edge is back, at its new height.
    extend(t.chain, t.chain.tip, [follow]);
    assert.deepEqual(q.followers(BOB.pub, 10).items, [{ pubkey: ALICE.pub, since: 3 }]);
    assert.deepEqual(q.person(ALICE.pub).pending, []);
  });

  it('counts, edits and deletions follow a reorg exactly', async () => {
    const t = testChain();
    const q = socialQueries(t);
    const post = act(ALICE, undefined, 'hello');
    const a1 = extend(t.chain, t.chain.tip, [post]);
    const react = act(BOB, 'react', '👍', idOf(post));
    const edit = act(ALICE, 'edit', 'hello, edited', idOf(post));
    const a2 = extend(t.chain, a1, [react, edit]);
    assert.deepEqual(q.postSocial(idOf(post))?.reactions, { '👍': 1 });
    assert.equal(q.postSocial(idOf(post))?.latest_content, 'hello, edited');
    // Reorg a2 out: back to the original state.
    const b2 = extend(t.chain, a1, [], 2);
    extend(t.chain, b2, []);
    assert.notEqual(t.chain.bestHashAt(2), a2.hash);
    assert.deepEqual(q.postSocial(idOf(post))?.reactions, {});
    assert.equal(q.postSocial(idOf(post))?.latest_content, 'hello');
    assert.deepEqual(q.postSocial(idOf(post))?.history, []);
  });

  it('ownership: an edit or delete by another key is ignored', () => {
    const t = testChain();
    const q = socialQueries(t);
    const post = act(ALICE, undefined, 'mine');
    const h1 = extend(t.chain, t.chain.tip, [post]);
    extend(t.chain, h1, [
      act(MALLORY, 'edit', 'pwned', idOf(post)),
      act(MALLORY, 'delete', 'delete', idOf(post)),
    ]);
    let s = q.postSocial(idOf(post))!;
    assert.equal(s.deleted, false);
    assert.equal(s.latest_content, 'mine');
    extend(t.chain, t.chain.tip, [act(ALICE, 'delete', 'delete', idOf(post))]);
    s = q.postSocial(idOf(post))!;
    assert.equal(s.deleted, true);
    assert.equal(s.latest_content, undefined);
  });

  it('the follow graph equals core followGraph over the same actions', () => {
    const t = testChain();
    const q = socialQueries(t);
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const actions: ConfirmedAction[] = [];
    let tip = t.chain.tip;
    for (let block = 0; block < 6; block++) {
      const posts: Post[] = [];
      for (let i = 0; i < 8; i++) {
        const from = KEYS[rand(KEYS.length)]!;
        const to = KEYS[rand(KEYS.length)]!;
        const kind = rand(3) === 0 ? 'unfollow' : 'follow';
        posts.push(act(from, kind, kind, to.pub));
      }
      tip = extend(t.chain, tip, posts);
      posts.forEach((p, position) => {
        actions.push({
          id: idOf(p),
          kind: p.kind!,
          ref: p.ref!,
          pubkey: p.pubkey!,
          content: p.content,
          height: tip.height,
          position,
        });
      });
    }
    const graph = followGraph(actions, new Set());
    for (const key of KEYS) {
      const expected = [...(graph.get(key.pub) ?? [])].sort();
      assert.deepEqual(
        q.following(key.pub, 100).items.map((i) => i.pubkey),
        expected,
        key.name,
      );
      const followers = KEYS.filter((k) => graph.get(k.pub)?.has(key.pub))
        .map((k) => k.pub)
        .sort();
      assert.deepEqual(
        q.followers(key.pub, 100).items.map((i) => i.pubkey),
        followers,
        key.name,
      );
    }
  });
});

describe('social index: names', () => {
  const SALT = '5a'.repeat(32);
  const MSALT = '6b'.repeat(32);

  it('the name race: a front-running miner who sees the reveal loses; a reorged reveal is undone', () => {
    const t = testChain();
    const q = socialQueries(t);
    const commit = act(
      ALICE,
      'name_commit',
      'name_commit',
      nameCommitment('alice', ALICE.pub, SALT, nodeCrypto),
    );
    const h1 = extend(t.chain, t.chain.tip, [commit]);
    const h2 = extend(t.chain, h1, []);
    // At height 3 Alice reveals. Mallory, mining, saw it: puts her own commitment and reveal
    // for "alice" first in the block, and a copy of Alice's salt.
    const mCommit = act(
      MALLORY,
      'name_commit',
      'name_commit',
      nameCommitment('alice', MALLORY.pub, MSALT, nodeCrypto),
    );
    const mReveal = act(MALLORY, 'name', 'alice', MSALT);
    const mCopy = act(MALLORY, 'name', 'alice', SALT);
    const reveal = act(ALICE, 'name', 'alice', SALT);
    const h3 = extend(t.chain, h2, [mCommit, mReveal, mCopy, reveal]);
    assert.equal(q.name('alice').owner, ALICE.pub);
    assert.equal(q.resolve('@alice'), ALICE.pub);
    assert.equal(q.person(ALICE.pub).handle, 'alice');
    // Two blocks later Mallory's commitment is old enough; the name is taken: still Alice's.
    const h5 = extend(t.chain, extend(t.chain, h3, []), [act(MALLORY, 'name', 'alice', MSALT)]);
    assert.equal(q.name('alice').owner, ALICE.pub);
    assert.equal(q.person(MALLORY.pub).handle, undefined);

    // A reorg that drops height 3 onwards: nobody holds it; Mallory's late reveal alone, mined
    // on the new branch with its commitment old enough, then wins (first valid in chain order).
    let tip = extend(t.chain, h2, [mCommit], 2);
    for (let i = 0; i < 4; i++) tip = extend(t.chain, tip, []);
    assert.ok(t.chain.tip.height > h5.height);
    assert.equal(q.name('alice').held, false);
    assert.equal(q.resolve('@alice'), undefined);
    extend(t.chain, tip, [mReveal]);
    assert.equal(q.name('alice').owner, MALLORY.pub);
  });

  it('expiry at the tip and the pending reveals count', async () => {
    const t = testChain();
    const q = socialQueries(t);
    const commit = act(BOB, 'name_commit', 'name_commit', nameCommitment('bobby', BOB.pub, SALT, nodeCrypto));
    let tip = extend(t.chain, t.chain.tip, [commit]);
    tip = extend(t.chain, tip, []);
    const reveal = act(BOB, 'name', 'bobby', SALT);
    await t.mempool.submit(reveal);
    assert.equal(q.name('bobby').pending_reveals, 1);
    tip = extend(t.chain, tip, [reveal]);
    const info = q.name('bobby');
    assert.equal(info.owner, BOB.pub);
    assert.equal(info.expires_at, 3 + q.nameParams.expiry);
    while (t.chain.tip.height < info.expires_at! - 1) tip = extend(t.chain, tip, []);
    assert.equal(q.name('bobby').held, true);
    extend(t.chain, tip, []);
    assert.equal(q.name('bobby').held, false);
  });
});

describe('social index: profile, timeline, notifications', () => {
  it('latest profile; the timeline shows followed keys only; notifications by type', () => {
    const t = testChain();
    const q = socialQueries(t);
    const carolPost = act(CAROL, undefined, 'from carol');
    const bobPost = act(BOB, undefined, 'from bob, hi @alice');
    let tip = extend(t.chain, t.chain.tip, [
      act(ALICE, 'profile', profileContent({ name: 'Old' })),
      act(ALICE, 'follow', 'follow', BOB.pub),
      carolPost,
    ]);
    tip = extend(t.chain, tip, [
      act(ALICE, 'profile', profileContent({ name: 'Alice', bio: 'hi' })),
      bobPost,
    ]);
    assert.equal(q.person(ALICE.pub).profile?.name, 'Alice');
    const home = q.timeline(ALICE.pub, 10);
    assert.deepEqual(
      home.items.map((v) => v.id),
      [idOf(bobPost)],
    );

    const alicePost = act(ALICE, undefined, 'a post by alice');
    tip = extend(t.chain, tip, [alicePost]);
    const reply = signPost(
      { author: 'bob', content: 'a reply', timestamp: T, reply_to: idOf(alicePost) },
      BOB.secret,
      nodeCrypto,
    );
    tip = extend(t.chain, tip, [
      reply,
      act(CAROL, 'react', '🎉', idOf(alicePost)),
      act(CAROL, 'repost', 'repost', idOf(alicePost)),
      act(CAROL, 'quote', 'look', idOf(alicePost)),
      act(CAROL, 'follow', 'follow', ALICE.pub),
    ]);
    const types = q.notifications(ALICE.pub, 10).items.map((n) => n.type);
    assert.deepEqual(types, ['follow', 'quote', 'repost', 'react', 'reply']);
    // Pages: cursor cuts exactly.
    const first = q.notifications(ALICE.pub, 2);
    const second = q.notifications(ALICE.pub, 10, first.next);
    assert.deepEqual(
      [...first.items, ...second.items].map((n) => n.type),
      types,
    );
    const annotated = q.timeline(CAROL.pub, 10).items.find((v) => v.id === idOf(alicePost))!;
    assert.deepEqual(annotated.social?.reactions, { '🎉': 1 });
    assert.equal(annotated.social?.reposts, 1);
    assert.equal(annotated.social?.quotes, 1);
  });
});
