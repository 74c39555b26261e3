import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signPost } from '#core/post.ts';
import { nameCommitment } from '#core/social/index.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { toView, VIEW_JOINS, VIEW_SELECT, type ViewRow } from '#node/store/queries/views.ts';
import { extend, idOf, makePost, testChain } from '../../helpers/chain.ts';
import { keysFor, SocialFixture, socialQueries, T } from '../../helpers/social-fixtures.ts';

// A page is annotated with one statement per kind of state (views, counts, own deletes and
// edits, names): each post must still get its own latest edit, deletion, counts and handle.

const [ALICE, BOB, CAROL] = keysFor('alice', 'bob', 'carol');
const fixture = new SocialFixture();
const { act } = fixture;

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

  it('one statement per page: every post equals its view built from the single-post reads', async () => {
    const t = testChain();
    const tipHeight = () => t.chain.tip.height;
    const q = socialQueries(t);
    const salt = 'ef'.repeat(32);
    const commit = act(BOB, 'name_commit', 'name_commit', nameCommitment('bobby', BOB.pub, salt, nodeCrypto));
    let tip = extend(t.chain, t.chain.tip, [commit]);
    tip = extend(t.chain, tip, []);
    const claim = act(BOB, 'name', 'bobby', salt);
    const plain = act(ALICE, undefined, 'plain');
    const quoted = act(BOB, undefined, 'to be quoted');
    const gone = act(CAROL, undefined, 'soon gone');
    tip = extend(t.chain, tip, [claim, plain, quoted, gone]);
    const editOne = act(ALICE, 'edit', 'edit one', idOf(plain));
    const quote = act(CAROL, 'quote', 'a quote', idOf(quoted));
    tip = extend(t.chain, tip, [
      editOne,
      act(ALICE, 'edit', 'edit two', idOf(plain)),
      act(CAROL, 'delete', 'delete', idOf(gone)),
      quote,
      act(ALICE, 'react', '🎉', idOf(quoted)),
      act(CAROL, 'react', '🎉', idOf(quoted)),
      act(CAROL, 'react', '🎉', idOf(quoted)),
      act(BOB, 'react', '🔥', idOf(plain)),
      act(CAROL, 'repost', 'repost', idOf(plain)),
      act(CAROL, 'quote', 'quote again', idOf(quoted)),
    ]);
    // A deleted edit no longer counts; the quote of a quote, an edit of a quote; bob renews.
    tip = extend(t.chain, tip, [
      act(ALICE, 'delete', 'delete', idOf(editOne)),
      act(CAROL, 'edit', 'quote edited', idOf(quote)),
      act(BOB, 'name', 'bobby', salt),
      signPost(
        { author: 'alice', content: 'a reply', timestamp: T + ++fixture.stamp, reply_to: idOf(plain) },
        ALICE.secret,
        nodeCrypto,
      ),
    ]);
    await t.mempool.submit(act(BOB, undefined, 'pending one'));
    await t.mempool.submit(act(ALICE, 'react', '👀', idOf(quoted)));
    await t.mempool.submit(makePost('unsigned pending', true));

    const db = t.store.database;
    const rows = db
      .prepare<[], ViewRow>(`${VIEW_SELECT} FROM posts p ${VIEW_JOINS} ORDER BY p.seq DESC`)
      .all();
    assert.ok(rows.length >= 20);
    // The single-post reads, composed as a view's social state reads them.
    const expected = rows.map((row) => {
      const view = toView(row, tipHeight());
      const one = q.postSocial(view.id)!;
      const edited = !one.deleted && one.history.length > 0;
      const handle = view.post.pubkey === undefined ? undefined : q.handleOf(view.post.pubkey);
      return {
        ...view,
        post: one.deleted && view.post.kind !== 'delete' ? { ...view.post, content: '' } : view.post,
        social: {
          reactions: one.reactions,
          reposts: one.reposts,
          quotes: one.quotes,
          edited,
          ...(edited ? { latest_content: one.latest_content } : {}),
          deleted: one.deleted,
          ...(handle !== undefined ? { handle } : {}),
        },
      };
    });
    const handleAmong = (pubkey: string) => q.handleOf(pubkey);
    const page = q.pages.read(
      rows.map((row) => row.seq),
      tipHeight(),
      handleAmong,
    );
    assert.deepStrictEqual(page, expected);
    assert.deepStrictEqual(JSON.stringify(page), JSON.stringify(expected), 'the same keys in the same order');
    // Any order, one post at a time too.
    const reversed = [...rows].reverse().map((row) => row.seq);
    assert.deepStrictEqual(q.pages.read(reversed, tipHeight(), handleAmong), [...expected].reverse());
    for (const [i, row] of rows.entries())
      assert.deepStrictEqual(q.pages.read([row.seq], tipHeight(), handleAmong), [expected[i]]);
    assert.equal(expected.find((v) => v.id === idOf(plain))?.social.latest_content, 'edit two');
    assert.equal(expected.find((v) => v.id === idOf(quote))?.social.latest_content, 'quote edited');
    assert.equal(expected.find((v) => v.id === idOf(gone))?.post.content, '');
    assert.deepEqual(expected.find((v) => v.id === idOf(quoted))?.social.reactions, { '🎉': 2 });
    assert.equal(expected.find((v) => v.id === idOf(quoted))?.social.quotes, 2);
    assert.equal(expected.find((v) => v.id === idOf(quoted))?.social.handle, 'bobby');
  });
});
