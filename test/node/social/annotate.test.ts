import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameCommitment } from '#core/social/index.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { extend, idOf, testChain } from '../../helpers/chain.ts';
import { keysFor, SocialFixture, socialQueries } from '../../helpers/social-fixtures.ts';

// A page is annotated with one statement per kind of state (views, counts, own deletes and
// edits, names): each post must still get its own latest edit, deletion, counts and handle.

const [ALICE, BOB, CAROL] = keysFor('alice', 'bob', 'carol');
const { act } = new SocialFixture();

describe('social index: a page annotated at once', () => {
  it('latest own edit, deletion, counts and handle per post, as the single-post path reads them', () => {
    const t = testChain();
    const q = socialQueries(t);
    const salt = 'cd'.repeat(32);
    let tip = extend(t.chain, t.chain.tip, [
      act(ALICE, 'name_commit', 'name_commit', nameCommitment('alice', ALICE.pub, salt, nodeCrypto)),
      act(CAROL, 'follow', 'follow', ALICE.pub),
      act(CAROL, 'follow', 'follow', BOB.pub),
    ]);
    tip = extend(t.chain, tip, []);
    const edited = act(ALICE, undefined, 'first words');
    const deleted = act(ALICE, undefined, 'regretted');
    const plain = act(BOB, undefined, 'from bob');
    tip = extend(t.chain, tip, [act(ALICE, 'name', 'alice', salt), edited, deleted, plain]);
    tip = extend(t.chain, tip, [
      act(ALICE, 'edit', 'second words', idOf(edited)),
      act(BOB, 'edit', 'not hers to edit', idOf(edited)),
      act(ALICE, 'delete', 'delete', idOf(deleted)),
      act(CAROL, 'react', '🎉', idOf(edited)),
    ]);
    const repost = act(BOB, 'repost', 'repost', idOf(edited));
    extend(t.chain, tip, [act(ALICE, 'edit', 'third words', idOf(edited)), repost]);

    const page = q.timeline(CAROL.pub, 10).items;
    assert.deepEqual(
      page.map((v) => v.id),
      [idOf(repost), idOf(plain), idOf(edited)],
      'the deleted post is left out',
    );
    const [reposted, bobs, hers] = page as [(typeof page)[0], (typeof page)[0], (typeof page)[0]];
    assert.deepEqual(hers.social, {
      reactions: { '🎉': 1 },
      reposts: 1,
      quotes: 0,
      edited: true,
      latest_content: 'third words',
      deleted: false,
      handle: 'alice',
    });
    assert.equal(reposted.social?.edited, false, 'a repost is not editable');
    assert.equal(q.postSocial(idOf(deleted))?.deleted, true);
    assert.deepEqual(bobs.social, { reactions: {}, reposts: 0, quotes: 0, edited: false, deleted: false });
    // The single-post path agrees on every post of the page.
    for (const view of page) {
      const one = q.postSocial(view.id)!;
      assert.equal(one.deleted, view.social?.deleted, view.post.content);
      assert.deepEqual(one.reactions, view.social?.reactions);
      if (!one.deleted) assert.equal(one.latest_content, view.social?.latest_content ?? view.post.content);
    }
  });
});
