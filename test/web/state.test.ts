import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nobleCrypto } from '#core/crypto-noble.ts';
import { validatePost } from '#core/post.ts';
import type { BlockSummary, NodeApi, Page, PostView } from '../../web/src/api.ts';
import { newIdentity } from '../../web/src/lib/identity-format.ts';
import { Backoff, RETRY_MAX_MS, RETRY_MIN_MS } from '../../web/src/state/backoff.ts';
import type { Session } from '../../web/src/state/connection.ts';
import { FeedStore } from '../../web/src/state/feed.ts';
import { StateHub } from '../../web/src/state/hub.ts';
import { parseStoredIdentity } from '../../web/src/state/identity.ts';
import { postEventView, unpagedView } from '../../web/src/state/live-events.ts';
import { minedMessage } from '../../web/src/state/mining.ts';
import { configuredNode } from '../../web/src/state/node-config.ts';
import {
  emptyList,
  feedFromFirstPage,
  feedWithNextPage,
  feedWithPost,
  mapThreads,
  threadFromPage,
  threadsWithReply,
  threadWithNextPage,
  UNPAGED_SEQ,
  withConfirmed,
  withoutPost,
} from '../../web/src/state/post-lists.ts';
import { signNewPost } from '../../web/src/state/signed-post.ts';
import type { AppState, PostList } from '../../web/src/state/types.ts';

function view(id: string, seq: number, extra: Partial<PostView> = {}): PostView {
  return {
    id,
    seq,
    post: { author: 'alice', content: id, timestamp: 1_700_000_000 },
    status: 'pending',
    signed: false,
    received_at: 0,
    replies: 0,
    ...extra,
  };
}

function reply(id: string, parent: string): PostView {
  return view(id, UNPAGED_SEQ, { post: { author: 'bob', content: id, timestamp: 1, reply_to: parent } });
}

const loaded = (items: PostView[], next?: number): PostList => ({
  items,
  loading: false,
  loaded: true,
  ...(next !== undefined ? { next } : {}),
});
const ids = (list: PostList | undefined) => list?.items.map((item) => item.id);

describe('web state: the feed and live posts', () => {
  it('puts a new post on top of a loaded feed, once', () => {
    const feed = loaded([view('b', 2), view('a', 1)]);
    const next = feedWithPost(feed, view('c', UNPAGED_SEQ));
    assert.deepEqual(ids(next), ['c', 'b', 'a']);
    assert.equal(
      feedWithPost(next!, view('c', UNPAGED_SEQ)),
      undefined,
      'a post already shown changes nothing',
    );
  });

  it('does not add to a feed that has not loaded, but keeps it unchanged', () => {
    const feed = { ...emptyList, loading: true };
    assert.equal(feedWithPost(feed, view('c', UNPAGED_SEQ)), feed);
  });

  it("counts a reply on its parent (once), never as a card of its own, and adds it to the parent's open thread only", () => {
    const feed = loaded([view('p', 1, { replies: 2 }), view('q', 0)]);
    const next = feedWithPost(feed, reply('r', 'p'));
    assert.deepEqual(
      next?.items.map((item) => [item.id, item.replies]),
      [
        ['p', 3],
        ['q', 0],
      ],
    );
    assert.equal(feedWithPost(next!, reply('r', 'p'), new Set(['r'])), undefined, 'counted already');
    assert.equal(feedWithPost(feed, reply('r', 'absent')), feed, 'a parent not shown: nothing to count');
    const threads = { p: loaded([view('r0', 1)]), q: { ...emptyList, loading: true } };
    assert.deepEqual(ids(threadsWithReply(threads, reply('r', 'p'))?.p), ['r0', 'r']);
    assert.equal(
      threadsWithReply(threads, reply('r', 'q')),
      undefined,
      'a thread still loading is left alone',
    );
    assert.equal(threadsWithReply(threads, reply('r', 'x')), undefined, 'no open thread');
    assert.equal(threadsWithReply(threads, view('z', 1)), undefined, 'not a reply');
    assert.equal(
      threadsWithReply({ p: loaded([reply('r', 'p')]) }, reply('r', 'p')),
      undefined,
      'already there',
    );
  });

  it('keeps live and just-sent posts above a fresh first page, unless the page has them', () => {
    const current = loaded([view('live', UNPAGED_SEQ), view('sent', UNPAGED_SEQ), view('old', 3)]);
    const page: Page<PostView> = { items: [view('sent', 9), view('x', 8)], next: 8 };
    const feed = feedFromFirstPage(current, page);
    assert.deepEqual(ids(feed), ['live', 'sent', 'x']);
    assert.equal(feed.items[1]?.seq, 9, "the page's copy wins");
    assert.equal(feed.next, 8);
    assert.equal(feed.loaded, true);
    assert.equal(feed.loading, false);
  });

  it('appends an older page without repeating posts, and ends when the node has no more', () => {
    const current = { ...loaded([view('c', 3), view('b', 2)], 2), loading: true };
    const feed = feedWithNextPage(current, { items: [view('b', 2), view('a', 1)] });
    assert.deepEqual(ids(feed), ['c', 'b', 'a']);
    assert.equal(feed.next, undefined);
    assert.equal(feed.loading, false);
  });

  it('reads a thread oldest first, page after page, keeping live replies at the end until a page brings them', () => {
    const opened = threadFromPage(
      { ...emptyList, loading: true },
      { items: [view('r1', 1), view('r2', 2)], next: 2 },
    );
    assert.deepEqual(ids(opened), ['r1', 'r2']);
    assert.equal(opened.next, 2);
    // A reply sent (or arriving live) while older pages are still unread: shown at once, at the end.
    const live = threadsWithReply({ p: opened }, reply('mine', 'p'))!.p!;
    assert.deepEqual(ids(live), ['r1', 'r2', 'mine']);
    const more = threadWithNextPage(live, { items: [view('r2', 2), view('r3', 3)], next: 3 });
    assert.deepEqual(ids(more), ['r1', 'r2', 'r3', 'mine'], 'no repeat, the live reply stays last');
    const last = threadWithNextPage(more, { items: [view('r4', 4), view('mine', 5)] });
    assert.deepEqual(ids(last), ['r1', 'r2', 'r3', 'r4', 'mine']);
    assert.equal(last.items.at(-1)?.seq, 5, "the page's copy replaces the live one");
    assert.equal(last.next, undefined);
    // Reopening keeps the live replies no page has brought yet.
    assert.deepEqual(ids(threadFromPage(live, { items: [view('r1', 1)], next: 1 })), ['r1', 'mine']);
  });

  it("marks a block's posts confirmed with their position, everywhere they are shown", () => {
    const block = { hash: 'h', height: 7 } as BlockSummary;
    const feed = withConfirmed(loaded([view('a', UNPAGED_SEQ), view('b', 1)]), block, ['x', 'a']);
    assert.deepEqual(feed.items[0]?.block, { hash: 'h', height: 7, position: 1 });
    assert.equal(feed.items[0]?.status, 'confirmed');
    assert.equal(feed.items[1]?.status, 'pending');
    const threads = mapThreads({ p: loaded([view('x', 1)]) }, (list) => withConfirmed(list, block, ['x']));
    assert.equal(threads.p?.items[0]?.status, 'confirmed');
  });

  it('takes back a refused post', () => {
    assert.deepEqual(ids(withoutPost(loaded([view('a', 1), view('b', 2)]), 'a')), ['b']);
  });
});

describe('web state: live events and new posts', () => {
  it('reads a post event as a pending post the node has not paged', () => {
    const post = { author: 'alice', content: 'hi', timestamp: 1_700_000_000 };
    const live = postEventView({ id: 'abc', post }, 42);
    assert.deepEqual(live, unpagedView('abc', post, 42));
    assert.equal(live?.seq, UNPAGED_SEQ);
    assert.equal(live?.signed, false);
    assert.equal(postEventView({ id: 1, post }, 0), undefined, 'an id that is not text');
    assert.equal(postEventView({ id: 'abc', post: { content: 'no author' } }, 0), undefined, 'not a post');
  });

  it('signs a new post whose id is the protocol id, shown pending at once', () => {
    const identity = newIdentity(nobleCrypto);
    const signed = signNewPost(nobleCrypto, identity, 'alice', 'hello', 'f'.repeat(64), 1_700_000_000_123);
    assert.ok(signed.ok);
    const checked = validatePost(signed.post, nobleCrypto);
    assert.ok(checked.ok, 'the node would accept its form and signature');
    assert.equal(signed.id, checked.value.id);
    assert.equal(signed.post.pubkey, identity.publicKey);
    assert.equal(signed.post.reply_to, 'f'.repeat(64));
    assert.equal(signed.post.timestamp, 1_700_000_000.123);
    assert.equal(signed.view.status, 'pending');
    assert.equal(signed.view.signed, true);
    assert.equal(signed.view.seq, UNPAGED_SEQ);
  });

  it('refuses a post the node would refuse for its form, in words', () => {
    const signed = signNewPost(nobleCrypto, newIdentity(nobleCrypto), 'alice', '', undefined, Date.now());
    assert.equal(signed.ok, false);
    if (!signed.ok) assert.ok(signed.message.length > 0);
  });

  it('says what was mined', () => {
    assert.equal(minedMessage(5, 1), 'Block #5 mined with 1 post.');
    assert.equal(minedMessage(6, 0), 'Block #6 mined with 0 posts.');
  });
});

describe('web state: connection', () => {
  it('retries after 2 s, doubling to at most 10 s, and starts over once the node answers', () => {
    const backoff = new Backoff();
    const waits = Array.from({ length: 5 }, () => backoff.next());
    assert.deepEqual(waits, [2_000, 4_000, 8_000, 10_000, 10_000]);
    assert.equal(RETRY_MIN_MS, 2_000);
    assert.equal(RETRY_MAX_MS, 10_000);
    backoff.reset();
    assert.equal(backoff.next(), 2_000);
  });

  it("reads the server's configured node without its trailing slash", () => {
    assert.equal(configuredNode({ node: 'http://n:8333//' }), 'http://n:8333');
    assert.equal(configuredNode({ node: 5 }), '');
    assert.equal(configuredNode(null), '');
    assert.equal(configuredNode({}), '');
  });
});

describe('web state: identity', () => {
  it('reads a stored key, and treats a damaged entry as none', () => {
    const identity = newIdentity(nobleCrypto);
    assert.deepEqual(parseStoredIdentity(JSON.stringify(identity)), identity);
    assert.equal(parseStoredIdentity(undefined), undefined);
    assert.equal(parseStoredIdentity('{not json'), undefined);
    assert.equal(parseStoredIdentity(JSON.stringify({ ...identity, privateKey: 'xyz' })), undefined);
  });
});

describe('web state: the hub', () => {
  it('gives each key one owner', () => {
    const hub = new StateHub({ a: 1, b: 2 });
    hub.own('a');
    assert.throws(() => hub.own('b', 'a'), /state key a already has an owner/);
  });

  it('tells listeners of each write, and once for a batch', () => {
    const hub = new StateHub({ a: 1, b: 2 });
    const writeA = hub.own('a');
    const writeB = hub.own('b');
    let calls = 0;
    const stop = hub.subscribe(() => calls++);
    writeA({ a: 3 });
    assert.equal(calls, 1);
    hub.batch(() => {
      writeA({ a: 4 });
      hub.batch(() => writeB({ b: 5 }));
      assert.equal(calls, 1, 'not while the batch runs');
    });
    assert.equal(calls, 2);
    assert.deepEqual(hub.state, { a: 4, b: 5 });
    hub.batch(() => undefined);
    assert.equal(calls, 2, 'a batch that wrote nothing tells nobody');
    stop();
    writeA({ a: 6 });
    assert.equal(calls, 2);
  });
});

describe('web state: the feed owner', () => {
  /** A session whose node answers the feed with `answer`. */
  function fakeSession(answer: () => Promise<Page<PostView>>) {
    const failures: unknown[] = [];
    const session = {
      generation: 1,
      api: { feed: answer } as unknown as NodeApi,
      failed(error: unknown) {
        failures.push(error);
        return String(error);
      },
    } satisfies Session;
    const hub = new StateHub({ feed: emptyList } as AppState);
    return { session, hub, feed: new FeedStore(hub, session), failures };
  }

  it('loads the first page, then the next one', async () => {
    const pages = [{ items: [view('b', 2)], next: 2 }, { items: [view('a', 1)] }];
    const { hub, feed } = fakeSession(async () => pages.shift()!);
    await feed.load(true);
    assert.deepEqual(ids(hub.state.feed), ['b']);
    await feed.load();
    assert.deepEqual(ids(hub.state.feed), ['b', 'a']);
    assert.equal(hub.state.feed.next, undefined);
    await feed.load();
    assert.equal(pages.length, 0, 'no request once the node has no more');
  });

  it('drops an answer from a node the app has left', async () => {
    const { session, hub, feed } = fakeSession(async () => {
      session.generation++;
      return { items: [view('a', 1)] };
    });
    await feed.load(true);
    assert.equal(hub.state.feed.loaded, false);
  });

  it('reports a failure through the session and shows it', async () => {
    const { hub, feed, failures } = fakeSession(async () => {
      throw new Error('gone');
    });
    await feed.load(true);
    assert.equal(failures.length, 1);
    assert.equal(hub.state.feed.error, 'Error: gone');
    assert.equal(hub.state.feed.loading, false);
  });
});
