import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { CACHE_KIB, type Db } from '#node/store/database.ts';
import { CATCH_UP_CACHE_KIB, StoreMaintenance } from '#node/store/maintenance.ts';
import { MIGRATIONS } from '#node/store/schema.ts';
import { chainOn, extend, idOf, type TestChain } from '../../helpers/chain.ts';
import { addPending, feedIds, postBy, queriesOf } from '../../helpers/queries.ts';
import { downgradeToVersion7, releasedSocialConfirm } from '../../helpers/schema-downgrade.ts';
import { keysFor, SocialFixture } from '../../helpers/social-fixtures.ts';
import { tempDirs } from '../../helpers/temp-dirs.ts';

// Issue 13 (initial sync): schema migration 9 splits the social_confirm trigger, and store
// maintenance waits while the node catches up. Neither may change what the node answers.

const tempDir = tempDirs('yournet-upkeep-');

const [ALICE, BOB, CAROL] = keysFor('alice', 'bob', 'carol');
const fixture = new SocialFixture();
const { act } = fixture;

/** Every row of the tables the social triggers write, in a fixed order. */
function derived(db: Db): unknown {
  const all = (sql: string) => db.prepare(sql).all();
  return {
    actions: all(
      'SELECT post_seq, id, kind, ref, pubkey, arg, height, position FROM social_actions ORDER BY post_seq',
    ),
    follows: all('SELECT * FROM follows ORDER BY follower, target'),
    timeline: all('SELECT * FROM timeline_posts ORDER BY pubkey, place'),
    notices: all('SELECT * FROM notices ORDER BY target, post_seq'),
  };
}

/** The same blocks on a chain: plain posts, actions, a reply, a delete, then a reorg. */
function playBlocks(t: TestChain): void {
  const post = act(ALICE, undefined, 'hello from alice');
  const other = act(ALICE, undefined, 'a second post');
  const follow = act(BOB, 'follow', 'follow', ALICE.pub);
  const react = act(BOB, 'react', '👍', idOf(post));
  const reply = act(CAROL, undefined, 'a reply to alice', undefined, idOf(post));
  const repost = act(CAROL, 'repost', 'repost', idOf(other));
  const h1 = extend(t.chain, t.chain.tip, [post, other, follow]);
  const h2 = extend(t.chain, h1, [react, reply, repost, act(ALICE, 'delete', 'delete', idOf(other))]);
  extend(t.chain, h2, [act(CAROL, 'follow', 'follow', BOB.pub)]);
  // A heavier branch from h1 drops the delete and confirms some of the same posts elsewhere.
  const b2 = extend(t.chain, h1, [reply, act(BOB, 'unfollow', 'unfollow', ALICE.pub)]);
  const b3 = extend(t.chain, b2, [react]);
  extend(t.chain, b3, [repost]);
}

describe('schema migration 9: social_confirm split (a WHEN before the action insert)', () => {
  it('writes exactly the rows the released trigger writes, through connects and a reorg', () => {
    const split = chainOn(tempDir());
    const released = chainOn(tempDir());
    try {
      released.store.database.exec(
        `DROP TRIGGER social_confirm_action; DROP TRIGGER social_confirm; ${releasedSocialConfirm()}`,
      );
      fixture.stamp = 0;
      playBlocks(split);
      fixture.stamp = 0;
      playBlocks(released);
      const rows = derived(split.store.database) as {
        actions: unknown[];
        notices: unknown[];
        timeline: unknown[];
      };
      assert.ok(rows.actions.length >= 4 && rows.notices.length >= 3 && rows.timeline.length >= 3);
      assert.deepEqual(rows, derived(released.store.database));
    } finally {
      split.store.close();
      released.store.close();
    }
  });

  it('upgrades a version-7 data dir: old rows stay, new blocks fill the social tables', () => {
    const dir = tempDir();
    const old = new Database(join(dir, 'yournet.sqlite'));
    old.pragma('journal_mode = WAL');
    for (const [version, sql] of MIGRATIONS.slice(0, 7).entries()) {
      old.exec(sql);
      old.pragma(`user_version = ${version + 1}`);
    }
    old.close();
    const first = chainOn(dir);
    // Make the store a version-7 one that already holds confirmed posts and actions.
    downgradeToVersion7(first.store.database);
    const post = act(ALICE, undefined, 'before the upgrade');
    extend(first.chain, first.chain.tip, [post, act(BOB, 'react', '🎉', idOf(post))]);
    const before = derived(first.store.database) as {
      actions: unknown[];
      timeline: unknown[];
      notices: unknown[];
    };
    assert.equal(before.actions.length, 1);
    first.store.close();

    const upgraded = chainOn(dir);
    try {
      const db = upgraded.store.database;
      assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
      const triggers = db
        .prepare(
          `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'confirmed' ORDER BY name`,
        )
        .pluck()
        .all();
      assert.deepEqual(triggers, [
        'mention_places_confirm',
        'mention_places_unconfirm',
        'reply_count_confirm',
        'reply_count_unconfirm',
        'social_confirm',
        'social_confirm_action',
        'social_unconfirm',
      ]);
      assert.deepEqual(derived(db), before, 'the upgrade rewrites no row');
      const later = act(CAROL, undefined, 'after the upgrade', undefined, idOf(post));
      extend(upgraded.chain, upgraded.chain.tip, [later, act(CAROL, 'react', '👍', idOf(post))]);
      const after = derived(db) as typeof before;
      assert.equal(after.actions.length, 2, 'the new react is logged');
      assert.equal(after.timeline.length, before.timeline.length + 1, 'the reply is on its timeline');
      // alice is notified of the new reply and the new react (one notice row per post).
      assert.equal(after.notices.length, before.notices.length + 2);
    } finally {
      upgraded.store.close();
    }
  });
});

describe('StoreMaintenance while the node catches up', () => {
  it('leaves the full-text backlog and checkpoints alone, then indexes it; searches never miss', () => {
    const test = chainOn(tempDir());
    const { store } = test;
    let catchingUp = true;
    const maintenance = new StoreMaintenance(store.database, store.searchIndex, {
      checkpointMs: 0,
      catchingUp: () => catchingUp,
    });
    let checkpoints = 0;
    const checkpoint = maintenance.checkpoint.bind(maintenance);
    maintenance.checkpoint = () => {
      checkpoints++;
      return checkpoint();
    };
    try {
      addPending(store, postBy('dora', 'stored while catching up: walruses'));
      maintenance.tick(Date.now() + 60_000);
      assert.equal(store.searchIndex.backlog(), 1, 'not indexed while catching up');
      assert.equal(checkpoints, 0, 'no timer checkpoint while catching up');
      catchingUp = false;
      maintenance.tick(Date.now() + 120_000);
      assert.equal(store.searchIndex.backlog(), 0, 'indexed once near the tip');
      assert.equal(checkpoints, 1);
      // A search while catching up still finds everything stored (it catches the index up first).
      catchingUp = true;
      const late = postBy('dora', 'more walruses');
      addPending(store, late);
      assert.equal(store.searchIndex.backlog(), 1);
      assert.equal(feedIds(queriesOf(test), { limit: 10, q: 'walruses' })[0], idOf(late));
    } finally {
      maintenance.stop();
      store.close();
    }
  });

  it('shrinks the page cache while catching up and restores it after, and on stop', () => {
    const test = chainOn(tempDir());
    const { store } = test;
    const db = store.database;
    const cacheKib = () => -(db.pragma('cache_size', { simple: true }) as number);
    let catchingUp = false;
    const maintenance = new StoreMaintenance(db, store.searchIndex, { catchingUp: () => catchingUp });
    try {
      maintenance.start();
      maintenance.tick();
      assert.equal(cacheKib(), CACHE_KIB);
      catchingUp = true;
      maintenance.tick();
      assert.equal(cacheKib(), CATCH_UP_CACHE_KIB);
      assert.ok(CATCH_UP_CACHE_KIB < CACHE_KIB);
      catchingUp = false;
      maintenance.tick();
      assert.equal(cacheKib(), CACHE_KIB, 'restored near the tip');
      catchingUp = true;
      maintenance.tick();
      maintenance.stop();
      assert.equal(cacheKib(), CACHE_KIB, 'restored when maintenance stops');
    } finally {
      maintenance.stop();
      store.close();
    }
  });

  it('a store closed with a backlog (as after kill -9) answers searches fully after reopening', () => {
    const dir = tempDir();
    const first = chainOn(dir);
    const posts = Array.from({ length: 5 }, (_, i) => postBy('erin', `narwhal number ${i}`));
    first.store.searchIndex.indexBatch(); // nothing yet
    addPending(first.store, posts[0]!);
    first.store.searchIndex.catchUp();
    for (const post of posts.slice(1)) addPending(first.store, post);
    // The process dies here: 4 posts stored, not indexed. Nothing but SQLite's own state survives.
    first.store.close();
    const reopened = chainOn(dir);
    try {
      assert.equal(reopened.store.searchIndex.backlog(), 4);
      const found = feedIds(queriesOf(reopened), { limit: 10, q: 'narwhal' });
      assert.deepEqual([...found].sort(), posts.map(idOf).sort());
      reopened.store.database
        .prepare(`INSERT INTO posts_fts (posts_fts, rank) VALUES ('integrity-check', 1)`)
        .run();
    } finally {
      reopened.store.close();
    }
  });
});
