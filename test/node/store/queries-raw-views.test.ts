import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Post } from '#core/post.ts';
import { toView, VIEW_JOINS, VIEW_SELECT, type ViewRow } from '#node/store/queries/views.ts';
import { extend, idOf, testChain } from '../../helpers/chain.ts';
import { addPending, allPages, postBy, queriesOf } from '../../helpers/queries.ts';

/**
 * The feed reads its rows as arrays (RAW_VIEW_SELECT, viewFromRaw) for speed; each view must be
 * exactly the one the object rows give (VIEW_SELECT, toView, as the post detail and the social
 * views build them): same fields, same values, same key order (the JSON on the wire).
 */
describe('feed views from raw rows', () => {
  it('equal the object-row views, key order included, for every kind of post the feed shows', () => {
    const test = testChain();
    const { chain, store } = test;
    const queries = queriesOf(test);
    const root = postBy('alice', 'the root');
    const confirmedReply = postBy('bob', 'a confirmed reply', { reply_to: idOf(root) });
    const unsigned = postBy('carol', 'unsigned', { unsigned: true });
    const b1 = extend(chain, chain.tip, [root, unsigned]);
    extend(chain, b1, [confirmedReply]);
    addPending(store, postBy('dave', 'a pending reply', { reply_to: idOf(root) }));
    // Stored directly (no validation): a post with a stamp and a social kind, fields a plain post lacks.
    const stamped: Post = {
      ...postBy('erin', 'quoting', { unsigned: true }),
      stamp: { bits: 12, nonce: 345 },
      kind: 'quote',
      ref: idOf(root),
    };
    addPending(store, stamped);

    const byId = store.database.prepare<[string], ViewRow>(
      `${VIEW_SELECT} FROM posts p ${VIEW_JOINS} WHERE p.id = ?`,
    );
    const expected = (view: { id: string }) => JSON.stringify(toView(byId.get(view.id)!, chain.tip.height));
    const pages = [
      ...allPages(queries, { limit: 2, replies: 'include' }),
      ...allPages(queries, { limit: 2 }),
      ...allPages(queries, { limit: 2, author: 'alice' }),
      ...allPages(queries, { limit: 2, q: 'reply' }),
      queries.posts({ limit: 10, reply_to: idOf(root), after: 0 }).items,
    ];
    const views = pages.flat();
    assert.equal(new Set(views.map((view) => view.id)).size, 5);
    for (const view of views) assert.equal(JSON.stringify(view), expected(view));
    const statuses = new Set(views.map((view) => view.status));
    assert.deepEqual([...statuses].sort(), ['confirmed', 'pending']);
    const rootView = views.find((view) => view.id === idOf(root))!;
    assert.equal(rootView.replies, 2);
    const quote = views.find((view) => view.post.kind === 'quote')!;
    assert.deepEqual(quote.post.stamp, { bits: 12, nonce: 345 });
  });
});
